"""The demo data holds the facts of the two seed documents."""

from datetime import date

import pytest
from django.core.management import call_command
from django.db.models import Sum

from agreements.models import (
    Agreement,
    AgreementParty,
    Decision,
    DecisionOutcome,
    Membership,
    Obligation,
    ObligationKind,
    Party,
    Role,
)
from funding.models import FundingLine, IndexValue, PaymentPlan, Share

pytestmark = pytest.mark.django_db


def vasterbotten():
    return Agreement.objects.get(parties__party__name="Region Västerbotten")


def skane_current():
    return Agreement.objects.get(parties__party__name="Region Skåne", period_start=date(2021, 1, 1))


def test_parties_carry_their_seed_numbers(demo):
    numbers = dict(Party.objects.values_list("name", "org_number"))
    assert numbers["Svenska Röda Korset"] == "802002-8711"
    assert numbers["Region Västerbotten"] == "232100-0222"
    assert numbers["Region Skåne"] == "232100-0255"
    assert numbers["Malmö stad"] == "212000-1124"
    srk = Party.objects.get(org_number="802002-8711")
    assert srk.postal_address == "Box 17 563, 118 91 Stockholm"
    assert srk.bankgiro == "403-4849"
    assert Party.objects.get(org_number="232100-0222").postal_address == "901 89 Umeå"


def test_vasterbotten_period_notice_and_signatories(demo):
    agreement = vasterbotten()
    assert (agreement.period_start, agreement.period_end) == (date(2026, 1, 1), date(2028, 12, 31))
    assert agreement.notice_months == 9
    assert agreement.signed_digitally
    signatories = {
        (s.name, s.title, ap.party.name)
        for ap in agreement.parties.all()
        for s in ap.signatories.all()
    }
    assert signatories == {
        ("Pia Näsvall", "Hälso- och sjukvårdsdirektör", "Region Västerbotten"),
        ("Ulrika Wickman", "Avdelningschef Hälsa och vård", "Svenska Röda Korset"),
        ("Ulrika Modéer", "Generalsekreterare", "Svenska Röda Korset"),
    }
    headings = list(agreement.sections.values_list("heading", flat=True))
    assert headings[0] == "Bakgrund" and headings[-1] == "Vårdgivaransvar"
    assert "Särskilt sårbara grupper" in headings and len(headings) == 9


def test_vasterbotten_funding_uplift_and_payment_plan(demo):
    line = FundingLine.objects.get(agreement=vasterbotten())
    assert line.party.name == "Region Västerbotten"
    assert dict(line.shares.values_list("year", "amount")) == {
        2026: 1_726_000,
        2027: 1_726_000,
        2028: 1_726_000,
    }
    assert line.uplift_series.name == "LPIK exklusive läkemedel"
    assert (line.uplift_first_year, line.uplift_basis, line.uplift_published_month) == (
        2027,
        "preliminary",
        10,
    )
    plan = PaymentPlan.objects.get(line=line)
    assert (plan.bankgiro, plan.reference, plan.first_month, plan.installments_per_year) == (
        "403-4849",
        "825-V10050",
        1,
        1,
    )
    assert plan.line.receiver.name == "Svenska Röda Korset"
    # Example index values are labelled as such, never passed off as published.
    assert all("Exempelvärde" in v.source for v in IndexValue.objects.all())


def test_vasterbotten_obligations(demo):
    obligations = {o.kind: o for o in Obligation.objects.filter(agreement=vasterbotten())}
    annual = obligations[ObligationKind.ANNUAL_REPORT]
    assert (annual.due_before_month, annual.due_before_day) == (3, 1)
    assert annual.parts == [
        "verksamhetsberättelse",
        "verksamhetsplan",
        "patientsäkerhetsberättelse",
    ]
    assert annual.recipient.name == "Region Västerbotten"
    assert annual.responsible.name == "Svenska Röda Korset"
    assert obligations[ObligationKind.TERTIAL_REPORT].responsible.name == "Svenska Röda Korset"
    assert obligations[ObligationKind.MEETINGS].responsible.name == "Svenska Röda Korset"


def test_skane_yearly_total_is_1070000_from_three_shares(demo):
    agreement = skane_current()
    for year in range(2021, 2025):
        shares = Share.objects.filter(line__agreement=agreement, year=year)
        assert shares.count() == 3
        assert shares.aggregate(total=Sum("amount"))["total"] == 1_070_000
    by_party = dict(
        Share.objects.filter(line__agreement=agreement, year=2021).values_list(
            "line__party__name", "amount"
        )
    )
    assert by_party == {
        "Region Skåne": 400_000,
        "Malmö stad": 400_000,
        "Svenska Röda Korset": 270_000,
    }
    budget = FundingLine.objects.get(agreement=agreement, party__name="Region Skåne").budget
    assert budget == "hälso- och sjukvårdsnämndens budget för övrig hälso- och sjukvård"


def test_skane_is_three_party_with_extension_option_and_targets(demo):
    agreement = skane_current()
    assert AgreementParty.objects.filter(agreement=agreement).count() == 3
    assert agreement.extension_months == 24
    assert (agreement.period_start, agreement.period_end) == (date(2021, 1, 1), date(2024, 12, 31))
    meetings = Obligation.objects.get(agreement=agreement, kind=ObligationKind.MEETINGS)
    assert meetings.min_per_year == 2
    targets = {(t.description, t.quantity, t.approximate) for t in agreement.capacity_targets.all()}
    assert targets == {("barn", 70, True), ("föräldrar", 40, True)}


def test_skane_predecessor_chain_has_three_links(demo):
    agreement = skane_current()
    chain = [agreement] + agreement.predecessor_chain()
    assert [(a.period_start.year, a.period_end.year) for a in chain] == [
        (2021, 2024),
        (2019, 2020),
        (2016, 2018),
    ]
    assert [a.predecessor_relation for a in chain] == ["continues", "extends", ""]


def test_skane_decisions_and_history(demo):
    proposal = Decision.objects.get(
        outcome=DecisionOutcome.PROPOSED, organisation__name="Region Skåne"
    )
    assert proposal.body == "Hälso- och sjukvårdsnämnden"
    assert proposal.proposal_date == date(2020, 2, 5)
    assert (proposal.case_officer_name, proposal.case_officer_email) == (
        "Bim Soerich",
        "Bim.Soerich@skane.se",
    )
    assert (proposal.chair_name, proposal.director_name) == ("Gilbert Tribo", "Pia Lundbom")
    assert proposal.document_identifier.startswith("C9A9AF79-D0AD-144A-6B9B-AB69B1378E63:")
    item = proposal.items.get(number=1)
    assert "400 000 kronor per år under 2021-2024" in item.text
    assert [d.title for d in proposal.case_documents.all()] == [
        "Beslutsförslag 2020-02-05",
        "Bilaga IOP Röda Korset 2021-2024",
    ]
    condition = proposal.conditions.get()
    assert condition.party.name == "Malmö stad" and not condition.is_met
    cited = sorted((d.body, d.reference) for d in proposal.cites.all())
    assert cited == [
        ("Hälso- och sjukvårdsnämnden", "2012-12-10"),
        ("Hälso- och sjukvårdsnämnden", "2015-12-02 § 190"),
        ("Hälso- och sjukvårdsnämnden", "2018-03-01 § 15"),
        ("Regionfullmäktige", "2010-06-29 § 57"),
    ]


def test_demo_rows_pass_full_clean(demo):
    from django.apps import apps

    for model in list(apps.get_app_config("agreements").get_models()) + list(
        apps.get_app_config("funding").get_models()
    ):
        if model.__name__.startswith("Historical"):
            continue
        for obj in model.objects.all():
            obj.full_clean()


def test_demo_users_and_roles(demo):
    roles = set(Membership.objects.values_list("user__username", "party__name", "role"))
    assert roles == {
        ("region.vasterbotten", "Region Västerbotten", Role.ADMINISTRATOR),
        ("region.skane", "Region Skåne", Role.ADMINISTRATOR),
        ("rodakorset", "Svenska Röda Korset", Role.COORDINATOR),
        ("sekreterare.skane", "Region Skåne", Role.SECRETARY),
    }


def test_load_demo_twice_changes_nothing(settings, django_user_model):
    settings.DEBUG = True
    call_command("load_demo")
    from django.apps import apps

    def counts():
        return {m.__name__: m.objects.count() for m in apps.get_models()}

    before = counts()
    call_command("load_demo")
    assert counts() == before
    assert django_user_model.objects.get(username="admin").check_password("iop-demo")


def test_load_demo_refuses_without_debug(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo")
    assert not Agreement.objects.exists()
    call_command("load_demo", "--force")
    assert Agreement.objects.count() == 4
