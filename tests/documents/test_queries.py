"""Building a document's data costs the same number of queries for few rows as for many."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.documents import agreement_document, proposal_document
from agreements.models import (
    CaseDocument,
    Decision,
    DecisionCondition,
    DecisionItem,
    ResourceContribution,
    Signatory,
)
from funding.models import PaymentPlan
from tests.factories import make_agreement, make_line, make_party

from .helpers import in_order

pytestmark = pytest.mark.django_db


def build_case(n):
    parties = [make_party(kind="region")] + [make_party() for _ in range(n)]
    agreement = make_agreement(*parties, notice_months=6)
    previous = make_agreement(*parties[:2])
    agreement.predecessor, agreement.predecessor_relation = previous, "continues"
    agreement.save()
    for position, agreement_party in enumerate(agreement.parties.all()):
        Signatory.objects.create(agreement_party=agreement_party, name="N", title="T")
        ResourceContribution.objects.create(
            agreement_party=agreement_party, position=position, description="Lokaler."
        )
        amounts = {2026: 1000, 2027: 1000, 2028: 1000}
        line = make_line(agreement, agreement_party.party, amounts, receiver=parties[-1])
        PaymentPlan.objects.create(line=line, bankgiro="403-4849")
    decision = Decision.objects.create(organisation=parties[0], body="Regionstyrelsen")
    decision.agreements.add(agreement)
    for i in range(1, n + 2):
        DecisionItem.objects.create(decision=decision, number=i, text="Punkt.")
        CaseDocument.objects.create(decision=decision, number=i, title="Bilaga")
        DecisionCondition.objects.create(decision=decision, party=parties[i % len(parties)])
        cited = Decision.objects.create(organisation=parties[0], body="Nämnden", summary="att")
        cited.agreements.add(previous)
        decision.cites.add(cited)
    return agreement, decision


def count(build):
    with CaptureQueriesContext(connection) as queries:
        build()
    return len(queries)


def test_agreement_document_queries_do_not_grow_with_rows():
    small, _ = build_case(1)
    large, _ = build_case(6)
    few = count(lambda: agreement_document(type(small).objects.get(pk=small.pk)))
    many = count(lambda: agreement_document(type(large).objects.get(pk=large.pk)))
    assert few == many


def test_proposal_document_queries_do_not_grow_with_rows():
    _, small = build_case(1)
    _, large = build_case(6)
    few = count(lambda: proposal_document(Decision.objects.get(pk=small.pk)))
    many = count(lambda: proposal_document(Decision.objects.get(pk=large.pk)))
    assert few == many


def test_agreement_rows_are_read_without_joining_the_agreement():
    agreement, _ = build_case(3)
    with CaptureQueriesContext(connection) as queries:
        agreement_document(type(agreement).objects.get(pk=agreement.pk))
    # Only the agreement's own query reads its table; the rows under it order by position.
    assert [q["sql"] for q in queries if '"agreements_agreement"' in q["sql"]] == [
        queries[0]["sql"]
    ]


def test_agreement_rows_keep_their_positions():
    region, first, second = make_party("Region Öst", kind="region"), make_party(), make_party()
    agreement = make_agreement(region, first, second)
    # Positions run against the ids, so an order by id or by creation would show.
    for position, heading in [(2, "Tredje"), (1, "Andra"), (0, "Bakgrund")]:
        agreement.sections.create(position=position, heading=heading, body="Text.")
    parties = list(agreement.parties.order_by("position"))
    for agreement_party in parties:
        agreement_party.position = 2 - agreement_party.position
        agreement_party.save()
        for position in (1, 0):
            name = f"{agreement_party.party.name} {position}"
            agreement_party.signatories.create(name=name, title="T", position=position)
            agreement_party.contributions.create(position=position, description=f"{name}.")
    make_line(agreement, region, {2028: 3, 2026: 1, 2027: 2}, purpose="B", position=1)
    make_line(agreement, region, {2026: 5}, purpose="A", position=0)

    document = agreement_document(type(agreement).objects.get(pk=agreement.pk))

    names = [p.party.name for p in reversed(parties)]
    assert [p["name"] for p in document["parties"]] == names
    assert [c["heading"].removesuffix("s resursbidrag") for c in document["contributions"]] == names
    sections = document["lead_sections"] + document["sections"]
    assert [heading for heading, _ in sections] == ["Bakgrund", "Andra", "Tredje"]
    assert [s["name"] for s in document["signatories"]] == [
        f"{name} {position}" for name in names for position in (0, 1)
    ]
    region_items = document["contributions"][-1]["items"]
    assert [item.split(" med ")[0] for item in region_items[:2]] == ["A", "B"]
    assert in_order(region_items[1], ["1\xa0kr 2026", "2\xa0kr 2027", "3\xa0kr 2028"])
    assert region_items[2:] == ["Region Öst 0.", "Region Öst 1."]
    assert [s["name"] for s in document["signatories"]] == [
        f"{name} {position}" for name in names for position in (0, 1)
    ]
