"""Funding figures for pages: an agreement's (agreement.py) and an organisation's
(organisation.py). Both read funding lines through funding.figures."""

from ..figures import expected_payments, read_lines
from .agreement import (
    agreement_funding,
    line_expected_payments,
    line_year_amounts,
    lines_queryset,
)
from .organisation import organisation_funding


def flat_lines(lines_qs, *, until_year=None):
    """The lines of the due items with what was paid: agreements.deadlines reads them here
    until it moves to agreements/due/ and calls figures.read_lines(..., paid=True) itself."""
    return read_lines(lines_qs, until_year=until_year, paid=True)


__all__ = [
    "agreement_funding",
    "expected_payments",
    "flat_lines",
    "line_expected_payments",
    "line_year_amounts",
    "lines_queryset",
    "organisation_funding",
]
