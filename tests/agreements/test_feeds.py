"""The private calendar feed: token required, own deadlines only, revocable."""

from datetime import date

import pytest
from django.urls import reverse
from icalendar import Calendar

from agreements.models import Agreement, CalendarFeed, Meeting, Party, Role
from agreements.views.feeds import feed_ics
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(demo):
    return make_user(
        "alice", party=Party.objects.get(name="Region Västerbotten"), role=Role.ADMINISTRATOR
    )


@pytest.fixture
def sara(demo):
    return make_user("sara", party=Party.objects.get(name="Region Skåne"), role=Role.SECRETARY)


def test_manage_page_creates_rotates_and_revokes(client, alice):
    client.force_login(alice)
    url = reverse("feeds:manage")
    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "create"}).status_code == 302
    first = CalendarFeed.objects.get(user=alice).token
    assert first in client.get(url).content.decode()
    client.post(url, {"action": "rotate"})
    second = CalendarFeed.objects.get(user=alice).token
    assert second != first
    assert client.get(reverse("feeds:calendar", args=[first])).status_code == 404
    assert client.get(reverse("feeds:calendar", args=[second])).status_code == 200
    client.post(url, {"action": "revoke"})
    assert not CalendarFeed.objects.filter(user=alice).exists()
    assert client.get(reverse("feeds:calendar", args=[second])).status_code == 404


def test_manage_needs_login_and_refuses_put(client, alice):
    url = reverse("feeds:manage")
    assert client.get(url).status_code == 302
    client.force_login(alice)
    assert client.put(url).status_code == 405


def test_feed_without_login_by_token_lists_own_deadlines_and_meetings(client, alice):
    vb = Agreement.objects.get(parties__party__name="Region Västerbotten")
    Meeting.objects.create(agreement=vb, date=date(2026, 9, 15))
    feed = CalendarFeed.objects.create(user=alice, token="t" * 43)
    response = client.get(reverse("feeds:calendar", args=[feed.token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    summaries = [str(e.get("summary")) for e in cal.walk("VEVENT")]
    assert any("Behandlingscenter" in s for s in summaries)
    assert not any("Barnverksamhet" in s for s in summaries)


def test_other_organisations_deadlines_are_not_in_the_feed(sara, alice):
    body = feed_ics(sara, today=date(2020, 11, 1), now=date(2020, 11, 1))
    summaries = [str(e.get("summary")) for e in Calendar.from_ical(body).walk("VEVENT")]
    assert any("Malmö stad" in s for s in summaries)  # Skåne awaits Malmö's decision
    assert not any("Behandlingscenter" in s for s in summaries)


def test_dates_are_all_day_events(alice):
    body = feed_ics(alice, today=date(2026, 5, 20), now=date(2026, 5, 20))
    events = {str(e.get("uid")): e for e in Calendar.from_ical(body).walk("VEVENT")}
    vb = Agreement.objects.get(parties__party__name="Region Västerbotten")
    t1 = events[f"report-{vb.pk}-2026-T1@iop"]
    assert t1.decoded("dtstart") == date(2026, 5, 30)
    assert t1.decoded("dtend") == date(2026, 5, 31)


def test_unknown_token_is_404_and_feed_refuses_post(client, alice):
    assert client.get(reverse("feeds:calendar", args=["nope"])).status_code == 404
    feed = CalendarFeed.objects.create(user=alice, token="u" * 43)
    assert client.post(reverse("feeds:calendar", args=[feed.token])).status_code == 405


def test_inactive_users_feed_is_404(client, alice):
    feed = CalendarFeed.objects.create(user=alice, token="v" * 43)
    alice.is_active = False
    alice.save()
    assert client.get(reverse("feeds:calendar", args=[feed.token])).status_code == 404
