"""The money an agreement states: agreement years that do not start on 1 January, totals for
the whole period split over the years, amounts not yet known and uplift rules that name no
index, through the services, the funding page and the printed agreement."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from agreements import calendar as cal
from agreements.documents import agreement_document
from agreements.models import Agreement, AgreementStatus, DocumentKind
from agreements.services import DomainError
from agreements.services.conflicts import EditConflict
from agreements.services.documents import issue_document
from agreements.services.lifecycle import move_agreement
from funding.exports.opendata import public_summary
from funding.models import FundingLine, IndexSeries, PaymentPlan, Share
from funding.services import remove_shares_outside_period, save_funding, shares_outside_period
from tests.agreements.test_lifecycle import approve
from tests.documents.helpers import flatten
from tests.factories import make_agreement, make_line, make_party, make_user
from tests.forms_html import posted_form

pytestmark = pytest.mark.django_db

NOV_OCT = {"start": date(2020, 11, 1), "end": date(2023, 10, 31)}


@pytest.fixture
def world(db):
    town = make_party("Kommun K", kind="municipality")
    org = make_party("Förening F")
    agreement = make_agreement(town, org, **NOV_OCT)
    admin = make_user("kommun_admin", party=town, role="administrator")
    return agreement, town, org, admin


def text_of(document):
    parts = [str(p) for entry in document["contributions"] for p in entry["items"]]
    return flatten(" ".join(parts + [str(p) for p in document["economy"]]))


def save(agreement, admin, **row):
    agreement.refresh_from_db()
    return save_funding(
        agreement=agreement, lines=[{"id": None} | row], version=agreement.funding_version, by=admin
    )


# --- Agreement years -------------------------------------------------------------------------


def test_a_period_from_november_has_three_agreement_years_november_to_october():
    assert cal.agreement_years(date(2020, 11, 1), date(2023, 10, 31)) == [
        (date(2020, 11, 1), date(2021, 10, 31)),
        (date(2021, 11, 1), date(2022, 10, 31)),
        (date(2022, 11, 1), date(2023, 10, 31)),
    ]
    assert cal.agreement_year_dates(date(2020, 11, 1), date(2023, 10, 31), 2023) is None


def test_a_period_from_1_january_has_calendar_years_and_a_short_period_one_short_year():
    assert cal.agreement_years(date(2021, 1, 1), date(2022, 12, 31)) == [
        (date(2021, 1, 1), date(2021, 12, 31)),
        (date(2022, 1, 1), date(2022, 12, 31)),
    ]
    assert cal.agreement_years(date(2026, 7, 1), date(2026, 12, 31)) == [
        (date(2026, 7, 1), date(2026, 12, 31))
    ]


def test_shares_follow_agreement_years_and_one_after_the_last_is_refused(world):
    agreement, town, *_ = world
    assert agreement.funding_years == [2020, 2021, 2022]
    assert agreement.year_label(2021) == "2021-11-01 – 2022-10-31"
    line = make_line(agreement, town, {})
    with pytest.raises(ValidationError, match="2020-11-01 – 2023-10-31"):
        Share(line=line, year=2023, amount=1).full_clean()


def test_the_funding_page_names_each_agreement_year_by_its_dates(client, world):
    agreement, town, _org, admin = world
    make_line(agreement, town, {2020: 100_000, 2021: 100_000, 2022: 100_000})
    client.force_login(admin)
    page = client.get(reverse("funding:lines", args=[agreement.pk])).content.decode()
    assert "2020-11-01 – 2021-10-31 (kr)" in page
    assert "2022-11-01 – 2023-10-31 (kr)" in page
    assert "2023 (kr)" not in page
    detail = client.get(agreement.get_absolute_url()).content.decode()
    assert "2022-11-01 – 2023-10-31" in detail


# --- Period totals -----------------------------------------------------------------------------


def test_a_period_total_split_over_three_years_prints_the_total_the_period_and_the_split(world):
    agreement, town, _org, admin = world
    save(
        agreement,
        admin,
        party=town,
        kind="cash",
        purpose="Stöd",
        period_total=1_800_000,
        shares={2020: 600_000, 2021: 600_000, 2022: 600_000},
    )
    document = agreement_document(agreement)
    text = text_of(document)
    assert "Stöd med totalt 1 800 000 kr för perioden 2020-11-01 – 2023-10-31" in text
    assert "600 000 kr 2020-11-01 – 2021-10-31" in text
    assert "2020–2022" not in text and "2020–2023" not in text
    assert not any("Fördelningen" in w for w in document["warnings"])


def test_a_split_that_differs_from_the_period_total_is_refused(world):
    agreement, town, _org, admin = world
    with pytest.raises(DomainError, match="Fördelningen per år är 1\u202f700\u202f000\xa0kr"):
        save(
            agreement,
            admin,
            party=town,
            kind="cash",
            period_total=1_800_000,
            shares={2020: 600_000, 2021: 600_000, 2022: 500_000},
        )
    assert not FundingLine.objects.filter(agreement=agreement).exists()


def test_the_funding_page_shows_a_mismatch_beside_the_period_total(client, world):
    agreement, town, _org, admin = world
    client.force_login(admin)
    data = {
        "version": agreement.funding_version,
        "rader-TOTAL_FORMS": 1,
        "rader-INITIAL_FORMS": 0,
        "rader-MIN_NUM_FORMS": 0,
        "rader-MAX_NUM_FORMS": 1000,
        "rader-0-party": town.pk,
        "rader-0-kind": "cash",
        "rader-0-period_total": "1800000",
        "rader-0-amount_2020": "600000",
    }
    response = client.post(reverse("funding:lines", args=[agreement.pk]), data)
    assert response.status_code == 200
    assert 'id="id_rader-0-period_total_error"' in response.content.decode()
    assert not FundingLine.objects.filter(agreement=agreement).exists()


def test_a_period_total_not_yet_split_is_a_gap_not_a_silent_print(world):
    agreement, town, _org, admin = world
    save(agreement, admin, party=town, kind="cash", period_total=1_800_000, shares={})
    document = agreement_document(agreement)
    assert "totalt 1 800 000 kr för perioden 2020-11-01 – 2023-10-31" in text_of(document)
    assert any("Fördelningen per år (0\xa0kr)" in w for w in document["warnings"])


# --- Amounts not yet known --------------------------------------------------------------------


def test_an_amount_not_yet_known_has_no_amounts(world):
    agreement, town, _org, admin = world
    with pytest.raises(DomainError, match="inte är fastställt"):
        save(agreement, admin, party=town, kind="cash", amount_pending=True, shares={2020: 1})


def test_an_amount_not_yet_known_is_a_gap_in_the_document_and_blocks_activation(world):
    agreement, town, org, admin = world
    make_line(agreement, org, {2020: 10_000})
    save(agreement, admin, party=town, kind="cash", purpose="Lokal", amount_pending=True)
    document = agreement_document(agreement)
    assert "Belopp ej fastställt för Kommun K Lokal" in document["warnings"]
    assert "[Belopp ej fastställt för Kommun K Lokal]" in text_of(document)
    approve(agreement, town)
    agreement.status = AgreementStatus.SIGNED
    agreement.save()
    with pytest.raises(DomainError, match="Belopp ej fastställt"):
        move_agreement(agreement=agreement, move="activate", by=admin)


def test_an_amount_not_yet_known_blocks_issuing_until_it_is_known(world):
    agreement, town, org, admin = world
    make_line(agreement, org, {2020: 10_000})
    save(agreement, admin, party=town, kind="cash", purpose="Lokal", amount_pending=True)
    with pytest.raises(DomainError, match="Belopp ej fastställt för Kommun K Lokal"):
        issue_document(agreement=agreement, kind=DocumentKind.AGREEMENT, by=admin)

    line = FundingLine.objects.get(agreement=agreement, party=town)
    agreement.refresh_from_db()
    save_funding(
        agreement=agreement,
        lines=[{"id": line.pk, "amount_pending": False, "shares": {2020: 5_000}}],
        version=agreement.funding_version,
        by=admin,
    )
    assert "Belopp ej fastställt" not in " ".join(agreement_document(agreement)["warnings"])


# --- Uplift rules -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "uppräknas enligt de regler som gäller för detta",
        "Uppräknas enligt de regler som gäller för detta.",
        "enligt de regler som gäller för detta",
        "de regler som gäller för detta",
    ],
)
def test_an_uplift_rule_naming_no_index_reads_as_one_swedish_sentence(world, typed):
    agreement, town, _org, admin = world
    save(
        agreement,
        admin,
        party=town,
        kind="cash",
        shares={2020: 1, 2021: 1, 2022: 1},
        uplift_rule_text=typed,
        uplift_first_year=2021,
    )
    text = text_of(agreement_document(agreement))
    assert (
        "Resursbidraget räknas upp enligt de regler som gäller för detta fr.o.m. 2021-11-01."
        in text
    )
    assert "enligt enligt" not in text and "..." not in text


def test_a_line_has_an_index_or_a_rule_without_one_never_both(world):
    agreement, town, *_ = world
    series = IndexSeries.objects.create(name="Omräkningstal")
    with pytest.raises(IntegrityError), transaction.atomic():
        FundingLine.objects.create(
            agreement=agreement,
            party=town,
            uplift_series=series,
            uplift_first_year=2021,
            uplift_basis="final",
            uplift_rule_text="de regler som gäller",
        )


def test_an_amount_not_yet_known_is_shown_as_such_and_marks_totals_incomplete(client, world):
    agreement, town, org, admin = world
    make_line(agreement, org, {2020: 10_000})
    save(agreement, admin, party=town, kind="cash", purpose="Lokal", amount_pending=True)
    client.force_login(admin)
    detail = client.get(agreement.get_absolute_url()).content.decode()
    assert "Belopp ej fastställt" in detail
    assert "Summorna är ofullständiga" in detail
    url = reverse("funding:organisation", args=[town.pk])
    overview = client.get(url).content.decode()
    assert "ofullständigt: 1 belopp ej fastställt" in overview
    assert "Ingen finansiering är registrerad" not in overview
    # The budget's own page shows the line as such.
    group = client.get(url, {"budget": ""}).content.decode()
    assert "Belopp ej fastställt" in group and "ofullständigt" in group


def test_open_data_says_when_an_active_agreements_amounts_are_incomplete(world):
    agreement, town, org, admin = world
    make_line(agreement, org, {2020: 10_000})
    agreement.status = AgreementStatus.ACTIVE
    agreement.save()
    (entry,) = public_summary(Agreement.objects.all(), today=date(2021, 1, 1))["agreements"]
    assert entry["amounts_complete"] is True
    assert entry["years"][0]["start"] == "2020-11-01"
    save(agreement, admin, party=town, kind="cash", amount_pending=True)
    (entry,) = public_summary(Agreement.objects.all(), today=date(2021, 1, 1))["agreements"]
    assert entry["amounts_complete"] is False


# --- Shares outside a changed period ---------------------------------------------------------


def test_shortening_the_period_flags_shares_outside_it_and_the_admin_removes_them(client, world):
    agreement, town, org, admin = world
    line = make_line(agreement, town, {2020: 1, 2021: 2, 2022: 3})
    other = make_line(agreement, org, {2022: 4})
    make_user("forening_admin", party=org, role="administrator")
    client.force_login(admin)
    edit = reverse("agreements:edit", args=[agreement.pk])
    shortened = posted_form(client.get(edit), edit) | {"period_end": "2022-10-31"}
    assert client.post(edit, shortened).status_code == 302
    agreement.refresh_from_db()
    assert [(s.line_id, s.year) for s in shares_outside_period(agreement)] == [
        (line.pk, 2022),
        (other.pk, 2022),
    ]
    detail = client.get(agreement.get_absolute_url()).content.decode()
    url = reverse("funding:outside_shares", args=[agreement.pk])
    assert "utanför överenskommelsens period (2022)" in detail and url in detail
    page = client.get(url)
    assert "Ta bort beloppen" in page.content.decode()
    assert Share.objects.count() == 4  # a GET deletes nothing
    response = client.post(url, {"version": agreement.funding_version})
    assert response.status_code == 302
    # Only the admin's own party's amount; the other party's is theirs to remove.
    assert sorted(Share.objects.values_list("line_id", "year")) == [
        (line.pk, 2020),
        (line.pk, 2021),
        (other.pk, 2022),
    ]


def test_removing_shares_outside_the_period_on_a_stale_page_deletes_nothing(world):
    agreement, town, _org, admin = world
    make_line(agreement, town, {2022: 3})
    agreement.period_end = date(2022, 10, 31)
    agreement.save()
    loaded = agreement.funding_version
    save(agreement, admin, party=town, kind="in_kind", shares={2021: 1})
    with pytest.raises(EditConflict, match="efter att du öppnade sidan"):
        remove_shares_outside_period(
            agreement=agreement, parties={town.pk}, version=loaded, by=admin
        )
    assert Share.objects.filter(year=2022).exists()


def test_a_stale_removal_shows_what_changed_and_a_second_confirmation_removes(client, world):
    agreement, town, org, admin = world
    line = make_line(agreement, town, {2021: 2, 2022: 3})
    agreement.period_end = date(2022, 10, 31)
    agreement.save()
    client.force_login(admin)
    url = reverse("funding:outside_shares", args=[agreement.pk])
    page = client.get(url)
    # Meanwhile the other party's administrator adds its line.
    save(
        agreement,
        make_user("f_admin", party=org, role="administrator"),
        party=org,
        kind="cash",
        purpose="Föreningens egen insats",
        shares={2021: 7},
    )

    response = client.post(url, posted_form(page, url))
    shown = response.content.decode()
    assert "Någon annan har sparat under tiden" in shown
    assert "Föreningens egen insats" in shown  # what they saved
    assert Share.objects.filter(line=line, year=2022).exists()  # nothing removed

    assert client.post(url, posted_form(response, url)).status_code == 302
    assert not Share.objects.filter(line=line, year=2022).exists()


# --- Payment plans ----------------------------------------------------------------------------


def test_the_paying_partys_admin_enters_a_payment_plan_paid_to_the_lines_receiver(client, world):
    agreement, town, org, admin = world
    line = make_line(agreement, town, {2020: 100_000}, receiver=org)
    client.force_login(admin)
    url = reverse("funding:plan", args=[line.pk])
    assert client.get(url).status_code == 200
    data = {
        "version": agreement.funding_version,
        "installments_per_year": 4,
        "first_month": 11,
        "due_day": 25,
        "bankgiro": "5050-1055",
        "reference": "IOP-7",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    plan = PaymentPlan.objects.get(line=line)
    assert (plan.installments_per_year, plan.first_month, plan.bankgiro) == (4, 11, "5050-1055")
    text = text_of(agreement_document(agreement))
    assert "Utbetalning ska ske till Förening F, bankgiro 5050-1055." in text
    # The same page loaded before that save is refused, not applied over it: the conflict
    # page shows what was saved, keeps what was typed, and a second save is deliberate.
    response = client.post(url, data | {"reference": "annan"})
    assert response.status_code == 400
    shown = response.content.decode()
    assert "Någon annan har sparat under tiden" in shown and "IOP-7" in shown
    assert PaymentPlan.objects.get(line=line).reference == "IOP-7"
    again = posted_form(response, url)
    assert again["reference"] == "annan"
    assert client.post(url, again).status_code == 302
    assert PaymentPlan.objects.get(line=line).reference == "annan"


def test_a_bad_bankgiro_is_refused_beside_its_field(client, world):
    agreement, town, org, admin = world
    line = make_line(agreement, town, {2020: 100_000}, receiver=org)
    client.force_login(admin)
    data = {"version": agreement.funding_version, "installments_per_year": 1, "first_month": 1}
    response = client.post(
        reverse("funding:plan", args=[line.pk]), data | {"due_day": 31, "bankgiro": "123"}
    )
    assert response.status_code == 400
    assert 'id="id_bankgiro_error"' in response.content.decode()
    assert not PaymentPlan.objects.exists()


def test_another_partys_admin_gets_403_on_a_lines_payment_plan(client, world):
    agreement, town, org, _admin = world
    line = make_line(agreement, town, {2020: 1}, receiver=org)
    client.force_login(make_user("forening_admin", party=org, role="administrator"))
    assert client.get(reverse("funding:plan", args=[line.pk])).status_code == 403
