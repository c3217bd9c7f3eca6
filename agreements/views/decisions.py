"""Decisions: list, detail, prepare a proposal, record what the body decided."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from agreements.access import (
    SECRETARY,
    agreements_decision_may_cover,
    decisions_visible_to,
    get_agreement_for,
    get_decision_for,
    is_secretary_of,
    proposal_organisations_for,
)
from agreements.forms import (
    CaseDocumentFormSet,
    ConditionFormSet,
    DecisionItemFormSet,
    NewProposalForm,
    ProposalAgreementsForm,
    RecordDecisionForm,
)
from agreements.models import Agreement, DecisionOutcome, Party
from agreements.services import DomainError
from agreements.services.lifecycle import change_proposal, prepare_proposal, record_decision

from ._common import paginate


@login_required
@require_GET
def decision_list(request):
    decisions = (
        decisions_visible_to(request.user)
        .select_related("organisation")
        .prefetch_related(Prefetch("agreements", queryset=Agreement.objects.only("id", "title")))
        .order_by("-decided_on", "-proposal_date", "-id")
    )
    return render(request, "agreements/decision_list.html", {"page": paginate(request, decisions)})


@login_required
@require_GET
def decision_detail(request, pk):
    decision = get_decision_for(request.user, pk)
    documents = [
        (_("Beslutsförslaget (förhandsvisning)"), reverse("documents:proposal_preview", args=[pk])),
        (_("Beslutsförslaget (PDF)"), reverse("documents:proposal_pdf", args=[pk])),
    ]
    return render(
        request,
        "agreements/decision_detail.html",
        {
            "decision": decision,
            "agreements": decision.agreements.all(),
            "items": decision.items.all(),
            "case_documents": decision.case_documents.all(),
            "conditions": decision.conditions.select_related("party", "satisfied_by"),
            "cites": decision.cites.all(),
            "is_secretary": is_secretary_of(request.user, decision),
            "is_proposal": decision.outcome == DecisionOutcome.PROPOSED,
            "documents": documents,
        },
    )


def _formsets(data, decision, parties):
    return (
        DecisionItemFormSet(data, instance=decision, prefix="punkter"),
        CaseDocumentFormSet(data, instance=decision, prefix="dokument"),
        ConditionFormSet(data, instance=decision, prefix="villkor", parties=parties),
    )


def _rows(formsets):
    items, case_documents, conditions = formsets
    return {
        "items": items.rows(),
        "case_documents": case_documents.rows(),
        "conditions": conditions.rows(),
    }


def _saved(request, service, **data):
    """The proposal the service saves, with a message; None, with a message, when refused."""
    try:
        decision = service(**data)
    except DomainError as exc:
        messages.error(request, str(exc))
        return None
    messages.success(request, _("Beslutsförslaget är sparat."))
    return decision


@login_required
@require_http_methods(["GET", "POST"])
def proposal_create(request, pk):
    agreement = get_agreement_for(request.user, pk, roles=[SECRETARY])
    organisations = proposal_organisations_for(request.user, agreement)
    parties = Party.objects.filter(agreement_roles__agreement=agreement)
    data = request.POST if request.method == "POST" else None
    form = NewProposalForm(
        data,
        organisations=Party.objects.filter(pk__in=[o.pk for o in organisations]),
        initial={"title": agreement.title, "case_number": agreement.case_number},
    )
    formsets = _formsets(data, form.instance, parties)
    if data is not None and form.is_valid() and all(f.is_valid() for f in formsets):
        fields = {k: v for k, v in form.cleaned_data.items() if k != "organisation"}
        decision = _saved(
            request,
            prepare_proposal,
            agreement=agreement,
            organisation=form.cleaned_data["organisation"],
            by=request.user,
            **_rows(formsets),
            **fields,
        )
        if decision is not None:
            return redirect(decision)
    return render(
        request,
        "agreements/proposal_form.html",
        {"form": form, "formsets": formsets, "agreement": agreement, "decision": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposal_edit(request, pk):
    decision = get_decision_for(request.user, pk, roles=[SECRETARY])
    if decision.outcome != DecisionOutcome.PROPOSED:
        messages.error(request, _("Beslutet är fattat; förslaget kan inte längre ändras."))
        return redirect(decision)
    parties = Party.objects.filter(agreement_roles__agreement__decisions=decision).distinct()
    data = request.POST if request.method == "POST" else None
    agreements = agreements_decision_may_cover(request.user, decision)
    form = ProposalAgreementsForm(data, instance=decision, agreements=agreements)
    formsets = _formsets(data, decision, parties)
    if data is not None and form.is_valid() and all(f.is_valid() for f in formsets):
        rows, fields = _rows(formsets), form.cleaned_data
        if _saved(request, change_proposal, decision=decision, by=request.user, **rows, **fields):
            return redirect(decision)
    return render(
        request,
        "agreements/proposal_form.html",
        {"form": form, "formsets": formsets, "agreement": None, "decision": decision},
    )


@login_required
@require_http_methods(["GET", "POST"])
def decision_record(request, pk):
    decision = get_decision_for(request.user, pk, roles=[SECRETARY])
    initial = {
        "body": decision.body,
        "decided_on": decision.decided_on,
        "paragraph": decision.paragraph,
        "summary": decision.summary,
        "outcome": decision.outcome
        if decision.outcome != DecisionOutcome.PROPOSED
        else DecisionOutcome.APPROVED,
    }
    form = RecordDecisionForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_bound and form.is_valid():
        try:
            record_decision(decision=decision, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Beslutet är registrerat."))
            return redirect(decision)
    return render(request, "agreements/decision_record.html", {"decision": decision, "form": form})
