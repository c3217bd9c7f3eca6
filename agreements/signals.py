"""Mark an agreement's stored due items stale when anything its deadlines depend on changes.

One UPDATE per save or delete; the items themselves are recomputed when next read
(agreements.services.due). Bulk writes that bypass signals call mark_changed themselves.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from funding.models import FundingLine, IndexValue, Payment, PaymentPlan, Share

from .models import (
    Agreement,
    AgreementParty,
    Decision,
    DecisionCondition,
    Meeting,
    Obligation,
    Report,
)
from .services.due import mark_changed


def _by_agreement(instance):
    return [instance.agreement_id]


def _by_line(instance):
    return FundingLine.objects.filter(pk=instance.line_id).values("agreement_id")


def _by_decision(decision):
    return Decision.agreements.through.objects.filter(decision_id=decision.pk).values(
        "agreement_id"
    )


AGREEMENT_OF = {
    Agreement: lambda agreement: [agreement.pk],
    # The items are stored once per party: a party added or removed changes who sees them.
    AgreementParty: _by_agreement,
    Obligation: _by_agreement,
    Report: _by_agreement,
    Meeting: _by_agreement,
    FundingLine: _by_agreement,
    Share: _by_line,
    PaymentPlan: _by_line,
    Payment: _by_line,
    Decision: _by_decision,
    DecisionCondition: lambda condition: _by_decision(condition.decision),
    IndexValue: lambda value: FundingLine.objects.filter(uplift_series_id=value.series_id).values(
        "agreement_id"
    ),
}


def _changed(sender, instance, **kwargs):
    if kwargs.get("raw"):  # loading fixtures
        return
    mark_changed(AGREEMENT_OF[sender](instance))


def _decision_agreements_changed(sender, instance, action, pk_set, **kwargs):
    if action.startswith("post_"):
        if isinstance(instance, Decision):
            mark_changed(pk_set if pk_set is not None else _by_decision(instance))
        else:
            mark_changed([instance.pk])


def connect():
    for model in AGREEMENT_OF:
        post_save.connect(_changed, sender=model, dispatch_uid=f"due-save-{model.__name__}")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"due-delete-{model.__name__}")
    m2m_changed.connect(
        _decision_agreements_changed,
        sender=Decision.agreements.through,
        dispatch_uid="due-decision-agreements",
    )
