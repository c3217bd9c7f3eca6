"""Reporting calendar: tertials, 'before 1 March', notice dates, meetings – pure date rules."""

from datetime import date

import pytest

from agreements import calendar as cal


@pytest.mark.parametrize(
    "tertial, end, due",
    [
        ("T1", date(2026, 4, 30), date(2026, 5, 30)),
        ("T2", date(2026, 8, 31), date(2026, 9, 30)),
        ("T3", date(2026, 12, 31), date(2027, 1, 30)),
    ],
)
def test_tertial_report_is_due_days_after_the_tertials_last_day(tertial, end, due):
    assert cal.tertial_end(2026, tertial) == end
    assert cal.tertial_report_due(2026, tertial, 30) == due


def test_tertials_are_jan_apr_may_aug_sep_dec():
    assert cal.tertial_of(date(2026, 4, 30)) == "T1"
    assert cal.tertial_of(date(2026, 5, 1)) == "T2"
    assert cal.tertial_of(date(2026, 8, 31)) == "T2"
    assert cal.tertial_of(date(2026, 9, 1)) == "T3"
    assert cal.tertial_start(2026, "T2") == date(2026, 5, 1)


def test_a_three_year_period_has_nine_tertials_and_partial_years_count_ended_tertials():
    assert len(cal.tertials_in(date(2026, 1, 1), date(2028, 12, 31))) == 9
    assert cal.tertials_in(date(2026, 3, 1), date(2026, 10, 15)) == [(2026, "T1"), (2026, "T2")]


def test_annual_report_before_1_march_is_due_on_the_last_day_of_february():
    assert cal.annual_report_due(2026) == date(2027, 2, 28)
    # 2028 is a leap year: the report for 2027 is due 2028-02-29.
    assert cal.annual_report_due(2027) == date(2028, 2, 29)
    assert cal.annual_report_due(2027, 3, 1) == date(2028, 2, 29)


def test_day_before_a_day_beyond_the_month_is_read_as_the_months_end():
    assert cal.day_before(2028, 2, 31) == date(2028, 2, 28)
    assert cal.day_before(2026, 4, 15) == date(2026, 4, 14)


@pytest.mark.parametrize(
    "period_end, months, last_day",
    [
        (date(2028, 12, 31), 9, date(2028, 3, 31)),  # Västerbotten: nine months' notice
        (date(2028, 9, 30), 9, date(2027, 12, 31)),  # month end maps to month end
        (date(2029, 11, 30), 9, date(2029, 2, 28)),  # to a short February
        (date(2028, 11, 30), 9, date(2028, 2, 29)),  # leap year February
        (date(2028, 12, 30), 10, date(2028, 2, 29)),  # day 30 clamps to February's end
        (date(2028, 6, 15), 9, date(2027, 9, 15)),
        (date(2028, 12, 31), 0, date(2028, 12, 31)),
        (date(2028, 12, 31), 12, date(2027, 12, 31)),
    ],
)
def test_notice_deadline_is_end_date_minus_notice_months(period_end, months, last_day):
    assert cal.notice_deadline(period_end, months) == last_day


def test_notice_given_on_the_deadline_runs_out_by_the_end_date():
    end = date(2028, 12, 31)
    last = cal.notice_deadline(end, 9)
    assert cal.add_months(last, 9) <= end
    assert cal.add_months(date(2028, 4, 1), 9) > end


def test_no_notice_months_gives_no_deadline():
    assert cal.notice_deadline(date(2028, 12, 31), None) is None


def test_meetings_needed_never_negative():
    assert cal.meetings_needed(3, 1) == 2
    assert cal.meetings_needed(3, 5) == 0
    assert cal.meetings_needed(None, 0) == 0


def test_deadline_status_uses_today_argument():
    due = date(2026, 5, 30)
    assert cal.deadline_status(due, date(2026, 5, 1), soon_days=14) == "upcoming"
    assert cal.deadline_status(due, date(2026, 5, 16), soon_days=14) == "due_soon"
    assert cal.deadline_status(due, date(2026, 5, 30), soon_days=14) == "due_soon"
    assert cal.deadline_status(due, date(2026, 5, 31), soon_days=14) == "overdue"
    assert cal.deadline_status(due, date(2026, 6, 30), done=True) == "done"


def test_add_months_clamps_to_month_end():
    assert cal.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert cal.add_months(date(2028, 3, 31), -1) == date(2028, 2, 29)
    assert cal.add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
