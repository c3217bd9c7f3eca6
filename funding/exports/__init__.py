"""Exports of agreements, shares per year and payments (CSV, Excel-CSV, XLSX), and the open
data of active agreements: datasets.py reads, writers.py writes, opendata.py is public."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .datasets import DATASETS, dataset_rows
from .opendata import public_csv, public_summary
from .writers import csv_chunks, xlsx_file

FORMATS = {
    # name: (content type, extension)
    "csv": ("text/csv; charset=utf-8", "csv"),
    "csv-comma": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}
# The file's and the sheet's name, in the user's language (the URL keeps the code's name).
FILE_NAMES = {
    "agreements": gettext_noop("överenskommelser"),
    "shares": gettext_noop("andelar per år"),
    "payments": gettext_noop("betalningar"),
}


def render(dataset, fmt, agreements_qs, *, today):
    """(body, content type, filename) of one dataset in one format, to stream: body is an
    open temporary file, written (XLSX), or an iterator of encoded lines, whose data are read
    a chunk of agreements at a time as it is consumed (CSV)."""
    header, rows = dataset_rows(dataset, agreements_qs, today=today)
    content_type, extension = FORMATS[fmt]
    name = _(FILE_NAMES[dataset])
    if fmt == "xlsx":
        body = xlsx_file(header, rows, title=name.capitalize())
    else:
        body = csv_chunks(header, rows, excel=fmt == "csv")
    return body, content_type, f"IOP {name} {today.isoformat()}.{extension}"


__all__ = ["DATASETS", "FORMATS", "dataset_rows", "public_csv", "public_summary", "render"]
