"""Funding figures for pages: an agreement's (agreement.py) and an organisation's
(organisation.py). Both read funding lines through funding.figures."""

from .agreement import (
    agreement_funding,
    line_expected_payments,
    line_year_amounts,
    lines_queryset,
)
from .organisation import GROUPS_SHOWN, group_lines, line_rows, organisation_funding

__all__ = [
    "GROUPS_SHOWN",
    "agreement_funding",
    "group_lines",
    "line_expected_payments",
    "line_rows",
    "line_year_amounts",
    "lines_queryset",
    "organisation_funding",
]
