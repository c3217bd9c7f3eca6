"""An agreement's dossier (akt) for auditors: one ZIP file with what the user may see of it.

    innehall.txt              the index: title, case number, when and by whom the dossier was
                              made, and every file's SHA-256 (as `sha256sum -c` reads it)
    dokument/*.pdf            every issued version of the agreement and of the proposals of
                              the decisions covering it, as stored
    beslut.csv                the decisions covering it, with their conditions
    rapporter.csv             its reports; rapporter/<year>-<period>-<id>/<file> their files
    betalningar.csv           the payments on its funding lines
    finansiering.csv          each party's funding per year, after uplift
    handelser.csv             its history: who registered, changed or moved it, and when

Every row is read through agreements.access, so the dossier never holds more than the app's
pages show the user; a fixed number of queries, however many rows. The CSV files are the
exports' (funding.exports.writers): semicolons and a BOM for Swedish Excel.
"""

import hashlib
import logging
import zipfile

from django.conf import settings
from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from funding.exports.writers import to_csv
from funding.summary import agreement_funding

from ..access import (
    attachments_visible_to,
    decisions_visible_to,
    issued_documents_visible_to,
    payments_visible_to,
    reports_visible_to,
)
from ..due.report_states import with_item_states
from ..models import AgreementEvent, DecisionCondition, DocumentKind, ReportFigure

logger = logging.getLogger(__name__)

INDEX_NAME = "innehall.txt"
# File names in the archive, as the app's URLs: Swedish, without å, ä, ö.
KIND_NAMES = {DocumentKind.AGREEMENT: "overenskommelse", DocumentKind.PROPOSAL: "beslutsforslag"}
CHUNK = 1024 * 1024


def write_dossier(*, agreement, user, now, file):
    """Write the agreement's dossier as a ZIP into file, as the user may see it at now.

    agreement is one the user sees (access.get_agreement_for): its funding and history are
    read for it as its page reads them; every other row through access.py.
    """
    with _Archive(file, now) as archive:
        _write_documents(archive, agreement, user)
        archive.add_csv("beslut.csv", *_decision_rows(agreement, user))
        _write_reports(archive, agreement, user, now)
        archive.add_csv("betalningar.csv", *_payment_rows(agreement, user))
        archive.add_csv("finansiering.csv", *_funding_rows(agreement))
        archive.add_csv("handelser.csv", *_event_rows(agreement))
        archive.add_bytes(INDEX_NAME, _index(archive, agreement, user, now).encode())


class _Archive:
    """A ZIP being written: each file's name, stamped with now, and its SHA-256 kept for the
    index; a name taken already gets a number, so no file hides another."""

    def __init__(self, file, now):
        self.zip = zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED)
        # ZipFile stamps a file with the wall clock unless given a time of its own.
        self.stamp = timezone.localtime(now).timetuple()[:6]
        self.hashes = {}  # name: SHA-256, in the order written
        self.left_out = []  # (name, why)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.zip.close()

    def name(self, wanted):
        """wanted, or 'name-2.pdf', 'name-3.pdf', … if it is taken."""
        stem, dot, extension = wanted.rpartition(".")
        if not dot:
            stem, extension = wanted, ""
        name, number = wanted, 1
        while name in self.hashes:
            number += 1
            name = f"{stem}-{number}{dot}{extension}"
        return name

    def _info(self, name):
        info = zipfile.ZipInfo(name, date_time=self.stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        return info

    def add_bytes(self, wanted, data):
        """Add a file; return the name it got."""
        name = self.name(wanted)
        self.zip.writestr(self._info(name), data)
        self.hashes[name] = hashlib.sha256(data).hexdigest()
        return name

    def add_stream(self, wanted, chunks):
        """A file written chunk by chunk (an attachment is never held whole)."""
        name = self.name(wanted)
        digest = hashlib.sha256()
        with self.zip.open(self._info(name), "w") as out:
            for chunk in chunks:
                digest.update(chunk)
                out.write(chunk)
        self.hashes[name] = digest.hexdigest()
        return name

    def add_csv(self, name, header, rows):
        self.add_bytes(name, to_csv(header, rows))


def _write_documents(archive, agreement, user):
    """The issued versions as stored, read one at a time; one whose bytes no longer match
    their recorded hash is left out, as its download page refuses it."""
    decisions = decisions_visible_to(user).filter(agreements=agreement).values("pk")
    documents = (
        issued_documents_visible_to(user)
        .filter(Q(agreement=agreement) | Q(decision__in=decisions))
        .order_by("kind", "issued_at", "pk")
    )
    for document in documents.iterator(chunk_size=10):
        date = timezone.localtime(document.issued_at).date().isoformat()
        name = f"dokument/{KIND_NAMES[document.kind]}-v{document.version}-{date}.pdf"
        data = bytes(document.pdf)
        if len(data) != document.size or hashlib.sha256(data).hexdigest() != document.sha256:
            logger.error("Issued document %s fails its SHA-256 check", document.pk)
            archive.left_out.append((name, _("stämmer inte med sin lagrade kontrollsumma")))
            continue
        archive.add_bytes(name, data)


def _decision_rows(agreement, user):
    header = [
        _("Organisation"),
        _("Beslutande organ"),
        _("Ärende"),
        _("Diarienummer"),
        _("Beslutsdatum"),
        _("Paragraf"),
        _("Utfall"),
        _("Vad beslutades"),
        _("Villkor"),
    ]
    decisions = (
        decisions_visible_to(user)
        .filter(agreements=agreement)
        .select_related("organisation")
        .prefetch_related(Prefetch("conditions", DecisionCondition.objects.select_related("party")))
        .order_by("decided_on", "pk")
    )
    rows = [
        [
            d.organisation.name,
            d.body,
            d.title,
            d.case_number,
            d.decided_on,
            d.paragraph,
            d.get_outcome_display(),
            d.summary,
            "; ".join(_condition(c) for c in d.conditions.all()),
        ]
        for d in decisions
    ]
    return header, rows


def _condition(condition):
    who = " ".join(part for part in (condition.party.name, condition.body) if part)
    return f"{who}: {condition.status.label}"


def _write_reports(archive, agreement, user, now):
    reports = list(
        reports_visible_to(user)
        .filter(agreement=agreement)
        .select_related("agreement", "party", "submitted_by", "reviewed_by")
        .prefetch_related(Prefetch("figures", ReportFigure.objects.select_related("target")))
        .order_by("year", "due_date", "pk")
    )
    with_item_states(reports, today=timezone.localtime(now).date())
    folders = {report.pk: _report_folder(report) for report in reports}
    attachments = (
        attachments_visible_to(user)
        .filter(report__agreement=agreement)
        .order_by("report_id", "uploaded_at", "pk")
    )
    files = {}  # report id: [names in the archive]
    for attachment in attachments.iterator(chunk_size=100):
        name = f"rapporter/{folders[attachment.report_id]}/{attachment.download_name}"
        try:
            handle = attachment.file.open("rb")
        except FileNotFoundError:
            archive.left_out.append((name, _("filen saknas i lagringen")))
            continue
        with handle:
            name = archive.add_stream(name, handle.chunks(CHUNK))
        files.setdefault(attachment.report_id, []).append(name)
    archive.add_csv("rapporter.csv", *_report_rows(reports, files))


def _report_folder(report):
    return f"{report.year}-{report.period or 'enstaka'}-{report.pk}"


def _report_rows(reports, files):
    header = [
        _("År"),
        _("Period"),
        _("Rubrik"),
        _("Rapporterande part"),
        _("Status"),
        _("Ska lämnas senast"),
        _("Inlämnad"),
        _("Inlämnad av"),
        _("Granskad"),
        _("Granskad av"),
        _("Kommentar vid granskning"),
        _("Utfall mot målen"),
        _("Redovisning"),
        _("Bilagor"),
    ]
    rows = [
        [
            r.year,
            r.get_period_display(),
            r.title,
            r.party.name,
            r.get_status_display(),
            r.due,
            _local(r.submitted_at),
            _person(r.submitted_by),
            _local(r.reviewed_at),
            _person(r.reviewed_by),
            r.review_comment,
            "; ".join(f"{f.target}: {f.value}" for f in r.figures.all()),
            r.text,
            "; ".join(files.get(r.pk, [])),
        ]
        for r in reports
    ]
    return header, rows


def _payment_rows(agreement, user):
    header = [
        _("Betalningsdag"),
        _("Betalare"),
        _("Mottagare"),
        _("Ändamål"),
        _("Avser år"),
        _("Belopp (kr)"),
        _("Referens"),
        _("Bankgiro"),
    ]
    payments = (
        payments_visible_to(user)
        .filter(line__agreement=agreement)
        .select_related("line__party", "line__receiver", "line__payment_plan")
        .order_by("paid_on", "pk")
    )
    rows = [
        [
            p.paid_on,
            p.line.party.name,
            p.line.receiver.name if p.line.receiver else "",
            p.line.purpose,
            p.year,
            p.amount,
            p.reference,
            _bankgiro(p.line),
        ]
        for p in payments
    ]
    return header, rows


def _bankgiro(line):
    """The bankgiro of the line's payment plan, as the payments page shows it."""
    plan = getattr(line, "payment_plan", None)
    return plan.bankgiro if plan is not None else ""


def _funding_rows(agreement):
    """Each party's total per year after uplift, as the agreement's page sums it."""
    header = [_("Part"), _("År"), _("Belopp efter uppräkning (kr)")]
    funding = agreement_funding(agreement)
    rows = [
        [group.party.name, year, amount]
        for group in funding.parties
        for year, amount in zip(funding.years, group.totals, strict=True)
    ]
    return header, rows


def _event_rows(agreement):
    header = [_("När"), _("Vad"), _("Datum"), _("Organisation"), _("Vem")]
    events = (
        AgreementEvent.objects.filter(agreement=agreement)
        .select_related("party", "user")
        .order_by("at", "pk")
    )
    rows = [
        [
            _local(e.at),
            e.get_kind_display(),
            e.on,
            e.party.name if e.party else _("Driftansvarig"),
            _person(e.user) or "–",
        ]
        for e in events
    ]
    return header, rows


def _index(archive, agreement, user, now):
    lines = [
        _("Akt för överenskommelsen: %(title)s") % {"title": agreement.title},
        _("Diarienummer: %(number)s") % {"number": agreement.case_number or "–"},
        _("Skapad: %(when)s (%(zone)s)") % {"when": _local(now), "zone": settings.TIME_ZONE},
        _("Skapad av: %(who)s") % {"who": _person(user)},
        "",
        _("Filer med SHA-256-kontrollsumma (kontrollera med: sha256sum -c innehall.txt):"),
        "",
        *(f"{digest}  {name}" for name, digest in archive.hashes.items()),
    ]
    if archive.left_out:
        lines += ["", _("Utelämnade filer:"), *(f"{name}: {why}" for name, why in archive.left_out)]
    return "\n".join(lines) + "\n"


def _local(moment):
    """A moment as the pages show it: 'YYYY-MM-DD HH:MM' in the site's time zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else None


def _person(user):
    return (user.get_full_name() or user.get_username()) if user else ""
