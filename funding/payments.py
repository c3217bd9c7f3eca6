"""Expected payments from a payment plan, and their reconciliation (pure, no Django; labels
translated by funding.texts).

A plan pays a line's yearly amount (after uplift) in 1, 2, 4 or 12 instalments from a first
month; each falls due on a day of its month (a day past the month's end is the last day).
Registered payments are booked per line and year and settle that year's instalments in
due-date order.
"""

import calendar as _cal
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from .money import split_evenly
from .texts import gettext as _
from .texts import gettext_noop

PAID = "paid"
PARTLY_PAID = "partly_paid"
UNPAID = "unpaid"
OVERDUE = "overdue"

# Marked for translation here, translated where shown (status_label, the exports). A
# payment past its due date is "försenad", as a late report is (docs/glossary.md).
STATUS_LABELS = {
    PAID: gettext_noop("betald"),
    PARTLY_PAID: gettext_noop("delvis betald"),
    UNPAID: gettext_noop("obetald"),
    OVERDUE: gettext_noop("försenad"),
}


@dataclass(frozen=True)
class Plan:
    installments_per_year: int
    first_month: int
    due_day: int
    bankgiro: str = ""
    reference: str = ""


@dataclass(frozen=True)
class ExpectedPayment:
    year: int
    installment: int  # 1-based within the year
    installments: int
    due_date: date
    amount: int
    bankgiro: str
    reference: str
    status_basis: str = ""  # the uplift status of the year's amount (fixed, forecast, …)
    paid: int = 0
    status: str = UNPAID

    @property
    def outstanding(self):
        return outstanding(self.amount, self.paid)

    @property
    def status_label(self):
        if self.status == OVERDUE and self.paid:
            return _("försenad (delvis betald)")
        return _(STATUS_LABELS[self.status])

    @property
    def is_open(self):
        return self.status != PAID


@lru_cache(maxsize=4096)
def _due_dates(installments_per_year, first_month, due_day, year):
    """A year's due dates in order; a day past a month's end is its last day. Plans share a
    handful of patterns, so this is cached."""
    step = 12 // installments_per_year
    months = sorted(((first_month - 1 + i * step) % 12) + 1 for i in range(installments_per_year))
    return tuple(
        date(year, month, min(due_day, _cal.monthrange(year, month)[1])) for month in months
    )


def outstanding(amount, paid):
    """What is left to pay of an instalment (nothing when it is paid, or paid over)."""
    return max(0, amount - paid)


def _status(paid, amount, due, today):
    if paid >= amount:
        return PAID
    if today > due:
        return OVERDUE
    return PARTLY_PAID if paid else UNPAID


def instalments(installments_per_year, first_month, due_day, year, amount, paid_total, today):
    """[(number, due date, amount, paid, status)] of one year's instalments in due-date order:
    their amounts sum exactly to the yearly amount, and the year's paid total is booked
    against them in that order."""
    dates = _due_dates(installments_per_year, first_month, due_day, year)
    parts = split_evenly(amount, len(dates))
    result = []
    left = paid_total
    for number, due, part in zip(range(1, len(dates) + 1), dates, parts, strict=True):
        paid = min(left, part)
        left -= paid
        result.append((number, due, part, paid, _status(paid, part, due, today)))
    return result


def reconciled_for_year(plan, year, amount, paid_total, today, status_basis=""):
    """The instalments of one year (their amounts sum exactly to the yearly amount), with the
    year's paid total booked against them in due-date order: paid and status set."""
    schedule = instalments(
        plan.installments_per_year, plan.first_month, plan.due_day, year, amount, paid_total, today
    )
    count = len(schedule)
    return [
        ExpectedPayment(
            year,
            number,
            count,
            due,
            part,
            plan.bankgiro,
            plan.reference,
            status_basis,
            paid,
            status,
        )
        for number, due, part, paid, status in schedule
    ]


def overpayment(expected_amount, already_paid, amount):
    """Kronor by which a new payment would exceed the year's amount (0 if it fits)."""
    return max(0, already_paid + amount - expected_amount)
