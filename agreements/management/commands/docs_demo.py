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
from agreements.models import Decision, DecisionOutcome


class Command(BaseCommand):
    help = (
        "Write each pending decision proposal and its agreement as PDF, and each page as PNG "
        "(pdftoppm), so a person can look at them. Run against the demo data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", default="build/docs-demo", help="Directory to write to.")
        parser.add_argument("--dpi", type=int, default=100, help="Resolution of the PNG pages.")

    def handle(self, *args, out, dpi, **options):
        if shutil.which("pdftoppm") is None:
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
        subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf_path), str(stem)], check=True)
        pages = sorted(stem.parent.glob(f"{stem.name}-*.png"))
        gaps = len(document["warnings"])
        self.stdout.write(
            f"{pdf_path}: {len(pages)} sidor"
            + (f", {gaps} platshållare för uppgifter som saknas" if gaps else "")
        )
