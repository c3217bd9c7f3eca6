"""Bad input is refused with a clear Swedish message at the model level; nothing saved changes."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from agreements.models import Agreement, Party, PartyKind
from funding.models import FundingLine, PaymentPlan, Share
from tests.factories import make_agreement, make_line, make_party

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def swedish():
    with translation.override("sv"):
        yield


def messages(exc):
    return " ".join(m for msgs in exc.message_dict.values() for m in msgs)


def test_org_number_with_wrong_check_digit_is_refused():
    party = Party(name="Fel", kind=PartyKind.NONPROFIT, org_number="802002-8712")
    with pytest.raises(ValidationError) as exc:
        party.full_clean()
    assert "kontrollsiffran stämmer inte" in messages(exc.value)
    assert "org_number" in exc.value.message_dict


# A personnummer, the same with the century, and a samordningsnummer (birth day plus 60): each
# passes the organisation number's check digit.
PERSONAL_NUMBERS = ["880320-0016", "8803200016", "19880320-0016", "880380-0013"]


@pytest.mark.parametrize("number", PERSONAL_NUMBERS)
def test_a_persons_number_is_refused_as_org_number(number):
    party = Party(name="Kim Andersson", kind=PartyKind.NONPROFIT, org_number=number)
    with pytest.raises(ValidationError) as exc:
        party.full_clean()
    assert exc.value.message_dict["org_number"] == [
        "Numret är ett personnummer, inte ett organisationsnummer. En part i en IOP är en "
        "organisation: ange organisationens nummer."
    ]
    assert "0016" not in messages(exc.value)  # the message does not repeat a person's number


@pytest.mark.parametrize("number", ["802002-8711", "232100-0222", "212000-1124"])
def test_organisation_numbers_are_not_taken_for_personal_numbers(number):
    Party(name="Organisation", kind=PartyKind.NONPROFIT, org_number=number).full_clean()


@pytest.mark.parametrize("raw", ["802002–8711", "8020028711", " 802002-8711 "])
def test_org_number_is_normalised_on_save(raw):
    party = Party(name="Svenska Röda Korset", kind=PartyKind.NONPROFIT, org_number=raw.strip())
    party.full_clean()
    party.save()
    assert Party.objects.get().org_number == "802002-8711"


def test_same_org_number_twice_is_refused():
    Party.objects.create(name="A", kind=PartyKind.REGION, org_number="232100-0222")
    with pytest.raises(ValidationError) as exc:
        Party(name="B", kind=PartyKind.REGION, org_number="232100-0222").full_clean()
    assert "org_number" in exc.value.message_dict


def test_bankgiro_with_wrong_check_digit_is_refused():
    party = Party(
        name="SRK", kind=PartyKind.NONPROFIT, org_number="802002-8711", bankgiro="403-4848"
    )
    with pytest.raises(ValidationError) as exc:
        party.full_clean()
    assert "bankgironummer" in messages(exc.value)
    party.bankgiro = "4034849"
    party.full_clean()
    party.save()
    assert Party.objects.get().bankgiro == "403-4849"


def test_payment_plan_bankgiro_is_checked():
    srk = make_party()
    region = make_party(kind=PartyKind.REGION)
    agreement = make_agreement(region, srk)
    line = make_line(agreement, region, {2026: 100}, receiver=srk)
    plan = PaymentPlan(line=line, bankgiro="123-4567")
    with pytest.raises(ValidationError) as exc:
        plan.full_clean()
    assert "bankgiro" in exc.value.message_dict


def test_end_before_start_is_refused():
    agreement = Agreement(title="X", period_start=date(2026, 1, 1), period_end=date(2025, 12, 31))
    with pytest.raises(ValidationError) as exc:
        agreement.full_clean()
    assert "Slutdatum kan inte ligga före startdatum." in str(exc.value)


def test_agreements_of_one_case_share_its_case_number():
    make_agreement(case_number="HSN 2020/123", title="Första")
    second = Agreement(
        title="Andra",
        case_number="HSN 2020/123",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
    )
    second.full_clean()
    second.save()
    assert Agreement.objects.filter(case_number="HSN 2020/123").count() == 2


def test_agreements_without_case_number_do_not_collide():
    make_agreement()
    Agreement(
        title="Utan dnr", period_start=date(2026, 1, 1), period_end=date(2026, 12, 31)
    ).full_clean()


def test_negative_share_is_refused():
    region = make_party(kind=PartyKind.REGION)
    agreement = make_agreement(region, make_party())
    line = make_line(agreement, region, {})
    with pytest.raises(ValidationError) as exc:
        Share(line=line, year=2026, amount=-1).full_clean()
    assert "Beloppet kan inte vara negativt." in str(exc.value)


def test_share_outside_period_is_refused():
    region = make_party(kind=PartyKind.REGION)
    agreement = make_agreement(region, make_party(), start=date(2026, 1, 1), end=date(2028, 12, 31))
    line = make_line(agreement, region, {})
    with pytest.raises(ValidationError) as exc:
        Share(line=line, year=2029, amount=5).full_clean()
    assert "utanför överenskommelsens period" in messages(exc.value)


def test_share_for_organisation_not_party_is_refused():
    region = make_party(kind=PartyKind.REGION)
    outsider = make_party(kind=PartyKind.MUNICIPALITY)
    agreement = make_agreement(region, make_party())
    line = FundingLine(agreement=agreement, party=outsider)
    with pytest.raises(ValidationError) as exc:
        line.full_clean()
    assert "Organisationen är inte part i överenskommelsen." in messages(exc.value)


def test_duplicate_share_for_same_party_year_and_kind_is_refused():
    region = make_party(kind=PartyKind.REGION)
    agreement = make_agreement(region, make_party())
    line = make_line(agreement, region, {2026: 400_000})
    with pytest.raises(ValidationError) as exc:
        Share(line=line, year=2026, amount=1).full_clean()
    assert "Det finns redan en andel" in str(exc.value)
    with pytest.raises(ValidationError):
        FundingLine(agreement=agreement, party=region).full_clean()
    assert Share.objects.get(line=line).amount == 400_000


def test_two_lines_with_different_purposes_are_not_duplicates():
    region = make_party(kind=PartyKind.REGION)
    agreement = make_agreement(region, make_party())
    make_line(agreement, region, {2026: 400_000}, purpose="IOP")
    second = FundingLine(agreement=agreement, party=region, purpose="Tidigare föreningsbidrag")
    second.full_clean()
    second.save()
    Share(line=second, year=2026, amount=150_000).full_clean()


def test_annual_report_obligation_needs_its_date():
    from agreements.models import Obligation, ObligationKind

    srk = make_party()
    agreement = make_agreement(make_party(kind=PartyKind.REGION), srk)
    obligation = Obligation(agreement=agreement, kind=ObligationKind.ANNUAL_REPORT, responsible=srk)
    with pytest.raises(ValidationError) as exc:
        obligation.full_clean()
    assert "due_before_month" in exc.value.message_dict


@pytest.mark.parametrize("who", ["outsider", "payer"])
def test_a_receiver_outside_the_agreement_or_the_payer_itself_is_refused(who):
    region = make_party(kind=PartyKind.REGION)
    outsider = make_party()
    agreement = make_agreement(region, make_party())
    line = FundingLine(agreement=agreement, party=region)
    line.receiver = outsider if who == "outsider" else region
    with pytest.raises(ValidationError) as exc:
        line.full_clean()
    assert list(exc.value.message_dict) == ["receiver"]
