"""Mark an agreement's stored due items stale when anything its deadlines depend on changes.

One UPDATE per save or delete; the items themselves are recomputed when next read
(agreements.due.store). Bulk writes that bypass signals call mark_changed themselves.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from funding.models import FundingLine, IndexValue, Payment, PaymentPlan, Share

from ..models import (
    Agreement,
    AgreementParty,
    Decision,
    DecisionCondition,
    DueItem,
    DueOverride,
    DueState,
    Meeting,
    Obligation,
    Party,
    Report,
)


def mark_changed(agreement_ids, *, create=False):
    """Something the deadlines of these agreements depend on changed (ids or a subquery).

    create (for a list of saved agreements' ids): give an agreement without one a state row,
    so that a refresh running at the same time waits for this change to commit.
    """
    if create:
        DueState.objects.bulk_create(
            [DueState(agreement_id=pk) for pk in agreement_ids], ignore_conflicts=True
        )
    DueState.objects.filter(agreement_id__in=agreement_ids).update(dirty=True)


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
    DueOverride: _by_agreement,
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


def _agreement_saved(sender, instance, raw=False, **kwargs):
    # Loaded from a fixture too: every agreement has a state row, which the dashboard's check
    # reads (agreements.due.store.refresh_marked).
    mark_changed([instance.pk], create=True)


def _agreement_party_changed(sender, instance, raw=False, **kwargs):
    """A party removed from the agreement (or replaced) stops seeing its items at once: its
    rows go now, not when someone who still sees the agreement next reads the dashboard."""
    if raw:
        return
    current = AgreementParty.objects.filter(agreement_id=instance.agreement_id).values("party_id")
    DueItem.objects.filter(agreement_id=instance.agreement_id, party__isnull=False).exclude(
        party_id__in=current
    ).delete()


def _decision_deleting(sender, instance, **kwargs):
    """Before a decision goes: its links (deleted first) and the conditions it met (set to
    NULL without a signal) name the agreements whose items change."""
    mark_changed(
        list(_by_decision(instance).values_list("agreement_id", flat=True))
        + list(
            Decision.agreements.through.objects.filter(
                decision__conditions__satisfied_by=instance
            ).values_list("agreement_id", flat=True)
        )
    )


def _party_saved(sender, instance, raw=False, **kwargs):
    # Item titles name parties (whose decision is awaited, who pays).
    if not raw:
        mark_changed(AgreementParty.objects.filter(party=instance).values("agreement_id"))


def _decision_agreements_changed(sender, instance, action, pk_set, reverse, **kwargs):
    if action not in ("pre_clear", "post_add", "post_remove"):
        return
    if reverse:  # agreement.decisions.…: the agreement itself
        mark_changed([instance.pk])
    elif action == "pre_clear":  # while the links are still there
        mark_changed(list(_by_decision(instance).values_list("agreement_id", flat=True)))
    else:
        mark_changed(list(pk_set))


def connect():
    for model in AGREEMENT_OF:
        if model is not Agreement:
            post_save.connect(_changed, sender=model, dispatch_uid=f"due-save-{model.__name__}")
        if model not in (Agreement, Decision):
            post_delete.connect(_changed, sender=model, dispatch_uid=f"due-delete-{model.__name__}")
    # A deleted agreement takes its items and state with it.
    post_save.connect(_agreement_saved, sender=Agreement, dispatch_uid="due-save-Agreement")
    pre_delete.connect(_decision_deleting, sender=Decision, dispatch_uid="due-delete-Decision")
    post_save.connect(_party_saved, sender=Party, dispatch_uid="due-save-Party")
    for signal in (post_save, post_delete):
        signal.connect(
            _agreement_party_changed,
            sender=AgreementParty,
            dispatch_uid=f"due-parties-{signal is post_save}",
        )
    m2m_changed.connect(
        _decision_agreements_changed,
        sender=Decision.agreements.through,
        dispatch_uid="due-decision-agreements",
    )
