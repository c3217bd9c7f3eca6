"""Reading index values from a CSV file: year, percent, status, published_on, source.

Pure parsing, no database: every problem of a row is reported with its line number, so the
file can be fixed in one go.
"""

import csv
import io
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .models import ValueStatus
from .models.indexes import MAX_INDEX_PERCENT

STATUS_WORDS = {
    "preliminary": ValueStatus.PRELIMINARY,
    "preliminärt": ValueStatus.PRELIMINARY,
    "preliminar": ValueStatus.PRELIMINARY,
    "prognos": ValueStatus.PRELIMINARY,
    "final": ValueStatus.FINAL,
    "slutligt": ValueStatus.FINAL,
    "utfall": ValueStatus.FINAL,
}


def _year(text):
    try:
        year = int(text)
    except ValueError:
        year = None
    if year is None or not 1900 <= year <= 2200:
        return None, _("året %(v)r är inte ett årtal") % {"v": text}
    return year, None


def _percent(text):
    try:
        percent = Decimal(text.replace(",", ".").replace("−", "-"))
    except InvalidOperation:
        percent = None
    if percent is None or not percent.is_finite():
        return None, _("procentsatsen %(v)r är inte ett tal") % {"v": text}
    if not -100 < percent <= MAX_INDEX_PERCENT:
        return None, _("procentsatsen %(v)r ska vara större än −100 och högst 100") % {"v": text}
    if percent.as_tuple().exponent < -3:
        return percent, _("procentsatsen har fler än tre decimaler")
    return percent, None


def _status(text):
    status = STATUS_WORDS.get(text.lower())
    if status is None:
        return None, _("status %(v)r ska vara preliminärt eller slutligt") % {"v": text}
    return status, None


def _published_on(text):
    try:
        return date.fromisoformat(text), None
    except ValueError:
        return None, _("datumet %(v)r ska skrivas ÅÅÅÅ-MM-DD") % {"v": text}


def _source(text):
    if not text:
        return text, _("källa saknas")
    if len(text) > 300:
        return text, _("källan är längre än 300 tecken")
    return text, None


def _parse_row(row):
    """((year, percent, status, published_on, source), [problem, …]) of a row of 5 cells."""
    parsers = (_year, _percent, _status, _published_on, _source)
    parsed = [parse(cell.strip()) for parse, cell in zip(parsers, row, strict=True)]
    return tuple(value for value, _problem in parsed), [p for _v, p in parsed if p]


def _is_skipped(number, row):
    """An empty row, or a header row."""
    if not any(cell.strip() for cell in row):
        return True
    return number == 1 and row[0].strip().lower() in ("year", "år")


def parse_index_csv(text):
    """Rows of year,percent,status,published_on,source -> (values, errors with line numbers)."""
    sample = text.lstrip("\ufeff")
    first = sample.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    values, errors, seen = [], [], set()
    for number, row in enumerate(csv.reader(io.StringIO(sample), delimiter=delimiter), start=1):
        if _is_skipped(number, row):
            continue
        if len(row) != 5:
            errors.append(
                _(
                    "Rad %(n)s: %(count)s kolumner, väntade 5 (år, procent, status, "
                    "publiceringsdag, källa)."
                )
                % {"n": number, "count": len(row)}
            )
            continue
        value, problems = _parse_row(row)
        year, _percent_value, status, *_rest = value
        if year is not None and status is not None:
            if (year, status) in seen:
                problems.append(_("året och statusen förekommer redan i filen"))
            seen.add((year, status))
        if problems:
            errors.append(_("Rad %(n)s: ") % {"n": number} + "; ".join(problems) + ".")
            continue
        values.append((number, *value))
    return values, errors
