"""Stored due items: the dashboard's rows are agreements.deadlines' output, kept in step with
every change and with the date, once per party so each user reads only their own."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from agreements.access import due_items_visible_to
from agreements.deadlines import deadlines_for
from agreements.models import (
    Agreement,
    DueItem,
    DueState,
    Membership,
    Obligation,
    ObligationKind,
    PartyKind,
    Report,
    ReportStatus,
)
from agreements.services.due import (
    STORE_HORIZON_DAYS,
    due_items_for,
    refresh_due_items,
    stale,
)
from tests.factories import make_agreement, make_member, make_party

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 25)


@pytest.fixture
def world():
    region = make_party("Region R", kind=PartyKind.REGION)
    city = make_party("Stad S", kind=PartyKind.MUNICIPALITY)
    nonprofit = make_party("Förening F")
    other = make_party("Förening Annan")
    three = make_agreement(
        region, city, nonprofit, start=date(2025, 1, 1), end=date(2027, 12, 31), status="active"
    )
    Obligation.objects.create(
        agreement=three, kind=ObligationKind.TERTIAL_REPORT, responsible=nonprofit
    )
    theirs = make_agreement(
        city, other, start=date(2026, 1, 1), end=date(2026, 12, 31), status="active"
    )
    Obligation.objects.create(
        agreement=theirs, kind=ObligationKind.ANNUAL_REPORT, responsible=other
    )
    return {
        "three": three,
        "theirs": theirs,
        "admin": make_member("adm", region, "administrator"),
        "city": make_member("stad", city, "administrator"),
        "coordinator": make_member("sam", nonprofit, "coordinator"),
        "outsider": make_member("ute", make_party("Förening Ute"), "coordinator"),
        "parties": (region, city, nonprofit, other),
    }


def keys(items):
    return [(item.agreement_id, item.key) for item in items]


def test_stored_items_are_the_deadline_rules_output_once_per_party(world):
    assert refresh_due_items(Agreement.objects.all(), today=TODAY) == 2
    computed = [
        d
        for d in deadlines_for(
            Agreement.objects.all(), today=TODAY, horizon_days=STORE_HORIZON_DAYS
        )
        if d.status != "done"
    ]
    stored = DueItem.objects.filter(first=True).order_by("due_date", "agreement_id", "key")
    assert keys(stored) == [(d.agreement.pk, d.key) for d in computed]
    assert [(i.due_date, i.title) for i in stored] == [(d.due_date, d.title) for d in computed]
    three = world["three"]
    per_item = DueItem.objects.filter(agreement=three).values_list("key", flat=True)
    assert len(per_item) == 3 * len(set(per_item))  # one row per party of a three-party one
    # A second refresh finds nothing stale and changes nothing.
    assert refresh_due_items(Agreement.objects.all(), today=TODAY) == 0


def test_each_user_reads_the_items_of_their_own_agreements_once(world, superuser):
    refresh_due_items(Agreement.objects.all(), today=TODAY)
    three, theirs = world["three"], world["theirs"]
    seen = {
        name: {item.agreement_id for item in due_items_visible_to(world[name])}
        for name in ("admin", "city", "coordinator", "outsider")
    }
    assert seen == {
        "admin": {three.pk},
        "city": {three.pk, theirs.pk},
        "coordinator": {three.pk},
        "outsider": set(),
    }
    every = DueItem.objects.filter(first=True).count()
    assert due_items_visible_to(superuser).count() == every
    # A member of two of the parties sees each item once, not twice.
    region, city, *_ = world["parties"]
    Membership.objects.create(user=world["admin"], party=city, role="administrator")
    mine = list(due_items_visible_to(world["admin"]))
    assert len(mine) == len(set(keys(mine))) == every


def test_a_change_is_on_the_dashboard_at_the_next_visit(world):
    items = due_items_for(world["coordinator"], today=TODAY, horizon_days=60)
    first = items.first()
    assert first.kind == "tertial_report"
    year, period = int(first.key.split(":")[2]), first.key.split(":")[3]
    report = Report.objects.create(
        agreement=world["three"],
        party=world["parties"][2],
        year=year,
        period=period,
        due_date=first.due_date,
        status=ReportStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    assert DueState.objects.get(agreement=world["three"]).dirty
    after = due_items_for(world["coordinator"], today=TODAY, horizon_days=60)
    assert first.key not in [i.key for i in after]
    assert not DueState.objects.get(agreement=world["three"]).dirty
    report.delete()  # a deletion counts as a change as well
    again = due_items_for(world["coordinator"], today=TODAY, horizon_days=60)
    assert first.key in [i.key for i in again]


def test_items_are_recomputed_when_the_date_moves_on(world):
    refresh_due_items(Agreement.objects.all(), today=TODAY)
    assert not stale(Agreement.objects.all(), today=TODAY).exists()
    assert not stale(Agreement.objects.all(), today=TODAY + timedelta(days=29)).exists()
    assert stale(Agreement.objects.all(), today=TODAY + timedelta(days=31)).count() == 2
    # A new year: this year's meetings are another item, so last year's refresh is redone.
    DueState.objects.update(refreshed_at=timezone.make_aware(datetime(2027, 1, 1, 12)))
    assert stale(Agreement.objects.all(), today=date(2027, 1, 2)).count() == 0
    assert stale(Agreement.objects.all(), today=date(2027, 1, 31)).count() == 0
    DueState.objects.update(refreshed_at=timezone.make_aware(datetime(2026, 12, 31, 12)))
    assert stale(Agreement.objects.all(), today=date(2027, 1, 2)).count() == 2


def test_a_change_during_a_refresh_keeps_the_agreement_stale(world, monkeypatch):
    from agreements.services import due

    three = world["three"]
    real = due.deadlines_for

    def change_while_computing(*args, **kwargs):
        result = real(*args, **kwargs)
        DueState.objects.update_or_create(
            agreement=three, defaults={"dirty": True, "changed_at": timezone.now()}
        )
        return result

    monkeypatch.setattr(due, "deadlines_for", change_while_computing)
    refresh_due_items(Agreement.objects.all(), today=TODAY)
    assert list(stale(Agreement.objects.all(), today=TODAY)) == [three]


def test_a_party_added_to_an_agreement_sees_its_items(world):
    from agreements.models import AgreementParty, PartyRole

    outsider = world["outsider"]
    refresh_due_items(Agreement.objects.all(), today=TODAY)
    assert not due_items_for(outsider, today=TODAY, horizon_days=60).exists()
    party = outsider.memberships.get().party
    AgreementParty.objects.create(
        agreement=world["three"], party=party, role=PartyRole.NONPROFIT, position=9
    )
    assert {i.agreement_id for i in due_items_for(outsider, today=TODAY, horizon_days=60)} == {
        world["three"].pk
    }
