import shutil
import subprocess
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from agreements.documents import (
    agreement_document,
    proposal_agreement,
    proposal_document,
    render_document_html,
    render_pdf,
)
from agreements.models import Decision, DecisionOutcome, DocumentKind


class Command(BaseCommand):
    help = (
        "Write each pending decision proposal and its agreement as PDF, and its first page and "
        "its signature page as PNG (pdftoppm), so a person can look at them. Run against the "
        "demo data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", default="build/docs-demo", help="Directory to write to.")
        parser.add_argument("--dpi", type=int, default=100, help="Resolution of the PNG pages.")

    def handle(self, *args, out, dpi, **options):
        if shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None:
            raise CommandError("pdftoppm saknas: installera poppler-utils (make sysdeps).")
        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        decisions = (
            Decision.objects.filter(outcome=DecisionOutcome.PROPOSED)
            .select_related("organisation")
            .order_by("organisation__name", "pk")
        )
        written = 0
        for decision in decisions:
            agreement = proposal_agreement(decision)
            if agreement is None:
                continue
            case = slugify(decision.organisation.name)
            for name, document in [
                ("beslutsforslag", proposal_document(decision, agreement=agreement)),
                ("overenskommelse", agreement_document(agreement)),
            ]:
                written += 1
                self._write(out / f"{case}-{name}", document, dpi)
        if not written:
            raise CommandError("Inga beslutsförslag att skriva ut: kör load_demo först.")

    def _write(self, stem, document, dpi):
        pdf_path = stem.with_suffix(".pdf")
        pdf_path.write_bytes(render_pdf(render_document_html(document)))
        for old in stem.parent.glob(f"{stem.name}-*.png"):
            old.unlink()
        pages = page_texts(pdf_path)
        signed = signature_page(pages, signature_marker(document))
        for name, number in [("sida-1", 1), (f"underskrifter-sida-{signed}", signed)]:
            png = stem.parent / f"{stem.name}-{name}"
            subprocess.run(
                ["pdftoppm", "-png", "-r", str(dpi), "-f", str(number), "-l", str(number)]
                + ["-singlefile", str(pdf_path), str(png)],
                check=True,
            )
        gaps = len(document["warnings"])
        self.stdout.write(
            f"{pdf_path}: {len(pages)} sidor, underskrifterna på sidan {signed}"
            + (f", {gaps} platshållare för uppgifter som saknas" if gaps else "")
        )


def page_texts(pdf_path):
    """The text of each page of the PDF (pdftotext ends each page with a form feed)."""
    result = subprocess.run(["pdftotext", str(pdf_path), "-"], check=True, capture_output=True)
    return result.stdout.decode("utf-8").split("\f")[:-1]


def signature_marker(document):
    """Text that stands in the document's signature block: the agreement's heading
    'Underskrifter', the proposal's director (the last of its two signatures)."""
    if document["kind"] == DocumentKind.AGREEMENT:
        return "Underskrifter"
    return document["director_name"]


def _words(text):
    return " ".join(text.replace("\u2060", "").split())


def signature_page(pages, marker):
    """The number (from 1) of the last page that shows marker: the signatures come last in
    both documents. Spaces of any kind (no-break ones too) and line breaks compare equal."""
    marker = _words(marker)
    found = [number for number, text in enumerate(pages, start=1) if marker in _words(text)]
    if not found:
        raise CommandError(f"Hittar inte underskrifterna ({marker}) i dokumentet.")
    return found[-1]
