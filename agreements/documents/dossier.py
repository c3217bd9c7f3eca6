"""An agreement's dossier (akt) for auditors: one ZIP file with what the user may see of it.

    innehall.txt              the index: title, case number, when and by whom the dossier was
                              made, every file, and those left out and why
    SHA256SUMS                every other file's SHA-256, as `sha256sum -c SHA256SUMS` reads it
    dokument/*.pdf            every issued version of the agreement and of the proposals of
                              the decisions covering it, as stored
    beslut.csv                the decisions covering it, with their conditions
    rapporter.csv             its reports; rapporter/<year>-<period>-<id>/<file> their files
    betalningar.csv           the payments on its funding lines
    finansiering.csv          each funding line's amount per year after uplift, and how sure
                              it is (fixed, by final or preliminary index, forecast, unknown)
    moten.csv                 its partnership meetings and their minutes
    handelser.csv             its history: who registered, changed or moved it, and when

Every row is read through agreements.access, so the dossier never holds more than the app's
pages show the user; a fixed number of queries, however many rows. The CSV files are the
exports' (funding.exports.writers): semicolons and a BOM for Swedish Excel.
"""

import hashlib
import logging
import unicodedata
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
from ..models import AgreementEvent, DecisionCondition, DocumentKind, Meeting, ReportFigure

logger = logging.getLogger(__name__)

INDEX_NAME = "innehall.txt"
SUMS_NAME = "SHA256SUMS"
# File names in the archive, as the app's URLs: Swedish, without å, ä, ö.
KIND_NAMES = {DocumentKind.AGREEMENT: "overenskommelse", DocumentKind.PROPOSAL: "beslutsforslag"}
CHUNK = 1024 * 1024
# A file name's bytes at most (ext4 and NTFS take 255), leaving room for a "-2".
NAME_BYTES = 200


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
        archive.add_csv("moten.csv", *_meeting_rows(agreement))
        archive.add_bytes(INDEX_NAME, _index(archive, agreement, user, now).encode())
        archive.add_bytes(SUMS_NAME, archive.sums().encode())


class _Archive:
    """A ZIP being written: each file's name, stamped with now, and its SHA-256 kept for the
    index. A name taken already, in any case (Windows and macOS unpack Rapport.pdf and
    rapport.pdf into one file), gets a number, so no file hides another. PDFs and uploaded
    files are stored as they are (they are compressed already), the texts deflated."""

    def __init__(self, file, now):
        self.zip = zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED)
        # ZipFile stamps a file with the wall clock unless given a time of its own.
        self.stamp = timezone.localtime(now).timetuple()[:6]
        self.hashes = {}  # name: SHA-256, in the order written
        self.taken = set()  # the names as a file system that ignores case sees them
        self.left_out = []  # (name, why)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.zip.close()

    def name(self, wanted):
        """wanted (its file name cut to NAME_BYTES), or 'name-2.pdf', 'name-3.pdf', … if it
        is taken."""
        folder, slash, file_name = wanted.rpartition("/")
        stem, dot, extension = file_name.rpartition(".")
        if not dot:
            stem, extension = file_name, ""
        room = NAME_BYTES - len(f"{dot}{extension}".encode())
        stem = stem.encode()[:room].decode(errors="ignore")
        name, number = f"{folder}{slash}{stem}{dot}{extension}", 1
        while _folded(name) in self.taken:
            number += 1
            name = f"{folder}{slash}{stem}-{number}{dot}{extension}"
        self.taken.add(_folded(name))
        return name

    def _info(self, name, compress):
        info = zipfile.ZipInfo(name, date_time=self.stamp)
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        return info

    def add_bytes(self, wanted, data, *, compress=True):
        """Add a file; return the name it got."""
        name = self.name(wanted)
        self.zip.writestr(self._info(name, compress), data)
        self.hashes[name] = hashlib.sha256(data).hexdigest()
        return name

    def add_stream(self, wanted, chunks):
        """An uploaded file, written chunk by chunk (never held whole) and stored as it is."""
        name = self.name(wanted)
        digest = hashlib.sha256()
        with self.zip.open(self._info(name, compress=False), "w") as out:
            for chunk in chunks:
                digest.update(chunk)
                out.write(chunk)
        self.hashes[name] = digest.hexdigest()
        return name

    def add_csv(self, name, header, rows):
        self.add_bytes(name, to_csv(header, rows))

    def sums(self):
        """Every file's SHA-256 line, as sha256sum writes and checks them."""
        return "".join(f"{digest}  {name}\n" for name, digest in self.hashes.items())


def _folded(name):
    return unicodedata.normalize("NFC", name).casefold()


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
        # A proposal says which decision it is for: one agreement may be covered by several.
        of = f"-{document.decision_id}" if document.decision_id else ""
        name = f"dokument/{KIND_NAMES[document.kind]}{of}-v{document.version}-{date}.pdf"
        data = bytes(document.pdf)
        if len(data) != document.size or hashlib.sha256(data).hexdigest() != document.sha256:
            logger.error("Issued document %s fails its SHA-256 check", document.pk)
            archive.left_out.append((name, _("stämmer inte med sin lagrade kontrollsumma")))
            continue
        archive.add_bytes(name, data, compress=False)


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
    # The files of the reports read above: a report added since has no row and no files here.
    attachments = (
        attachments_visible_to(user)
        .filter(report_id__in=list(folders))
        .order_by("report_id", "uploaded_at", "pk")
    )
    files = {}  # report id: [names in the archive]
    for attachment in attachments.iterator(chunk_size=100):
        name = f"rapporter/{folders[attachment.report_id]}/{attachment.download_name}"
        try:
            handle = attachment.file.open("rb")
        except OSError:
            logger.exception("Attachment %s could not be read", attachment.pk)
            archive.left_out.append((name, _("filen kunde inte läsas ur lagringen")))
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
    """Each funding line's amount per year after uplift, as the agreement's page shows it,
    and what the figure rests on. A line whose amount is not yet known has one row without
    an amount: a gap, never a 0."""
    header = [
        _("Part"),
        _("Mottagare"),
        _("Ändamål"),
        _("Slag"),
        _("Budget"),
        _("År"),
        _("Belopp efter uppräkning (kr)"),
        _("Beloppet bygger på"),
    ]
    rows = []
    for group in agreement_funding(agreement).parties:
        for figures in group.lines:
            line = figures.line
            about = [
                group.party.name,
                line.receiver.name if line.receiver else "",
                line.purpose,
                line.get_kind_display(),
                line.budget,
            ]
            if line.amount_pending:
                rows.append([*about, None, None, _("Belopp ej fastställt")])
                continue
            rows += [[*about, cell.year, cell.amount, _basis(cell)] for cell in figures.figures]
    return header, rows


def _basis(cell):
    """'fast belopp', 'enligt slutligt index', 'prognos (antagande …)', 'exempelvärde'…"""
    words = [cell.status_label]
    if cell.assumption:
        words.append(cell.assumption)
    if cell.uses_example:
        words.append(_("bygger på exempelvärden, inte publicerade indexvärden"))
    return "; ".join(words)


def _meeting_rows(agreement):
    header = [_("Datum"), _("Kallad av"), _("Deltagare"), _("Minnesanteckningar")]
    meetings = (
        Meeting.objects.filter(agreement=agreement)
        .select_related("called_by")
        .order_by("date", "pk")
    )
    rows = [
        [m.date, m.called_by.name if m.called_by else "", m.participants, m.minutes]
        for m in meetings
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
        _("Akt för överenskommelsen: %(title)s") % {"title": _one_line(agreement.title)},
        _("Diarienummer: %(number)s") % {"number": _one_line(agreement.case_number) or "–"},
        _("Skapad: %(when)s (%(zone)s)") % {"when": _local(now), "zone": settings.TIME_ZONE},
        _("Skapad av: %(who)s") % {"who": _one_line(_person(user))},
        "",
        _("Filer (kontrollsummor i SHA256SUMS, kontrollera med: sha256sum -c SHA256SUMS):"),
        "",
        *archive.hashes,
    ]
    if archive.left_out:
        lines += ["", _("Utelämnade filer:"), *(f"{name}: {why}" for name, why in archive.left_out)]
    return "\n".join(lines) + "\n"


def _one_line(text):
    """Text typed by someone as one line of the index: a line break cannot add a line."""
    return " ".join(str(text).split())


def _local(moment):
    """A moment as the pages show it: 'YYYY-MM-DD HH:MM' in the site's time zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else None


def _person(user):
    return (user.get_full_name() or user.get_username()) if user else ""
