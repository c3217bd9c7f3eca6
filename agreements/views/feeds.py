"""The private calendar feed (iCalendar by token) and the page to create or revoke it."""

import secrets
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET, require_http_methods
from icalendar import Calendar, Event

from ..access import agreements_visible_to
from ..due.loading import deadlines_for
from ..models import CalendarFeed, Meeting

FEED_HORIZON_DAYS = 400
STATUS_TEXT = {
    "upcoming": gettext_noop("kommande"),
    "due_soon": gettext_noop("snart"),
    "overdue": gettext_noop("försenad"),
    "done": gettext_noop("klar"),
}


def _new_token():
    return secrets.token_urlsafe(32)


# Opened without login, by its token: private all the same (see iop.middleware).
@cache_control(private=True, no_store=True)
@require_GET
def calendar(request, token):
    feed = get_object_or_404(
        CalendarFeed.objects.select_related("user"), token=token, user__is_active=True
    )
    body = feed_ics(feed.user, today=timezone.localdate(), now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="iop.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response


def feed_ics(user, *, today, now):
    """The user's deadlines and meetings as an iCalendar document (bytes)."""
    agreements = agreements_visible_to(user)
    cal = Calendar()
    cal.add("prodid", "-//IOP//Tidsfrister//SV")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("IOP – tidsfrister och möten"))
    for d in deadlines_for(agreements, today=today, horizon_days=FEED_HORIZON_DAYS):
        event = Event()
        event.add("uid", f"{d.key.replace(':', '-')}@iop")
        event.add("summary", f"{d.title} – {d.agreement.title}")
        event.add("dtstart", d.due_date)
        event.add("dtend", d.due_date + timedelta(days=1))
        event.add("dtstamp", now)
        description = [f"{d.kind_label}: {_(STATUS_TEXT.get(d.status, d.status))}"]
        if d.detail:
            description.append(d.detail)
        event.add("description", "\n".join(description))
        event.add("categories", [str(d.kind_label)])
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    since = today - timedelta(days=FEED_HORIZON_DAYS)
    for meeting in Meeting.objects.filter(agreement__in=agreements, date__gte=since).select_related(
        "agreement"
    ):
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@iop")
        event.add("summary", _("Samverkansmöte – %(title)s") % {"title": meeting.agreement.title})
        event.add("dtstart", meeting.date)
        event.add("dtend", meeting.date + timedelta(days=1))
        event.add("dtstamp", now)
        cal.add_component(event)
    return cal.to_ical()


@login_required
@require_http_methods(["GET", "POST"])
def manage(request):
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "revoke":
            CalendarFeed.objects.filter(user=request.user).delete()
            messages.success(request, _("Kalenderlänken är återkallad och slutar fungera nu."))
        else:
            with transaction.atomic():
                CalendarFeed.objects.update_or_create(
                    user=request.user, defaults={"token": _new_token()}
                )
            messages.success(
                request, _("En ny kalenderlänk är skapad. En tidigare länk fungerar inte längre.")
            )
        return redirect("feeds:manage")
    feed = CalendarFeed.objects.filter(user=request.user).first()
    url = request.build_absolute_uri(reverse("feeds:calendar", args=[feed.token])) if feed else ""
    return render(
        request,
        "feeds/manage.html",
        {"feed": feed, "feed_url": url, "created_at": feed.created_at if feed else None},
    )
