"""Follow-up: reports with figures and attachments, meetings and their minutes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agreements.access import (
    COORDINATOR,
    MEETING_REGISTRARS,
    agreements_with_role,
    get_agreement_for,
    get_attachment_for,
    get_meeting_for,
    get_report_for,
    is_any,
    may_change_meeting,
    may_edit_report,
    may_review_report,
    reporting_party_for,
    reports_visible_to,
    require_any,
)
from agreements.due.report_states import with_item_states
from agreements.forms import (
    AttachmentForm,
    MeetingForm,
    MinutesForm,
    ReportForm,
    ReportPickForm,
    ReviewForm,
    SubmitOnceForm,
    VersionForm,
)
from agreements.models import EDITABLE_REPORT_STATUSES, ObligationKind, ReportPeriod
from agreements.services import DomainError
from agreements.services.conflicts import EditConflict
from agreements.services.followup import (
    add_attachment,
    add_meeting,
    change_meeting,
    delete_attachment,
    open_report,
    review_report,
    save_report,
    submit_report,
)
from agreements.services.once import submit_once

from ._common import after_conflict, paginate


@login_required
@require_GET
def report_list(request):
    """Every report the user's agreements expect or hold, each with its state as the
    dashboard has it (closed, moved, late, or its agreement ended)."""
    reports = (
        reports_visible_to(request.user)
        .select_related("agreement", "party", "submitted_by")
        .order_by("status", "due_date", "pk")
    )
    page = paginate(request, reports)
    with_item_states(page.object_list, today=timezone.localdate())
    return render(
        request,
        "agreements/report_list.html",
        {"page": page, "can_file": is_any(request.user, COORDINATOR)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_create(request):
    require_any(request.user, COORDINATOR)
    agreements = agreements_with_role(request.user, COORDINATOR).order_by("-period_start")
    form = ReportPickForm(
        request.POST if request.method == "POST" else None,
        agreements=agreements,
        initial={
            "year": request.GET.get("ar"),
            "agreement": request.GET.get("overenskommelse"),
            "period": request.GET.get("period"),
        },
    )
    if form.is_bound and form.is_valid():
        agreement = form.cleaned_data["agreement"]
        try:
            report = open_report(
                agreement=agreement,
                party=reporting_party_for(request.user, agreement),
                year=form.cleaned_data["year"],
                period=form.cleaned_data["period"],
                by=request.user,
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("agreements:report", report.pk)
    return render(request, "agreements/report_pick.html", {"form": form})


def _report_forms(report, data):
    return ReportForm(data, report=report), VersionForm(data, version=report.version)


@login_required
@require_http_methods(["GET", "POST"])
def report_detail(request, pk):
    """The report; for its coordinator one form with the narrative, the figures and a file to
    attach, saved together so that attaching a file never loses what was typed."""
    report = get_report_for(request.user, pk, edit=request.method == "POST")
    with_item_states([report], today=timezone.localdate())
    data = request.POST if request.method == "POST" else None
    form, version = _report_forms(report, data)
    once = SubmitOnceForm(data, request.FILES if data is not None else None)
    conflict = None
    if form.is_bound and form.is_valid() and version.is_valid():
        try:
            saved = save_report(
                report=report,
                text=form.cleaned_data["text"],
                figures=form.figures(),
                by=request.user,
                version=version.loaded,
            )
            messages.success(request, _("Utkastet är sparat."))
            _attach(request, saved, once)
        except EditConflict as exc:
            conflict = exc
            form, version = after_conflict(
                request,
                exc,
                report,
                lambda data: _report_forms(report, data),
            )
        except DomainError as exc:
            messages.error(request, str(exc))
            return redirect("agreements:report", report.pk)
        else:
            if "lamna_in" in request.POST:
                return redirect("agreements:report_submit", report.pk)
            return redirect("agreements:report", report.pk)
    return render(
        request,
        "agreements/report_detail.html",
        {
            "report": report,
            "form": form,
            "can_edit": may_edit_report(request.user, report),
            "can_review": may_review_report(request.user, report),
            "figures": report.figures.select_related("target"),
            "attachments": report.attachments.all(),
            "attachment_form": AttachmentForm(),
            "once_form": once,
            "version_form": version,
            "conflict": conflict,
        },
    )


def _attach(request, report, once):
    """Attach the file posted with the report's form, if any, once per submitted form (the
    text is saved already: a refused file is an error message, nothing typed is lost)."""
    upload = request.FILES.get("file")
    if upload is None:
        return
    if not once.is_valid():
        raise DomainError(once.REFUSED)
    submit_once(
        key=once.key,
        by=request.user,
        create=lambda: add_attachment(report=report, upload=upload, by=request.user),
    )
    messages.success(request, _("Filen är bifogad."))


@login_required
@require_http_methods(["GET", "POST"])
def report_submit(request, pk):
    """The check before handing in: the period, the due date, what the agreement asks to be
    reported and the attachments; handing in is the confirming post."""
    report = get_report_for(request.user, pk, edit=True)
    version = VersionForm(
        request.POST if request.method == "POST" else None, version=report.version
    )
    if version.is_bound:
        if version.is_valid():
            try:
                submit_report(
                    report=report, by=request.user, version=version.loaded, now=timezone.now()
                )
            except (DomainError, EditConflict) as exc:
                messages.error(request, str(exc))
            else:
                messages.success(
                    request,
                    _("Rapporten %(period)s är inlämnad till %(to)s.")
                    % {"period": report.period_label, "to": _recipient(report)},
                )
                return redirect("agreements:report", report.pk)
        else:
            messages.error(request, _("Sidan är gammal. Kontrollera rapporten igen."))
        return redirect("agreements:report_submit", report.pk)
    with_item_states([report], today=timezone.localdate())
    context = {
        "report": report,
        "asks": _what_is_asked(report),
        "figures": report.figures.select_related("target"),
        "attachments": report.attachments.all(),
        "version_form": version,
        "recipient": _recipient(report),
        "may_submit": report.status in EDITABLE_REPORT_STATUSES and report.text.strip(),
    }
    return render(request, "agreements/report_submit.html", context)


def _what_is_asked(report):
    """The obligations asking for the report: its own, else those of its period's kind."""
    if report.obligation_id:
        return [report.obligation]
    if not report.period:
        return []
    annual = report.period == ReportPeriod.ANNUAL
    kind = ObligationKind.ANNUAL_REPORT if annual else ObligationKind.TERTIAL_REPORT
    return list(report.agreement.obligations.filter(kind=kind))


def _recipient(report):
    obligation = report.obligation
    if obligation is not None and obligation.recipient_id:
        return obligation.recipient.name
    others = report.agreement.parties.exclude(party=report.party_id).select_related("party")
    return ", ".join(ap.party.name for ap in others)


@login_required
@require_http_methods(["GET", "POST"])
def report_review(request, pk):
    report = get_report_for(request.user, pk, review=True)
    data = request.POST if request.method == "POST" else None
    form, version = _review_forms(report, data)
    conflict = None
    if form.is_bound and all([form.is_valid(), version.is_valid()]):
        try:
            review_report(
                report=report,
                approve=form.approves,
                comment=form.cleaned_data["comment"],
                by=request.user,
                now=timezone.now(),
                version=version.loaded,
            )
        except EditConflict as exc:
            conflict = exc
            form, version = after_conflict(
                request, exc, report, lambda data: _review_forms(report, data)
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Rapporten är godkänd.") if form.approves else _("Rapporten är returnerad."),
            )
            return redirect("agreements:report", report.pk)
    context = {"report": report, "form": form, "version_form": version, "conflict": conflict}
    return render(request, "agreements/report_review.html", context)


def _review_forms(report, data):
    return ReviewForm(data), VersionForm(data, version=report.version)


@login_required
@require_GET
def attachment_download(request, pk):
    attachment = get_attachment_for(request.user, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.download_name,
        content_type=attachment.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def attachment_delete(request, pk):
    attachment = get_attachment_for(request.user, pk, edit=True)
    report_pk = attachment.report_id
    try:
        delete_attachment(attachment=attachment, by=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Bilagan är borttagen."))
    return redirect("agreements:report", report_pk)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_create(request, pk):
    agreement = get_agreement_for(request.user, pk, roles=MEETING_REGISTRARS)
    data = request.POST if request.method == "POST" else None
    form, once = MeetingForm(data, agreement=agreement), SubmitOnceForm(data)
    if form.is_bound and all([form.is_valid(), once.is_valid()]):
        try:
            submit_once(
                key=once.key,
                by=request.user,
                create=lambda: add_meeting(
                    agreement=agreement, by=request.user, **form.cleaned_data
                ),
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Mötet är registrerat."))
            return redirect(agreement.get_absolute_url() + "#moten")
    context = {"form": form, "agreement": agreement, "meeting": None, "once_form": once}
    return render(request, "agreements/meeting_form.html", context)


def _meeting_forms(form_class, meeting, data):
    form = form_class(data, instance=meeting, agreement=meeting.agreement)
    return form, VersionForm(data, version=meeting.version)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request, pk):
    meeting = get_meeting_for(request.user, pk, roles=MEETING_REGISTRARS)
    agreement = meeting.agreement
    form_class = MeetingForm if may_change_meeting(request.user, meeting) else MinutesForm
    data = request.POST if request.method == "POST" else None
    form, version = _meeting_forms(form_class, meeting, data)
    conflict = None
    if form.is_bound and all([form.is_valid(), version.is_valid()]):
        try:
            change_meeting(
                meeting=meeting, version=version.loaded, by=request.user, **form.cleaned_data
            )
        except EditConflict as exc:
            conflict = exc
            form, version = after_conflict(
                request, exc, meeting, lambda data: _meeting_forms(form_class, meeting, data)
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Mötet är sparat."))
            return redirect(agreement.get_absolute_url() + "#moten")
    context = {"form": form, "agreement": agreement, "meeting": meeting}
    return render(
        request,
        "agreements/meeting_form.html",
        context | {"version_form": version, "conflict": conflict},
    )
