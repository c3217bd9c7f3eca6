"""An agreement entered after it began: the follow-up before that day, done outside the app,
does not flood the dashboard with overdue reports and meetings."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements import calendar as cal
from agreements.due.store import due_items_for
from agreements.models import (
    Agreement,
    AgreementStatus,
    Meeting,
    Obligation,
    ObligationKind,
    Report,
)
from agreements.services.reports import ensure_reports
from tests.factories import make_agreement, make_world
from tests.forms_html import fresh_token

pytestmark = pytest.mark.django_db


def create_post(world, **extra):
    return {
        "title": "Läxhjälp sedan 2001",
        "period_start": "2001-01-01",
        "period_end": "2199-12-31",
        "parter-TOTAL_FORMS": "2",
        "parter-INITIAL_FORMS": "0",
        "parter-MIN_NUM_FORMS": "0",
        "parter-MAX_NUM_FORMS": "1000",
        "parter-0-party": world.a.pk,
        "parter-0-role": "public",
        "parter-1-party": world.b.pk,
        "parter-1-role": "nonprofit",
        **fresh_token(),
    } | extra


@pytest.mark.parametrize(("ticked", "stored"), [(True, True), (False, False)])
def test_entering_a_running_agreement_asks_whether_its_follow_up_is_done(client, ticked, stored):
    world = make_world()
    client.force_login(world.users["admin"])
    page = client.get(reverse("agreements:create")).content.decode()
    assert "Uppföljningen före i dag är redan gjord" in page
    extra = {"done": "on"} if ticked else {}
    response = client.post(reverse("agreements:create"), create_post(world, **extra))
    assert response.status_code == 302
    agreement = Agreement.objects.get(title="Läxhjälp sedan 2001")
    # The view passes its own day; the test reads the same clock, whatever day it is.
    assert agreement.followup_done_before == (timezone.localdate() if stored else None)


def test_an_agreement_that_has_not_begun_has_no_past_follow_up(client):
    world = make_world()
    client.force_login(world.users["admin"])
    data = create_post(world, period_start="2199-01-01", done="on")
    assert client.post(reverse("agreements:create"), data).status_code == 302
    assert Agreement.objects.get(title="Läxhjälp sedan 2001").followup_done_before is None


def running_agreement(world, done_before):
    agreement = make_agreement(
        world.a,
        world.b,
        start=date(2024, 1, 1),
        end=date(2027, 12, 31),
        status=AgreementStatus.ACTIVE,
        followup_done_before=done_before,
    )
    for kind, extra in [
        (ObligationKind.TERTIAL_REPORT, {}),
        (ObligationKind.ANNUAL_REPORT, {"due_before_month": 3, "due_before_day": 1}),
        (ObligationKind.MEETINGS, {"min_per_year": 3}),
    ]:
        Obligation.objects.create(agreement=agreement, kind=kind, responsible=world.b, **extra)
    return agreement


def open_items(world, agreement, today):
    items = due_items_for(world.users["admin"], today=today, horizon_days=60)
    return [(i.kind, i.due_date) for i in items.filter(agreement=agreement)]


def test_follow_up_done_outside_the_app_is_not_overdue():
    world_today = date(2026, 7, 1)
    world = make_world()
    done = running_agreement(world, world_today)
    undone = running_agreement(world, None)

    overdue = [(k, d) for k, d in open_items(world, undone, world_today) if d < world_today]
    assert len([k for k, _ in overdue if k == "tertial_report"]) == 7
    assert [(k, d) for k, d in open_items(world, done, world_today) if d < world_today] == []

    # Reports due from that day on are asked for, and created as rows when decided.
    ensure_reports(done)
    periods = set(Report.objects.filter(agreement=done).values_list("year", "period"))
    assert (2026, "T1") not in periods and (2025, "annual") not in periods
    # The report on 2026 is due in 2027: it is asked for.
    assert {(2026, "T2"), (2026, "T3"), (2026, "annual")} <= periods


def test_the_year_the_follow_up_was_taken_over_asks_for_its_share_of_the_meetings():
    world = make_world()
    agreement = running_agreement(world, date(2026, 7, 1))
    Meeting.objects.create(agreement=agreement, date=date(2026, 9, 1))
    items = due_items_for(world.users["admin"], today=date(2026, 11, 15), horizon_days=60)
    meetings = items.filter(agreement=agreement, kind="meetings").get()
    # Three a year, half the year left: two, one of them held.
    assert meetings.title_values["needed"] == 1 and meetings.title_values["min"] == 2


@pytest.mark.parametrize(
    ("done_before", "year", "expected"),
    [
        (None, 2026, 3),
        (date(2026, 7, 1), 2025, 0),
        (date(2026, 7, 1), 2026, 2),
        (date(2026, 1, 1), 2026, 3),
        (date(2026, 12, 31), 2026, 1),
        (date(2026, 7, 1), 2027, 3),
    ],
)
def test_meetings_expected_after_the_follow_up_was_done(done_before, year, expected):
    assert cal.meetings_expected(3, year, done_before) == expected
