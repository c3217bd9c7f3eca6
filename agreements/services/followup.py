"""Follow-up writes: reports (draft, figures, submit, review), their attachments, meetings
and their minutes."""

import io
import uuid
import zipfile

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from agreements.models import (
    EDITABLE_REPORT_STATUSES,
    Meeting,
    ObligationKind,
    Report,
    ReportAttachment,
    ReportFigure,
    ReportPeriod,
    ReportStatus,
)

from ..due.rules import computed_report_due_date
from ..uploads import CONTENT_TYPES, attachment_name
from . import DomainError
from .conflicts import check_report_version, check_review_version, check_version
from .rows import validate

# Report periods a coordinator can pick; one-off reports come from obligations.
PICKABLE_PERIODS = [ReportPeriod.T1, ReportPeriod.T2, ReportPeriod.T3, ReportPeriod.ANNUAL]


def _obligation_asking_for(agreement, period):
    """The agreement's obligation that asks for the period's reports, if any."""
    kind = (
        ObligationKind.ANNUAL_REPORT
        if period == ReportPeriod.ANNUAL
        else ObligationKind.TERTIAL_REPORT
    )
    return next((o for o in agreement.obligations.all() if o.kind == kind), None)


@transaction.atomic
def open_report(*, agreement, party, year, period, by):
    """The report for the period, created as a draft if it does not exist yet."""
    if period not in PICKABLE_PERIODS:
        raise DomainError(_("Välj en period."))
    if not agreement.period_start.year <= year <= agreement.period_end.year:
        raise DomainError(_("Året ligger utanför överenskommelsens period."))
    if not agreement.parties.filter(party=party).exists():
        raise DomainError(_("Organisationen är inte part i överenskommelsen."))
    existing = Report.objects.filter(agreement=agreement, year=year, period=period).first()
    if existing is not None:
        if existing.party_id != party.pk:
            raise DomainError(_("En annan part har redan rapporten för den perioden."))
        return existing
    try:
        with transaction.atomic():
            return Report.objects.create(
                agreement=agreement,
                party=party,
                year=year,
                period=period,
                due_date=computed_report_due_date(
                    _obligation_asking_for(agreement, period), year, period
                ),
            )
    except IntegrityError:
        raise DomainError(_("Det finns redan en rapport för den perioden.")) from None


def _require_draft(report):
    if report.status not in EDITABLE_REPORT_STATUSES:
        raise DomainError(_("Rapporten är inlämnad och kan inte ändras."))


@transaction.atomic
def save_report(*, report, text, figures, by, version):
    """Save the narrative and the figures ({target: value or None}) of a draft report.

    version is the Report.version the form was loaded at; EditConflict if it has moved on.
    """
    report = Report.objects.select_for_update().get(pk=report.pk)
    _require_draft(report)
    check_report_version(report=report, version=version, text=text, figures=figures)
    report.text = text
    if report.status == ReportStatus.NOT_STARTED:
        report.status = ReportStatus.DRAFT
    report.version += 1
    report._history_user = by
    report.save()
    for target, value in figures.items():
        if value is None:
            ReportFigure.objects.filter(report=report, target=target).delete()
        else:
            ReportFigure.objects.update_or_create(
                report=report, target=target, defaults={"value": value}
            )
    return report


@transaction.atomic
def submit_report(*, report, by, version, now):
    """Submit a draft (or returned) report as loaded at version, at the moment now; from now
    on it is read-only until a reviewer returns it."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    _require_draft(report)
    check_report_version(report=report, version=version, text=report.text, figures={})
    if not report.text.strip():
        raise DomainError(_("Skriv redovisningen innan du lämnar in."))
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = now
    report.submitted_by = by
    # A new submission awaits a new review; the history keeps the earlier one.
    report.reviewed_at, report.reviewed_by, report.review_comment = None, None, ""
    report.version += 1
    report._history_user = by
    report.save()
    return report


@transaction.atomic
@transaction.atomic
def review_report(*, report, approve, comment, by, now, version):
    """Approve a submitted report, or return it to the reporting organisation with a comment
    saying what is missing (it can then be changed and submitted again).

    version is the Report.version the review page was loaded at; EditConflict (nothing saved)
    if it has moved on, so that no one approves a text they have not read."""
    report = Report.objects.select_for_update().get(pk=report.pk)
    check_review_version(report=report, version=version, comment=comment)
    if report.status != ReportStatus.SUBMITTED:
        raise DomainError(_("Bara en inlämnad rapport kan granskas."))
    comment = comment.strip()
    if not approve and not comment:
        raise DomainError(_("Skriv vad som behöver kompletteras."))
    report.status = ReportStatus.APPROVED if approve else ReportStatus.RETURNED
    report.reviewed_at, report.reviewed_by, report.review_comment = now, by, comment
    report.version += 1
    report._history_user = by
    report.save()
    return report


def sniff_type(head, stream):
    """'pdf', 'docx', 'xlsx' from the content's magic bytes, or None."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(stream).namelist())
        except zipfile.BadZipFile:
            return None
        if "[Content_Types].xml" not in names:
            return None
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
    return None


@transaction.atomic
def add_attachment(*, report, upload, by):
    """Attach a PDF, DOCX or XLSX file to a draft report; the type is read from the content."""
    _require_draft(report)
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise DomainError(
            _("Filen är för stor (högst %(mb)s MB).")
            % {"mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}
        )
    data = upload.read()
    kind = sniff_type(data[:8], io.BytesIO(data))
    if kind is None:
        raise DomainError(_("Filen måste vara PDF, DOCX eller XLSX."))
    upload.seek(0)
    # The name shown and downloaded: the user's, with the extension of the checked type.
    shown = attachment_name(upload.name, kind)
    # A random stored name: the user's name is kept for display, never used as a path.
    upload.name = f"{uuid.uuid4().hex}.{kind}"
    return ReportAttachment.objects.create(
        report=report,
        file=upload,
        original_name=shown,
        content_type=CONTENT_TYPES[kind],
        size=len(data),
        uploaded_by=by,
    )


@transaction.atomic
def delete_attachment(*, attachment, by):
    """Remove an attachment from a draft report, file included."""
    _require_draft(attachment.report)
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def add_meeting(*, agreement, by, **fields):
    """Record a meeting of the agreement's parties (date, called_by, participants, minutes)."""
    meeting = Meeting(agreement=agreement, **fields)
    validate(meeting, list(fields))
    meeting._history_user = by
    meeting.save()
    return meeting


@transaction.atomic
def change_meeting(*, meeting, version, by, **fields):
    """Change a meeting's fields (its minutes, or all of it), as loaded at version;
    EditConflict (nothing saved) if it has moved on."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    check_version(meeting, version, where=_("Mötet"), posted=fields)
    for name, value in fields.items():
        setattr(meeting, name, value)
    validate(meeting, list(fields))
    meeting.version += 1
    meeting._history_user = by
    meeting.save()
    return meeting
