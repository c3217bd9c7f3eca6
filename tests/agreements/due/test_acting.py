"""The dashboard's two halves: what the user does ("Du behöver göra") and what others do that
the user waits for ("Väntar på andra"), from the item's responsible organisation and role."""

from datetime import date

import pytest
from django.urls import reverse

from agreements.due.store import acting_on, due_items_for
from agreements.models import AgreementStatus
from tests.factories import make_member, make_world

pytestmark = pytest.mark.django_db
TODAY = date(2026, 5, 20)


@pytest.fixture
def world():
    world = make_world()
    agreement = world.own["agreement"]
    agreement.status, agreement.notice_months = AgreementStatus.ACTIVE, 6
    agreement.period_end = date(2026, 12, 31)
    agreement.save()
    world.t1 = f"report:{agreement.pk}:2026:T1"
    world.notice = f"notice:{agreement.pk}"
    return world


def _split(user):
    items = due_items_for(user, today=TODAY, horizon_days=60)
    mine = acting_on(user)
    return (
        set(items.filter(mine).values_list("key", flat=True)),
        set(items.exclude(mine).values_list("key", flat=True)),
    )


def test_a_report_is_the_coordinators_to_do_and_the_region_waits_for_it(world):
    mine, waiting = _split(world.users["coordinator"])
    assert world.t1 in mine and world.t1 not in waiting
    mine, waiting = _split(world.users["admin"])
    assert world.t1 in waiting and world.t1 not in mine


def test_the_notice_date_is_any_administrators_to_do(world):
    # Notice by 2026-06-30 for an agreement ending 2026-12-31 with six months' notice.
    assert world.notice in _split(world.users["admin"])[0]
    assert world.notice in _split(world.users["coordinator"])[1]
    assert world.notice in _split(world.users["secretary"])[1]


def test_a_user_without_a_role_to_act_in_only_waits(world):
    reader = make_member("lasare_b", world.b, "secretary")
    mine, waiting = _split(reader)
    assert mine == set() and world.t1 in waiting


def test_the_dashboard_shows_both_halves(world, client, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
    client.force_login(world.users["admin"])
    page = client.get(reverse("agreements:dashboard")).content.decode()
    to_do, waiting = page.split('id="vantar-pa-andra"')
    # The coordinator's report is counted under "Väntar på andra" and listed on its page.
    assert "Tertialrapport T1 2026" not in page
    group = reverse("agreements:todo", args=["andra-rapporter"])
    assert f'<a href="{group}">Rapporter' in waiting and group not in to_do
    assert "Tertialrapport T1 2026" in client.get(group).content.decode()
    assert "Sista dag att säga upp" in to_do
