"""Closing or moving a due item with a reason, and an ended agreement's items: the rules apply
both, and the dashboard, the agreement page and the items page show the same state."""

from datetime import UTC, date, datetime
from urllib.parse import quote

import pytest
from django.urls import reverse

from agreements.due.loading import deadlines_for
from agreements.due.rules import has_ended
from agreements.due.store import due_items_for
from agreements.models import (
    Agreement,
    AgreementStatus,
    DueOverride,
    Obligation,
    ObligationKind,
)
from agreements.services import DomainError
from agreements.services.due import change_due_item, item_of
from agreements.services.reports import ensure_reports
from tests.factories import make_member, make_party, make_world

pytestmark = pytest.mark.django_db
TODAY = date(2026, 5, 20)
NOW = datetime(2026, 5, 20, 10, tzinfo=UTC)


@pytest.fixture
def world():
    world = make_world()
    agreement = world.own["agreement"]
    agreement.status = AgreementStatus.ACTIVE
    agreement.save()  # make_followup gave it a tertial report obligation and the T1 report
    world.agreement = agreement
    world.t1 = f"report:{agreement.pk}:2026:T1"
    return world


def _items(agreement, today=TODAY):
    return {
        d.key: d
        for d in deadlines_for(
            Agreement.objects.filter(pk=agreement.pk),
            today=today,
            horizon_days=400,
            include_done=True,
        )
    }


def test_a_moved_item_is_due_on_its_new_day_with_the_reason(world):
    assert _items(world.agreement)[world.t1].due_date == date(2026, 5, 30)
    change_due_item(
        agreement=world.agreement,
        key=world.t1,
        action="moved",
        due_date=date(2026, 9, 30),
        reason="Förlängt enligt mejl",
        by=world.users["coordinator"],
        now=NOW,
        today=TODAY,
    )
    t1 = _items(world.agreement)[world.t1]
    assert t1.due_date == date(2026, 9, 30)
    assert t1.status == "upcoming"
    assert "Förlängt enligt mejl" in t1.detail


def test_a_closed_item_is_no_longer_open_anywhere(world, client):
    user = world.users["coordinator"]
    assert world.t1 in {i.key for i in due_items_for(user, today=TODAY, horizon_days=60)}
    change_due_item(
        agreement=world.agreement,
        key=world.t1,
        action="closed",
        reason="Redovisas i årsrapporten",
        by=user,
        now=NOW,
        today=TODAY,
    )
    assert _items(world.agreement)[world.t1].status == "closed"
    # The stored items are recomputed: the dashboard no longer lists it.
    assert world.t1 not in {i.key for i in due_items_for(user, today=TODAY, horizon_days=60)}
    # The agreement page lists what is still expected: not the closed item. The page of all
    # its items shows it closed, with the reason.
    client.force_login(user)
    page = client.get(reverse("agreements:detail", args=[world.agreement.pk])).content.decode()
    assert f"?nyckel={quote(world.t1)}" not in page and "Stäng eller flytta" in page
    page = client.get(reverse("agreements:due_items", args=[world.agreement.pk])).content.decode()
    assert "Stängd: Redovisas i årsrapporten" in page


def test_the_latest_change_wins_and_the_earlier_stay_as_history(world):
    for action, day, reason in [
        ("moved", date(2026, 6, 30), "Första"),
        ("moved", date(2026, 7, 31), "Andra"),
    ]:
        change_due_item(
            agreement=world.agreement,
            key=world.t1,
            action=action,
            due_date=day,
            reason=reason,
            by=world.users["coordinator"],
            now=NOW,
            today=TODAY,
        )
    assert _items(world.agreement)[world.t1].due_date == date(2026, 7, 31)
    assert DueOverride.objects.filter(key=world.t1).count() == 2


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"key": "report:0:2026:T1"}, "finns inte"),
        ({"reason": "  "}, "Skriv varför"),
        ({"due_date": None}, "nya förfallodagen"),
        ({"action": "x"}, "stängas eller flyttas"),
    ],
)
def test_a_change_without_an_item_a_reason_or_a_day_is_refused(world, changes, message):
    values = {
        "agreement": world.agreement,
        "key": world.t1,
        "action": "moved",
        "due_date": date(2026, 9, 1),
        "reason": "Skäl",
        "by": world.users["coordinator"],
        "now": NOW,
        "today": TODAY,
    }
    with pytest.raises(DomainError, match=message):
        change_due_item(**values | changes)
    assert not DueOverride.objects.exists()


def test_an_ended_agreements_open_items_are_not_late(world):
    assert _items(world.agreement, date(2026, 6, 15))[world.t1].status == "overdue"
    # Left running three years after its period: nothing of it is late any more.
    later = date(2030, 1, 10)
    assert has_ended(world.agreement, later)
    items = _items(world.agreement, later)
    assert items and {d.status for d in items.values()} == {"ended"}
    assert not deadlines_for(Agreement.objects.filter(pk=world.agreement.pk), today=later)


def test_has_ended_by_status_or_a_year_after_the_period():
    running = Agreement(status=AgreementStatus.ACTIVE, period_end=date(2026, 12, 31))
    assert not has_ended(running, date(2027, 12, 31))
    assert has_ended(running, date(2028, 1, 1))
    for status in (AgreementStatus.ENDED, AgreementStatus.TERMINATED):
        assert has_ended(Agreement(status=status, period_end=date(2030, 1, 1)), date(2026, 1, 1))


# Views


def _url(world, key=None):
    url = reverse("agreements:due_items", args=[world.agreement.pk])
    return f"{url}?nyckel={key}" if key else url


def test_the_items_page_lists_expected_items_with_their_state(world, client):
    client.force_login(world.users["secretary"])
    response = client.get(_url(world))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tertialrapport T1 2026" in page
    # The secretary may not change items: no links.
    assert "Stäng eller flytta" not in page


def test_the_reporting_coordinator_moves_its_item_through_the_form(world, client):
    client.force_login(world.users["coordinator"])
    response = client.get(_url(world, world.t1))
    assert response.status_code == 200
    token = response.context["once_form"]["submit_token"].value()
    response = client.post(
        _url(world),
        {
            "key": world.t1,
            "action": "moved",
            "due_date": "2026-09-30",
            "reason": "Förlängt",
            "submit_token": token,
        },
        follow=True,
    )
    assert "är flyttad till 2026-09-30" in response.content.decode()
    override = DueOverride.objects.get()
    assert (override.by, override.due_date) == (world.users["coordinator"], date(2026, 9, 30))
    assert "Förlängt" in client.get(_url(world, world.t1)).content.decode()  # history


def test_a_coordinator_changes_their_own_report_items_only(world, client):
    coordinator = world.users["coordinator"]
    client.force_login(coordinator)
    assert client.get(_url(world, world.t1)).status_code == 200
    # A report due from the region: not the coordinator's to change.
    Obligation.objects.create(
        agreement=world.agreement,
        kind=ObligationKind.ONE_OFF_REPORT,
        responsible=world.a,
        due_date=date(2026, 8, 1),
    )
    ensure_reports(world.agreement)
    other = next(
        d.key for d in _items(world.agreement).values() if d.responsible_party_id == world.a.pk
    )
    assert item_of(world.agreement, other, today=TODAY) is not None
    assert client.get(_url(world, other)).status_code == 403
    response = client.post(_url(world), {"key": other, "action": "closed", "reason": "x"})
    assert response.status_code == 403
    assert not DueOverride.objects.exists()


def test_another_organisations_items_are_not_found(world, client):
    outsider = make_member("admin_x", make_party("Kommun X"), "administrator")
    client.force_login(outsider)
    assert client.get(_url(world)).status_code == 404
    assert client.post(_url(world), {"key": world.t1}).status_code == 404


def test_an_unknown_item_is_not_found(world, client):
    client.force_login(world.users["admin"])
    assert client.get(_url(world, "report:1:1999:T1")).status_code == 404


def test_a_form_without_a_reason_says_what_is_missing(world, client):
    client.force_login(world.users["coordinator"])
    token = client.get(_url(world, world.t1)).context["once_form"]["submit_token"].value()
    response = client.post(
        _url(world), {"key": world.t1, "action": "moved", "reason": "", "submit_token": token}
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"due_date", "reason"}
    assert not DueOverride.objects.exists()


def test_wrong_method_is_refused(world, client):
    client.force_login(world.users["admin"])
    assert client.put(_url(world)).status_code == 405


def test_the_reports_page_shows_each_reports_state_as_the_dashboard_has_it(
    world, client, monkeypatch
):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2026, 6, 15))
    client.force_login(world.users["coordinator"])
    url = reverse("agreements:reports")

    def state():
        report = reverse("agreements:report", args=[world.own["report"].pk])
        row = client.get(url).content.decode().split(f'href="{report}"')[1].split("</tr>")[0]
        return row.split("badge badge--")[-1]

    assert state().startswith('overdue">Försenad')
    change_due_item(
        agreement=world.agreement,
        key=world.t1,
        action="moved",
        due_date=date(2026, 9, 30),
        reason="Förlängt",
        by=world.users["coordinator"],
        now=NOW,
        today=TODAY,
    )
    assert state().startswith('upcoming">Kommande')
    change_due_item(
        agreement=world.agreement,
        key=world.t1,
        action="closed",
        reason="Ingår i årsrapporten",
        by=world.users["coordinator"],
        now=NOW,
        today=TODAY,
    )
    assert state().startswith('closed">Stängd')
    Agreement.objects.filter(pk=world.agreement.pk).update(status=AgreementStatus.ENDED)
    DueOverride.objects.all().delete()
    assert state().startswith('ended">Överenskommelsen har upphört')
