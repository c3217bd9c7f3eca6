"""An agreement's history in the app: who changed what and when, for its parties' members."""

import pytest
from django.urls import reverse

from agreements.agreement_log import agreement_history
from funding.models import Share
from tests.factories import make_line, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def _retitle(agreement, title, by):
    agreement.title = title
    agreement._history_user = by
    agreement.save()


def test_every_partys_members_read_who_changed_what(client, world):
    agreement = world.own["agreement"]
    admin = world.users["admin"]
    _retitle(agreement, "Barnverksamhet 2026", admin)
    party_row = agreement.parties.get(party=world.b)
    party_row.unit = "Barn och unga"
    party_row._history_user = admin
    party_row.save()

    url = reverse("agreements:history", args=[agreement.pk])
    for role in ("coordinator", "secretary", "admin"):
        client.force_login(world.users[role])
        page = client.get(url)
        assert page.status_code == 200
        content = page.content.decode()
        assert "Vår överenskommelse" in content and "Barnverksamhet 2026" in content
        assert "Admin_A" in content  # who
        assert "Ändrades" in content and "Barn och unga" in content
        assert "Förening B" in content  # the party row is named by its organisation
    client.force_login(world.users["outsider"])
    assert client.get(url).status_code == 404
    detail = reverse("agreements:detail", args=[agreement.pk])
    client.force_login(world.users["coordinator"])
    assert url in client.get(detail).content.decode()


def test_only_bookkeeping_is_not_listed(world):
    agreement = world.own["agreement"]
    before = len(agreement_history(agreement))
    agreement.version += 1
    agreement.save()
    assert len(agreement_history(agreement)) == before


def test_removed_rows_stay_in_the_history(world):
    line = world.own["line"]
    share = line.shares.get()
    share._history_user = world.users["admin"]
    share.delete()
    entries = agreement_history(world.own["agreement"])
    removed = [e for e in entries if e.action == "Togs bort"]
    assert [(e.what, e.who) for e in removed] == [("Andel: 2026: Region A", "Admin_A")]


def test_the_history_page_reads_a_constant_number_of_queries(
    client, world, django_assert_max_num_queries
):
    agreement = world.own["agreement"]
    admin = world.users["admin"]
    client.force_login(world.users["coordinator"])
    url = reverse("agreements:history", args=[agreement.pk])
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for i in range(30):
        _retitle(agreement, f"Titel {i}", admin)
    line = make_line(agreement, world.a, {2027: 1000, 2028: 2000}, purpose="Lokaler")
    for share in Share.objects.filter(line=line):
        share.amount += 1
        share._history_user = admin
        share.save()
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert "Titel 29" in page.content.decode()
