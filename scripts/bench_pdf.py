"""Time rendering one agreement to PDF against WeasyPrint alone on the same HTML.

Full render: fetch the agreement, build the document's data (its queries included), render the
template and lay it out with WeasyPrint (`agreement_document` -> `render_document_html` ->
`render_pdf`), as the PDF view does after its access check. WeasyPrint alone: the HTML that
full render produced, given to `weasyprint.HTML(string=html).write_pdf(pdf_variant=...)` with
the same print stylesheet (without it WeasyPrint would lay out a different, unstyled
document); once with the stylesheet parsed anew in every run, once pre-parsed as
`render_pdf` keeps it, and once through `render_pdf` itself (pre-parsed stylesheet and no URL
fetching), which isolates the app's own cost.
Runs are interleaved after warm-up runs; figures are medians of wall-clock and of CPU time
(steadier when other work shares the machine), and the part before WeasyPrint (data +
template) is timed on its own.

Run: DEBUG=1 .venv/bin/python scripts/bench_pdf.py [--runs 30] [--case vasterbotten|skane]
Without DATABASE_URL the demo is loaded into a throwaway SQLite database first.
Prints the figures and the ratio; a figures report, not a test (exit status 0 either way,
unless --max-ratio is given and exceeded).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DEBUG", "1")
    if "DATABASE_URL" not in os.environ:
        db = Path(tempfile.mkdtemp(prefix="bench-pdf-")) / "demo.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iop.settings")
    import django

    django.setup()
    import logging

    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    logging.getLogger("fontTools").setLevel(logging.WARNING)


def find_agreement(case):
    from django.core.management import call_command

    from agreements.models import Agreement

    call_command("migrate", verbosity=0, interactive=False)
    query = (
        {"parties__party__name": "Region Västerbotten"}
        if case == "vasterbotten"
        else {"parties__party__name": "Region Skåne", "period_start": date(2021, 1, 1)}
    )
    if not Agreement.objects.filter(**query).exists():
        from agreements.demo import load_demo

        load_demo(password="bench-only")
    return Agreement.objects.get(**query).pk


def timed(function):
    """Wall-clock and CPU seconds of one call (CPU time is steadier on a busy machine)."""
    wall, cpu = time.perf_counter(), time.process_time()
    function()
    return time.perf_counter() - wall, time.process_time() - cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--case", choices=["vasterbotten", "skane"], default="vasterbotten")
    parser.add_argument("--max-ratio", type=float, default=None)
    args = parser.parse_args()

    setup_django()
    from django.contrib.staticfiles import finders
    from weasyprint import CSS, HTML

    from agreements.documents import agreement_document, render_document_html, render_pdf
    from agreements.documents.rendering import PDF_VARIANT, PRINT_CSS, print_stylesheet
    from agreements.models import Agreement

    pk = find_agreement(args.case)
    css_path = finders.find(PRINT_CSS)
    html = render_document_html(agreement_document(Agreement.objects.get(pk=pk)))
    base = str(ROOT)

    def full():
        agreement = Agreement.objects.get(pk=pk)
        return render_pdf(render_document_html(agreement_document(agreement)))

    def alone():
        css = CSS(filename=css_path)
        return HTML(string=html, base_url=base).write_pdf(
            stylesheets=[css], pdf_variant=PDF_VARIANT
        )

    def alone_preparsed():
        return HTML(string=html, base_url=base).write_pdf(
            stylesheets=[print_stylesheet()], pdf_variant=PDF_VARIANT
        )

    def alone_as_the_app():
        return render_pdf(html)

    def data_and_template():
        agreement = Agreement.objects.get(pk=pk)
        return render_document_html(agreement_document(agreement))

    runners = {
        "full render": full,
        "WeasyPrint alone": alone,
        "alone, CSS pre-parsed": alone_preparsed,
        "alone as the app renders": alone_as_the_app,
        "data + template only": data_and_template,
    }
    times = measure(runners, runs=args.runs, warmup=args.warmup)
    print(f"Agreement {pk} ({args.case}), {len(html)} characters of HTML, {args.runs} runs each")
    wall_ratio = report(times)
    if args.max_ratio is not None and wall_ratio > args.max_ratio:
        print(f"over the limit of {args.max_ratio}")
        return 1
    return 0


def measure(runners, *, runs, warmup):
    """Wall-clock and CPU seconds per run of each runner, interleaved after warm-up runs."""
    for _ in range(warmup):
        for run in runners.values():
            run()
    times = {name: {"wall": [], "cpu": []} for name in runners}
    for _ in range(runs):
        for name, run in runners.items():
            wall, cpu = timed(run)
            times[name]["wall"].append(wall)
            times[name]["cpu"].append(cpu)
    return times


def report(times):
    """Print the figures and the ratios; return full / WeasyPrint alone, wall-clock."""
    print(f"{'':24} {'median':>9} {'min':>9} {'max':>9} {'CPU median':>11}")
    for name, values in times.items():
        wall = values["wall"]
        print(
            f"{name:24} {statistics.median(wall) * 1000:7.1f}ms "
            f"{min(wall) * 1000:7.1f}ms {max(wall) * 1000:7.1f}ms "
            f"{statistics.median(values['cpu']) * 1000:9.1f}ms"
        )

    def ratio(baseline, clock):
        full_median = statistics.median(times["full render"][clock])
        return full_median / statistics.median(times[baseline][clock])

    wall_ratio = ratio("WeasyPrint alone", "wall")
    print(f"ratio full / WeasyPrint alone, wall-clock medians: {wall_ratio:.3f}")
    print(
        f"ratio full / WeasyPrint alone, CPU medians:        {ratio('WeasyPrint alone', 'cpu'):.3f}"
    )
    print(
        "ratio full / alone with CSS pre-parsed, CPU:       "
        f"{ratio('alone, CSS pre-parsed', 'cpu'):.3f}"
    )
    print(
        "ratio full / alone as the app renders, CPU:        "
        f"{ratio('alone as the app renders', 'cpu'):.3f}"
    )
    return wall_ratio


if __name__ == "__main__":
    sys.exit(main())
