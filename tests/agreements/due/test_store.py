"""Stored due items: the dashboard's rows are the deadline rules' output, kept in step with
every change and with the date, once per party so each user reads only their own."""

import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from agreements.access import due_items_visible_to
from agreements.due.invalidation import mark_changed
from agreements.due.loading import deadlines_for
from agreements.due.store import (
    STORE_HORIZON_DAYS,
    due_items_for,
    refresh_due_items,
    refresh_marked,
    stale,
)
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
    # As the next request loads the user (memberships are read once per user object).
    admin = type(world["admin"]).objects.get(pk=world["admin"].pk)
    mine = list(due_items_visible_to(admin))
    assert len(mine) == len(set(keys(mine))) == every


def test_a_change_is_on_the_dashboard_at_the_next_visit(world):
    items = due_items_for(world["coordinator"], today=TODAY, horizon_days=60)
    first = items.first()
    assert first.kind == "tertial_report"
    report = Report.objects.create(
        agreement=world["three"],
        party=world["parties"][2],
        year=first.year,
        period=first.period,
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
    DueState.objects.update(refreshed_on=date(2027, 1, 1))
    assert stale(Agreement.objects.all(), today=date(2027, 1, 2)).count() == 0
    assert stale(Agreement.objects.all(), today=date(2027, 1, 31)).count() == 0
    DueState.objects.update(refreshed_on=date(2026, 12, 31))
    assert stale(Agreement.objects.all(), today=date(2027, 1, 2)).count() == 2


def test_the_dashboard_refreshes_only_the_marked_agreements_it_shows(world):
    three, theirs = world["three"], world["theirs"]
    refresh_due_items(Agreement.objects.all(), today=TODAY)
    assert refresh_marked(Agreement.objects.all(), today=TODAY) == 0
    DueState.objects.filter(agreement=theirs).update(dirty=True)
    # The coordinator does not see the marked agreement: nothing of theirs is refreshed.
    assert refresh_marked(Agreement.objects.filter(pk=three.pk), today=TODAY) == 0
    assert DueState.objects.get(agreement=theirs).dirty
    assert refresh_marked(Agreement.objects.all(), today=TODAY) == 1
    assert not DueState.objects.get(agreement=theirs).dirty
    # A month on, every agreement is marked by its age.
    assert refresh_marked(Agreement.objects.all(), today=TODAY + timedelta(days=31)) == 2


def test_a_bulk_loaded_agreement_without_a_state_row_waits_for_the_nightly_run(world):
    refresh_due_items(Agreement.objects.all(), today=TODAY)
    DueState.objects.filter(agreement=world["theirs"]).delete()
    DueItem.objects.filter(agreement=world["theirs"]).delete()
    assert refresh_marked(Agreement.objects.all(), today=TODAY) == 0
    assert refresh_due_items(Agreement.objects.all(), today=TODAY) == 1
    assert DueItem.objects.filter(agreement=world["theirs"]).exists()


def test_every_agreement_saved_has_a_state_row(world):
    agreement = make_agreement(start=date(2026, 1, 1), end=date(2026, 12, 31))
    assert DueState.objects.get(agreement=agreement).dirty
    assert not Agreement.objects.filter(due_state__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_a_change_committed_during_a_refresh_keeps_the_agreement_stale(world, monkeypatch):
    """A report saved while a refresh computes waits for the refresh's lock on the state row
    and marks the agreement again afterwards: the next read computes it anew."""
    import threading

    from django.db import connection

    from agreements.due import store as due

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time and no row locks to race")
    three = world["three"]
    refresh_due_items(Agreement.objects.all(), today=TODAY)
    mark_changed([three.pk])
    computing, saved = threading.Event(), threading.Event()
    real = due.deadlines_for

    def slow(*args, **kwargs):
        result = real(*args, **kwargs)
        computing.set()
        saved.wait(timeout=2)  # the save is blocked on the lock: give up waiting for it
        return result

    def save_report():
        try:
            computing.wait(timeout=10)
            Report.objects.create(
                agreement=three,
                party=world["parties"][2],
                year=2025,
                period="T1",
                due_date=date(2025, 5, 30),
            )
            saved.set()
        finally:
            connection.close()

    monkeypatch.setattr(due, "deadlines_for", slow)
    writer = threading.Thread(target=save_report)
    writer.start()
    refresh_due_items(Agreement.objects.filter(pk=three.pk), today=TODAY)
    writer.join()
    assert saved.is_set()
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


def fresh(user):
    """Keys of what the deadline rules give now for the agreements the user sees."""
    from agreements.access import agreements_visible_to

    return sorted(
        (d.agreement.pk, d.key)
        for d in deadlines_for(agreements_visible_to(user), today=TODAY, horizon_days=60)
        if d.status != "done"
    )


def stored(user):
    return sorted(keys(due_items_for(user, today=TODAY, horizon_days=60)))


@pytest.fixture
def awaiting(world):
    """A proposed agreement waiting for the city's decision (an item for the region)."""
    from agreements.models import Decision, DecisionCondition

    region, city, nonprofit, _other = world["parties"]
    proposed = make_agreement(region, city, nonprofit, start=date(2027, 1, 1), status="proposed")
    decision = Decision.objects.create(organisation=region, title="Förslag")
    decision.agreements.add(proposed)
    condition = DecisionCondition.objects.create(decision=decision, party=city)
    refresh_due_items(Agreement.objects.all(), today=TODAY)
    return proposed, decision, condition


def test_removing_or_deleting_a_decision_updates_the_items(world, awaiting):
    proposed, decision, _condition = awaiting
    admin = world["admin"]
    assert any(key.startswith("decision:") for _a, key in stored(admin))
    decision.agreements.clear()
    assert stored(admin) == fresh(admin)
    assert not any(key.startswith("decision:") for _a, key in stored(admin))
    decision.agreements.add(proposed)
    assert any(key.startswith("decision:") for _a, key in stored(admin))
    proposed.decisions.remove(decision)
    assert stored(admin) == fresh(admin)
    decision.agreements.add(proposed)
    decision.delete()
    assert stored(admin) == fresh(admin)


def test_deleting_the_decision_that_met_a_condition_brings_the_item_back(world, awaiting):
    from agreements.models import Decision

    proposed, _decision, condition = awaiting
    region, city, *_ = world["parties"]
    met_by = Decision.objects.create(organisation=city, title="Stadens beslut")
    condition.satisfied_by = met_by
    condition.save()
    admin = world["admin"]
    assert not any(key.startswith("decision:") for _a, key in stored(admin))
    met_by.delete()
    assert any(key.startswith("decision:") for _a, key in stored(admin))
    assert stored(admin) == fresh(admin)


def test_renaming_a_party_renames_it_in_the_items(world, awaiting):
    region, city, *_ = world["parties"]
    city.name = "Kommun K"
    city.save()
    titles = [i.title for i in due_items_for(world["admin"], today=TODAY, horizon_days=60)]
    assert any("Kommun K" in t for t in titles) and not any("Stad S" in t for t in titles)


def test_an_agreement_without_parties_is_on_the_superusers_list(superuser):
    lonely = make_agreement(start=date(2025, 1, 1), end=date(2026, 12, 31), status="active")
    Obligation.objects.create(
        agreement=lonely, kind=ObligationKind.ONE_OFF_REPORT, due_date=date(2026, 10, 1)
    )
    items = due_items_for(superuser, today=TODAY, horizon_days=60)
    assert [(i.agreement_id, i.kind) for i in items] == [(lonely.pk, "one_off_report")]


def test_deleting_an_agreement_takes_its_items_along(world):
    refresh_due_items(Agreement.objects.all(), today=TODAY)
    theirs = world["theirs"]
    Obligation.objects.filter(agreement=theirs).delete()
    theirs.delete()
    assert not DueItem.objects.filter(agreement_id=theirs.pk).exists()
    assert not DueState.objects.filter(agreement_id=theirs.pk).exists()
    assert stored(world["city"]) == fresh(world["city"])


def test_a_stored_item_shows_in_the_readers_language(world, client, monkeypatch):
    from django.urls import reverse

    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    refresh_due_items(Agreement.objects.all(), today=TODAY)
    DueItem.objects.filter(kind="tertial_report").update(
        detail_message="Flyttad: %(reason)s", detail_values={"reason": "sjukdom"}
    )
    client.force_login(world["coordinator"])
    page = client.get(reverse("agreements:dashboard")).content.decode()
    assert "Tertialrapport T" in page and "Flyttad: sjukdom" in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("agreements:dashboard")).content.decode()
    assert "Four-month report T" in page and "Moved: sjukdom" in page
    assert "Tertialrapport" not in page and "Flyttad" not in page


def test_a_removed_party_stops_seeing_the_items_at_once(world):
    refresh_due_items(Agreement.objects.all(), today=TODAY)
    three = world["three"]
    region, city, nonprofit, _other = world["parties"]
    assert DueItem.objects.filter(agreement=three, party=city).exists()
    three.parties.get(party=city).delete()
    assert not DueItem.objects.filter(agreement=three, party=city).exists()
    assert DueItem.objects.filter(agreement=three, party=region).exists()
    # Another party in its place: the replaced one's rows go too.
    link = three.parties.get(party=region)
    link.party = city
    link.save()
    assert not DueItem.objects.filter(agreement=three, party=region).exists()


def test_an_agreement_loaded_from_a_fixture_gets_a_state_row(world, tmp_path):
    from django.core import serializers
    from django.core.management import call_command

    theirs = world["theirs"]
    fixture = tmp_path / "agreement.json"
    fixture.write_text(serializers.serialize("json", [theirs]))
    DueState.objects.filter(agreement=theirs).delete()
    call_command("loaddata", str(fixture), verbosity=0)
    assert DueState.objects.get(agreement=theirs).dirty


def test_a_stored_notice_date_drops_off_the_list_once_it_has_passed(world):
    theirs = world["theirs"]
    Agreement.objects.filter(pk=theirs.pk).update(notice_months=1)  # notice by 2026-11-30
    refresh_due_items(Agreement.objects.all(), today=TODAY)
    notice = ("notice", date(2026, 11, 30))

    def notices(today):
        items = due_items_for(world["city"], today=today, horizon_days=60)
        return [(i.kind, i.due_date) for i in items if i.kind == "notice"]

    assert notices(TODAY) == [notice]
    # Two days after it, with the items not yet recomputed: no longer something to do.
    assert notices(date(2026, 12, 2)) == []
    assert DueItem.objects.filter(agreement=theirs, kind="notice").exists()


def test_report_items_keep_the_period_they_are_for(world):
    refresh_due_items(Agreement.objects.all(), today=TODAY)
    three = world["three"]
    item = DueItem.objects.filter(agreement=three, key=f"report:{three.pk}:2026:T3").first()
    assert (item.kind, item.year, item.period) == ("tertial_report", 2026, "T3")
    annual = DueItem.objects.filter(agreement=world["theirs"], kind="annual_report").first()
    assert (annual.year, annual.period) == (2026, "annual")


def test_the_dashboard_escapes_what_people_wrote(world, awaiting, client, monkeypatch):
    from django.urls import reverse

    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    region, city, *_ = world["parties"]
    city.name = '<script>alert("x")</script> & Co'
    city.save()
    client.force_login(world["admin"])
    # The city's decision the region waits for: counted on the dashboard, listed on its page.
    dashboard = client.get(reverse("agreements:dashboard")).content.decode()
    page = client.get(reverse("agreements:todo", args=["andra-beslut"])).content.decode()
    assert "<script>alert" not in dashboard + page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in page


def test_the_refresh_command_recomputes_marked_agreements_for_the_day_given(world):
    DueItem.objects.all().delete()
    DueState.objects.update(dirty=True)
    call_command("refresh_due_items", "--today", TODAY.isoformat(), stdout=io.StringIO())
    assert not DueState.objects.filter(dirty=True).exists()
    assert set(DueState.objects.values_list("refreshed_on", flat=True)) == {TODAY}
    assert DueItem.objects.filter(agreement=world["three"]).exists()
