"""Index series have an owner: a national series is changed only by the users the operator
trusts with it, an organisation's own series by its administrators; values are corrected or
withdrawn with a reason, and the series page shows who published and changed each one."""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from funding.models import IndexSeries, IndexValue
from funding.summary import line_year_amounts
from tests.factories import make_agreement, make_line, make_party, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    region = make_party("Region R", kind="region")
    town = make_party("Kommun K", kind="municipality")
    org = make_party("Förening F")
    stranger = make_party("Region S", kind="region")
    users = {
        "region": make_user("region_admin", party=region, role="administrator"),
        "secretary": make_user("region_sekr", party=region, role="secretary"),
        "town": make_user("kommun_admin", party=town, role="administrator"),
        "stranger": make_user("annan_admin", party=stranger, role="administrator"),
    }
    lpik = IndexSeries.objects.create(name="LPIK exklusive läkemedel", publisher="SKR")
    agreement = make_agreement(region, town, org)
    line = make_line(
        agreement,
        region,
        {2026: 1_000_000, 2027: 1_000_000},
        uplift_series=lpik,
        uplift_first_year=2027,
        uplift_basis="preliminary",
    )
    value = IndexValue.objects.create(
        series=lpik,
        year=2027,
        percent="3.000",
        status="preliminary",
        published_on=date(2026, 10, 15),
        source="SKR cirkulär 26:45",
    )
    return SimpleNamespace(region=region, town=town, users=users, lpik=lpik, line=line, value=value)


@pytest.fixture
def maintainer(world):
    """A user the operator trusts with the national series (no organisation needed)."""
    user = make_user("indexforvaltare", first_name="Ina", last_name="Index")
    user.user_permissions.add(Permission.objects.get(codename="maintain_national_index"))
    return user


def add_post(**overrides):
    return {
        "action": "add",
        "year": "2028",
        "percent": "2.500",
        "status": "preliminary",
        "published_on": "2027-10-14",
        "source": "SKR cirkulär 27:40",
    } | overrides


def series_url(series):
    return reverse("funding:index_series", args=[series.pk])


def test_no_organisations_administrator_adds_a_value_to_a_national_series(client, world):
    for who in ("region", "town", "stranger"):
        client.force_login(world.users[who])
        # The list page used to take a value for any series from any administrator.
        client.post(reverse("funding:index_values"), add_post(series=world.lpik.pk))
        assert not IndexValue.objects.filter(year=2028).exists(), who
        response = client.post(series_url(world.lpik), add_post())
        assert response.status_code == 403, who
    assert not IndexValue.objects.filter(year=2028).exists()


def test_a_maintainer_of_national_series_adds_a_value_and_is_shown_as_its_publisher(
    client, world, maintainer
):
    client.force_login(maintainer)
    response = client.post(series_url(world.lpik), add_post())
    assert response.status_code == 302
    assert IndexValue.objects.get(year=2028).percent == Decimal("2.500")
    page = client.get(series_url(world.lpik)).content.decode()
    assert "Ina Index" in page and "Lagt in" in page


def test_an_organisations_own_series_is_changed_by_its_administrators_only(client, world):
    client.force_login(world.users["region"])
    create = {"owner": world.region.pk, "name": "Regionens kostnadsindex", "publisher": ""}
    response = client.post(reverse("funding:index_values"), create)
    series = IndexSeries.objects.get(name="Regionens kostnadsindex")
    assert response.status_code == 302 and response["Location"] == series_url(series)
    assert series.owner == world.region
    assert client.post(series_url(series), add_post()).status_code == 302

    # Nobody creates a series in another organisation's name.
    other = {"owner": world.town.pk, "name": "I kommunens namn"}
    assert client.post(reverse("funding:index_values"), other).status_code == 400
    assert not IndexSeries.objects.filter(name="I kommunens namn").exists()

    # A partner sees the series its shared agreement is uplifted by, and cannot change it.
    world.line.uplift_series = series
    world.line.save()
    client.force_login(world.users["town"])
    assert client.get(series_url(series)).status_code == 200
    assert client.post(series_url(series), add_post(year="2029")).status_code == 403
    client.force_login(world.users["secretary"])
    assert client.post(series_url(series), add_post(year="2029")).status_code == 403
    # Anyone else does not see it at all.
    client.force_login(world.users["stranger"])
    assert client.get(series_url(series)).status_code == 404
    assert client.post(series_url(series), add_post(year="2029")).status_code == 404
    assert not IndexValue.objects.filter(year=2029).exists()


def test_a_series_name_taken_by_another_organisation_is_free(client, world):
    IndexSeries.objects.create(name="Eget index", owner=world.town)
    client.force_login(world.users["region"])
    create = {"owner": world.region.pk, "name": "Eget index"}
    assert client.post(reverse("funding:index_values"), create).status_code == 302
    response = client.post(reverse("funding:index_values"), create)
    assert response.status_code == 400
    assert response.context["form"].errors["name"] == [
        "Organisationen har redan en indexserie med det namnet."
    ]


def correction(**overrides):
    return {
        "percent": "2.800",
        "published_on": "2026-10-15",
        "source": "SKR cirkulär 26:45, rättad",
        "reason": "SKR rättade prognosen i cirkulär 26:50",
        "version": "1",  # as the page was loaded: the value was never corrected
    } | overrides


def test_the_owner_corrects_a_value_and_the_history_shows_what_it_was(client, world, maintainer):
    url = reverse("funding:index_value", args=[world.value.pk])
    client.force_login(maintainer)
    assert client.get(url).status_code == 200
    assert client.post(url, correction(reason="")).status_code == 400
    world.value.refresh_from_db()
    assert world.value.percent == Decimal("3.000")

    response = client.post(url, correction())
    assert response.status_code == 302 and response["Location"] == series_url(world.lpik)
    world.value.refresh_from_db()
    assert world.value.percent == Decimal("2.800")
    # The amounts follow the corrected value.
    assert line_year_amounts(world.line)[2027].amount == 1_028_000
    page = client.get(series_url(world.lpik)).content.decode()
    assert "3,000 % → 2,800 %" in page
    assert "SKR rättade prognosen i cirkulär 26:50" in page
    assert "Rättat" in page and "Ina Index" in page


def test_another_organisations_administrator_cannot_correct_or_withdraw_a_value(client, world):
    correct = reverse("funding:index_value", args=[world.value.pk])
    withdraw = reverse("funding:index_value_withdraw", args=[world.value.pk])
    for who in ("region", "town", "stranger", "secretary"):
        client.force_login(world.users[who])
        assert client.get(correct).status_code == 403, who
        assert client.post(correct, correction()).status_code == 403, who
        assert client.get(withdraw).status_code == 403, who
        assert client.post(withdraw, {"reason": "Fel"}).status_code == 403, who
    world.value.refresh_from_db()
    assert world.value.percent == Decimal("3.000")


def test_the_owner_withdraws_a_value_after_a_confirmation_with_a_reason(client, world, maintainer):
    url = reverse("funding:index_value_withdraw", args=[world.value.pk])
    client.force_login(maintainer)
    page = client.get(url).content.decode()
    assert "Dra tillbaka värdet för 2027" in page and "SKR cirkulär 26:45" in page
    assert client.post(url, {"reason": " "}).status_code == 400
    assert IndexValue.objects.filter(pk=world.value.pk).exists()

    assert client.post(url, {"reason": "Värdet hör till en annan serie"}).status_code == 302
    assert not IndexValue.objects.filter(pk=world.value.pk).exists()
    # Without a value that counts, 2027 is a forecast, not a silent zero.
    assert line_year_amounts(world.line)[2027].status == "forecast"
    page = client.get(series_url(world.lpik)).content.decode()
    assert "Tillbakadraget" in page and "Värdet hör till en annan serie" in page
    assert "3,000 %" in page


def test_an_import_records_who_published_the_values(client, world, maintainer):
    client.force_login(maintainer)
    upload = SimpleUploadedFile(
        "lpik.csv", b"2028,2.5,preliminary,2027-10-14,SKR\n2026,2.9,final,2027-04-15,SKR\n"
    )
    response = client.post(series_url(world.lpik), {"action": "import", "file": upload})
    assert response.status_code == 302
    values = client.get(series_url(world.lpik)).context["values"]
    recorded = {row.value.year: row.added.history_user for row in values if row.added}
    assert recorded[2028] == recorded[2026] == maintainer


def test_an_import_with_errors_imports_nothing(client, world, maintainer):
    client.force_login(maintainer)
    upload = SimpleUploadedFile(
        "lpik.csv", b"2028,2.5,preliminary,2027-10-14,SKR\n2029,x,final,2030-04-01,SKR\n"
    )
    response = client.post(series_url(world.lpik), {"action": "import", "file": upload})
    assert response.status_code == 400
    assert "Rad 2:" in response.content.decode()
    assert not IndexValue.objects.filter(year__gte=2028).exists()


def test_every_user_sees_the_national_series_and_the_list(client, world):
    client.force_login(world.users["secretary"])
    assert client.get(reverse("funding:index_values")).status_code == 200
    page = client.get(series_url(world.lpik)).content.decode()
    assert "SKR cirkulär 26:45" in page and "Lägg till ett värde" not in page
    assert client.delete(series_url(world.lpik)).status_code == 405


@pytest.mark.parametrize("count", [1, 12])
def test_series_page_reads_values_and_history_in_a_constant_number_of_queries(
    client, world, maintainer, django_assert_max_num_queries, count
):
    client.force_login(maintainer)
    for n in range(count):
        client.post(series_url(world.lpik), add_post(year=str(2030 + n)))
        value = IndexValue.objects.get(year=2030 + n)
        url = reverse("funding:index_value", args=[value.pk])
        client.post(url, correction(published_on="2029-10-15", reason=f"Rättelse {n}"))
    with django_assert_max_num_queries(9):
        response = client.get(series_url(world.lpik))
    assert len(response.context["values"]) == count + 1
    assert len(response.context["changes"]) == 2 * count + 1
