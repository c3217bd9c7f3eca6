"""The agreement list's party filter: a drop-down of organisations for a user who sees a
handful of agreements, a hidden field (with a removable chip) when they see so many that only
the search box helps."""

import pytest
from django.urls import reverse

from agreements.forms import AgreementFilterForm
from tests.factories import make_agreement, make_member, make_party

pytestmark = pytest.mark.django_db


@pytest.fixture
def region_with_partners():
    region = make_party("Region R", kind="region")
    partners = [make_party(f"Förening {n:02}") for n in range(6)]
    for partner in partners:
        make_agreement(region, partner, title=f"Med {partner.name}")
    stranger = make_party("Förening Utanför")
    make_agreement(make_party("Region Annan", kind="region"), stranger, title="Annans")
    return make_member("adm", region, "administrator"), partners, stranger


def test_few_agreements_get_a_drop_down_of_the_visible_ones(client, region_with_partners):
    user, partners, stranger = region_with_partners
    client.force_login(user)
    page = client.get(reverse("agreements:list")).content.decode()
    assert '<select name="party"' in page
    assert f'<option value="{partners[0].pk}">' in page
    assert stranger.name not in page


def test_many_agreements_hide_the_drop_down_and_keep_a_linked_filter(
    client, region_with_partners, monkeypatch
):
    user, partners, stranger = region_with_partners
    monkeypatch.setattr(AgreementFilterForm, "PARTY_CHOICES_AGREEMENTS", 5)
    client.force_login(user)
    page = client.get(reverse("agreements:list")).content.decode()
    assert '<select name="party"' not in page and "<option" not in page.split('name="status"')[0]
    assert 'name="party"' not in page  # no empty hidden field either

    response = client.get(reverse("agreements:list"), {"party": partners[2].pk, "q": "Med"})
    page = response.content.decode()
    assert [a.title for a in response.context["page"]] == [f"Med {partners[2].name}"]
    assert f'<input type="hidden" name="party" value="{partners[2].pk}"' in page
    assert f"Part: {partners[2].name}" in page
    assert 'href="?q=Med">Ta bort filtret</a>' in page

    # Another organisation's party is not a valid choice: the filter is refused, not applied.
    response = client.get(reverse("agreements:list"), {"party": stranger.pk})
    assert response.status_code == 200
    assert "Part: " not in response.content.decode()


def test_many_organisations_hide_the_drop_down_even_with_few_agreements(
    client, region_with_partners, monkeypatch
):
    user, partners, stranger = region_with_partners
    monkeypatch.setattr(AgreementFilterForm, "PARTY_CHOICES_LIMIT", 4)  # 7 visible parties
    client.force_login(user)
    page = client.get(reverse("agreements:list")).content.decode()
    assert '<select name="party"' not in page
