"""The write services take plain data: an import or an API calls them as the pages do, without
any form."""

from datetime import date

import pytest

from agreements.models import Agreement, AgreementParty, PartyRole
from agreements.services import DomainError
from agreements.services.conflicts import EditConflict
from agreements.services.editing import save_agreement
from funding.models import FundingLine, Share
from funding.services import change_payment, save_funding
from tests.factories import make_line, make_party, make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def test_an_agreement_is_created_with_its_parties_from_plain_data(world):
    admin = world.users["admin"]
    agreement = save_agreement(
        details={
            "title": "Importerad",
            "period_start": date(2027, 1, 1),
            "period_end": date(2028, 12, 31),
        },
        parties=[
            {"id": None, "party": world.a, "role": PartyRole.PUBLIC},
            {"id": None, "party": world.b.pk, "role": PartyRole.NONPROFIT, "unit": "Umeå"},
        ],
        by=admin,
    )
    agreement = Agreement.objects.get(pk=agreement.pk)
    assert (agreement.title, agreement.version) == ("Importerad", 1)
    rows = {ap.party_id: ap for ap in agreement.parties.all()}
    assert set(rows) == {world.a.pk, world.b.pk} and rows[world.b.pk].unit == "Umeå"
    assert agreement.history.get().history_user == admin
    assert rows[world.b.pk].history.get().history_user == admin


def test_details_and_party_rows_are_changed_added_and_removed_from_plain_data(world):
    agreement = world.own["agreement"]
    b_row = AgreementParty.objects.get(agreement=agreement, party=world.b)
    extra = make_party("Förening F")
    save_agreement(
        agreement=agreement,
        details={"title": "Ny titel", "notice_months": 6},
        parties=[
            {"id": b_row.pk, "party": world.b, "role": PartyRole.NONPROFIT, "unit": "Skellefteå"},
            {"id": None, "party": extra, "role": PartyRole.OTHER},
        ],
        version=1,
        by=world.users["admin"],
    )
    agreement.refresh_from_db()
    assert (agreement.title, agreement.notice_months, agreement.version) == ("Ny titel", 6, 2)
    assert AgreementParty.objects.get(pk=b_row.pk).unit == "Skellefteå"
    assert agreement.parties.filter(party=extra).exists()

    save_agreement(
        agreement=agreement,
        details={},
        parties=[{"id": agreement.parties.get(party=extra).pk, "delete": True}],
        version=2,
        by=world.users["admin"],
    )
    assert not agreement.parties.filter(party=extra).exists()


def test_a_stale_plain_data_save_is_refused_with_the_values_to_keep(world):
    agreement = world.own["agreement"]
    admin = world.users["admin"]
    save_agreement(agreement=agreement, details={"title": "Först"}, parties=[], version=1, by=admin)
    with pytest.raises(EditConflict) as caught:
        save_agreement(
            agreement=agreement,
            details={"title": "Vår överenskommelse", "notice_months": 3},
            parties=[],
            version=1,
            by=admin,
        )
    # The other's title wins where this save left the title as it was loaded.
    assert caught.value.overrides == {(None, "title"): "Först"}
    assert caught.value.current_version == 2
    assert Agreement.objects.get(pk=agreement.pk).notice_months is None


def test_funding_lines_and_shares_are_saved_from_plain_data(world):
    agreement = world.own["agreement"]
    admin = world.users["admin"]
    save_funding(
        agreement=agreement,
        lines=[
            {
                "id": None,
                "party": world.a,
                "kind": "cash",
                "purpose": "Import",
                "budget": "HSN",
                "shares": {2026: 100, 2027: 200},
            }
        ],
        version=1,
        by=admin,
    )
    line = FundingLine.objects.get(agreement=agreement, purpose="Import")
    assert dict(line.shares.values_list("year", "amount")) == {2026: 100, 2027: 200}
    assert agreement.funding_version == 2

    save_funding(
        agreement=agreement,
        lines=[{"id": line.pk, "budget": "RS", "shares": {2026: None, 2027: 250, 2028: 300}}],
        version=2,
        by=admin,
    )
    line.refresh_from_db()
    assert (line.budget, line.purpose) == ("RS", "Import")
    assert dict(line.shares.values_list("year", "amount")) == {2027: 250, 2028: 300}

    save_funding(agreement=agreement, lines=[{"id": line.pk, "delete": True}], version=3, by=admin)
    assert not FundingLine.objects.filter(pk=line.pk).exists()


def test_a_share_outside_the_period_is_refused_and_nothing_is_saved(world):
    agreement = world.own["agreement"]
    line = make_line(agreement, world.b, {2026: 100}, purpose="Stöd")
    with pytest.raises(DomainError):
        save_funding(
            agreement=agreement,
            lines=[{"id": line.pk, "shares": {2026: 500, 2031: 100}}],
            version=1,
            by=world.users["admin"],
        )
    assert Share.objects.get(line=line).amount == 100
    assert Agreement.objects.get(pk=agreement.pk).funding_version == 1


def test_a_stale_funding_save_names_the_amount_to_keep_by_line_and_year(world):
    agreement = world.own["agreement"]
    line = make_line(agreement, world.b, {}, purpose="Stöd")
    Share.objects.create(line=line, year=2027, amount=200)
    admin = world.users["admin"]
    save_funding(
        agreement=agreement, lines=[{"id": line.pk, "shares": {2027: 250}}], version=1, by=admin
    )
    with pytest.raises(EditConflict) as caught:
        save_funding(
            agreement=agreement,
            lines=[
                {
                    "id": line.pk,
                    "party": world.b,
                    "kind": "cash",
                    "purpose": "Stöd",
                    "budget": "HSN",
                    "shares": {2027: 200},
                }
            ],
            version=1,
            by=admin,
        )
    assert caught.value.overrides == {(line.pk, "amount_2027"): "250"}
    line.refresh_from_db()
    assert line.budget == ""


def test_obligations_and_targets_are_saved_from_plain_data(world):
    from agreements.models import ObligationKind
    from agreements.services.editing import save_obligations

    agreement = world.own["agreement"]
    save_obligations(
        agreement=agreement,
        obligations=[
            {
                "id": None,
                "kind": ObligationKind.ANNUAL_REPORT,
                "responsible": world.b,
                "recipient": world.a,
                "parts": ["verksamhetsberättelse"],
                "due_before_month": 3,
                "due_before_day": 31,
            }
        ],
        targets=[{"id": None, "description": "barn", "quantity": 70}],
        version=1,
        by=world.users["admin"],
    )
    annual = agreement.obligations.get(kind=ObligationKind.ANNUAL_REPORT)
    assert (annual.responsible, annual.parts) == (world.b, ["verksamhetsberättelse"])
    target = agreement.capacity_targets.get()
    assert (target.description, target.quantity) == ("barn", 70)

    save_obligations(
        agreement=agreement,
        obligations=[{"id": annual.pk, "delete": True}],
        targets=[{"id": target.pk, "quantity": 80}],
        version=2,
        by=world.users["admin"],
    )
    assert not agreement.obligations.filter(pk=annual.pk).exists()
    target.refresh_from_db()
    assert (target.description, target.quantity) == ("barn", 80)


def test_a_proposal_is_prepared_and_changed_with_its_rows_from_plain_data(world):
    from agreements.models import DecisionOutcome
    from agreements.services.lifecycle import change_proposal, prepare_proposal

    secretary = world.users["secretary"]
    decision = prepare_proposal(
        agreement=world.own["agreement"],
        organisation=world.a,
        by=secretary,
        title="Förslag",
        items=[{"id": None, "number": 1, "text": "Godkänna överenskommelsen."}],
        case_documents=[{"id": None, "number": 1, "title": "Överenskommelse"}],
        conditions=[{"id": None, "party": world.b, "body": "Styrelsen godkänner."}],
    )
    assert decision.outcome == DecisionOutcome.PROPOSED
    item = decision.items.get()
    assert (item.number, decision.case_documents.get().title) == (1, "Överenskommelse")
    assert decision.conditions.get().party == world.b

    change_proposal(
        decision=decision,
        version=1,
        by=secretary,
        title="Ändrat förslag",
        items=[
            {"id": item.pk, "text": "Godkänna."},
            {"id": None, "number": 2, "text": "Uppdra åt direktören."},
        ],
    )
    decision.refresh_from_db()
    assert decision.title == "Ändrat förslag"
    assert {h.history_user for h in decision.history.all()} == {secretary}
    assert list(decision.items.order_by("number").values_list("text", flat=True)) == [
        "Godkänna.",
        "Uppdra åt direktören.",
    ]


def test_a_decided_proposal_is_not_changed(world):
    from agreements.models import DecisionOutcome
    from agreements.services.lifecycle import change_proposal

    decision = world.own["decision"]
    decision.outcome = DecisionOutcome.APPROVED
    decision.save()
    with pytest.raises(DomainError, match="förslaget kan inte längre ändras"):
        change_proposal(decision=decision, version=1, by=world.users["secretary"], title="Sent")


def test_a_payer_that_is_not_a_party_is_refused_without_a_form(world):
    agreement = world.own["agreement"]
    with pytest.raises(DomainError, match="part"):
        save_funding(
            agreement=agreement,
            lines=[{"id": None, "party": world.c, "kind": "cash", "shares": {2026: 100}}],
            version=1,
            by=world.users["admin"],
        )
    assert not FundingLine.objects.filter(agreement=agreement, party=world.c).exists()


def test_a_negative_share_is_refused_with_the_models_message(world):
    agreement = world.own["agreement"]
    line = make_line(agreement, world.b, {2026: 100}, purpose="Stöd")
    with pytest.raises(DomainError, match="Beloppet kan inte vara negativt"):
        save_funding(
            agreement=agreement,
            lines=[{"id": line.pk, "shares": {2026: -5}}],
            version=1,
            by=world.users["admin"],
        )
    assert Share.objects.get(line=line).amount == 100


def test_an_agreement_ending_before_it_starts_is_refused_without_a_form(world):
    agreement = world.own["agreement"]
    with pytest.raises(DomainError) as caught:
        save_agreement(
            agreement=agreement,
            details={"period_start": date(2027, 1, 1), "period_end": date(2026, 1, 1)},
            parties=[],
            version=1,
            by=world.users["admin"],
        )
    assert "samtidigt" not in str(caught.value)
    assert Agreement.objects.get(pk=agreement.pk).version == 1


def test_a_payment_is_not_moved_to_another_agreements_line(world):
    payment = world.own["payment"]
    with pytest.raises(DomainError):
        change_payment(
            payment=payment,
            version=1,
            line=world.other["line"],
            year=payment.year,
            paid_on=payment.paid_on,
            amount=payment.amount,
            by=world.users["admin"],
        )
    payment.refresh_from_db()
    assert payment.line.agreement_id == world.own["agreement"].pk
