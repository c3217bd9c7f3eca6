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
        line = make_line(agreement, agreement_party.party, {2026: 1000, 2027: 1000, 2028: 1000})
        PaymentPlan.objects.create(line=line, payee=parties[-1], bankgiro="403-4849")
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
