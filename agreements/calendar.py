"""Reporting calendar rules (pure date arithmetic, no Django).

Every function takes its dates as arguments; nothing here reads the clock.
"""

import calendar as _cal
from datetime import date, timedelta
from functools import lru_cache

# Swedish month names, index 1–12 (index 0 is empty so MONTH_NAMES[10] == "oktober").
MONTH_NAMES = (
    "",
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)

# Tertial -> (first month, last month). T1 Jan–Apr, T2 May–Aug, T3 Sep–Dec.
TERTIALS = {"T1": (1, 4), "T2": (5, 8), "T3": (9, 12)}


def last_day_of_month(year, month):
    return date(year, month, _cal.monthrange(year, month)[1])


def is_month_end(day):
    return day == last_day_of_month(day.year, day.month)


def add_months(day, months):
    """Shift by whole months; a day past the target month's end becomes its last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, _cal.monthrange(year, month)[1]))


def tertial_of(day):
    """'T1', 'T2' or 'T3' for a date."""
    return next(t for t, (first, last) in TERTIALS.items() if first <= day.month <= last)


def tertial_start(year, tertial):
    return date(year, TERTIALS[tertial][0], 1)


@lru_cache(maxsize=1024)  # called for every tertial of every agreement on the dashboard
def tertial_end(year, tertial):
    return last_day_of_month(year, TERTIALS[tertial][1])


def tertial_report_due(year, tertial, days_after):
    """A tertial report is due a number of days after the tertial's last day."""
    return tertial_end(year, tertial) + timedelta(days=days_after)


def tertials_in(period_start, period_end):
    """(year, tertial) for every tertial that ends inside the period, in order."""
    result = []
    for year in range(period_start.year, period_end.year + 1):
        for tertial in TERTIALS:
            if period_start <= tertial_end(year, tertial) <= period_end:
                result.append((year, tertial))
    return result


def day_before(year, month, day):
    """The last day that is still 'before <day> <month>' in a year.

    A day beyond the month's length counts as the month's last day, so 'before 31 February'
    is read as 'before the end of February'.
    """
    limit = date(year, month, min(day, _cal.monthrange(year, month)[1]))
    return limit - timedelta(days=1)


def annual_report_due(report_year, before_month=3, before_day=1):
    """The annual report for a year is due before a date of the next year.

    'Före första mars' means the last day of February: 2028-02-29 in a leap year.
    """
    return day_before(report_year + 1, before_month, before_day)


def notice_deadline(period_end, notice_months):
    """The last day notice can be given so that the notice period has run out by period_end.

    Notice given on day D with N months' notice runs to D + N months; the last such D is
    period_end − N months. Month ends map to month ends (period end 2028-09-30 with nine
    months gives 2027-12-31, not 2027-12-30); another day past the target month's length
    becomes that month's last day (2028-12-30 − 10 months = 2028-02-29).
    Example: period end 2028-12-31, nine months -> 2028-03-31.
    """
    if notice_months is None:
        return None
    shifted = add_months(period_end, -notice_months)
    if is_month_end(period_end):
        return last_day_of_month(shifted.year, shifted.month)
    return shifted


def meetings_needed(min_per_year, held):
    """Meetings still to hold this year to reach the minimum."""
    return max(0, (min_per_year or 0) - held)


def meetings_expected(min_per_year, year, done_before=None):
    """The meetings of a year still expected in the app when the follow-up before done_before
    was done outside it: every one for a year after it, none for a year before it, and for
    its own year the minimum's share of the days from it on, rounded up.

    Example: three a year, follow-up done before 2026-07-01: 184 of 365 days are left, and
    3 × 184 / 365 = 1.5 rounds up to 2 meetings.
    """
    minimum = min_per_year or 0
    if done_before is None or done_before.year < year:
        return minimum
    if done_before.year > year:
        return 0
    days = (year_end(year) - date(year, 1, 1)).days + 1
    left = (year_end(year) - done_before).days + 1
    return -(-minimum * left // days)


def year_end(year):
    return date(year, 12, 31)


def deadline_status(due_date, today, *, done=False, soon_days=14):
    """'done', 'overdue' (past due), 'due_soon' (within soon_days) or 'upcoming'."""
    if done:
        return "done"
    if today > due_date:
        return "overdue"
    if (due_date - today).days <= soon_days:
        return "due_soon"
    return "upcoming"


def agreement_years(period_start, period_end):
    """[(start, end)] of each agreement year: twelve months from the period's start, the last
    one ending with the period.

    A period 2020-11-01 – 2023-10-31 has three agreement years, November to October; a period
    starting on 1 January has calendar years. A share's year is its agreement year's start year.
    """
    years, start = [], period_start
    while start <= period_end:
        end = min(add_months(period_start, 12 * (len(years) + 1)) - timedelta(days=1), period_end)
        years.append((start, end))
        start = end + timedelta(days=1)
    return years


def agreement_year_dates(period_start, period_end, year):
    """(start, end) of the agreement year that starts in a year, or None outside the period."""
    return next(
        (span for span in agreement_years(period_start, period_end) if span[0].year == year),
        None,
    )
