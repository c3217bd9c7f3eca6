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
    ProposalForm,
    RecordDecisionForm,
    SubmitOnceForm,
    VersionForm,
    posted_name,
)
from agreements.models import Agreement, DecisionOutcome, Party
from agreements.services import DomainError
from agreements.services.conflicts import EditConflict
from agreements.services.lifecycle import change_proposal, prepare_proposal, record_decision
from agreements.services.once import submit_once

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


def _valid(forms):
    """Each form's is_valid(), every one asked (so that each shows its errors)."""
    return [form.is_valid() for form in forms]


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
    formsets, once = _formsets(data, form.instance, parties), SubmitOnceForm(data)
    if data is not None and all([form.is_valid(), once.is_valid()] + _valid(formsets)):
        fields = {k: v for k, v in form.cleaned_data.items() if k != "organisation"}
        try:
            decision = submit_once(
                key=once.key,
                by=request.user,
                create=lambda: prepare_proposal(
                    agreement=agreement,
                    organisation=form.cleaned_data["organisation"],
                    by=request.user,
                    **_rows(formsets),
                    **fields,
                ),
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Beslutsförslaget är sparat."))
            return redirect(decision)
    context = {"form": form, "formsets": formsets, "agreement": agreement, "decision": None}
    return render(request, "agreements/proposal_form.html", context | {"once_form": once})


def _proposal_forms(decision, data, parties):
    form = ProposalForm(data, instance=decision)
    return form, _formsets(data, decision, parties), VersionForm(data, version=decision.version)


@login_required
@require_http_methods(["GET", "POST"])
def proposal_edit(request, pk):
    decision = get_decision_for(request.user, pk, roles=[SECRETARY])
    if decision.outcome != DecisionOutcome.PROPOSED:
        messages.error(request, _("Beslutet är fattat; förslaget kan inte längre ändras."))
        return redirect(decision)
    parties = Party.objects.filter(agreement_roles__agreement__decisions=decision).distinct()
    data = request.POST if request.method == "POST" else None
    form, formsets, version = _proposal_forms(decision, data, parties)
    conflict = None
    if data is not None and all([form.is_valid(), version.is_valid()] + _valid(formsets)):
        try:
            change_proposal(
                decision=decision,
                version=version.loaded,
                by=request.user,
                **_rows(formsets),
                **form.cleaned_data,
            )
        except EditConflict as exc:
            conflict = exc
            decision.refresh_from_db()
            items, case_documents, conditions = formsets
            key_of = posted_name(
                form, items=items, case_documents=case_documents, conditions=conditions
            )
            form, formsets, version = _proposal_forms(
                decision, exc.data(request.POST, key_of), parties
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Beslutsförslaget är sparat."))
            return redirect(decision)
    context = {"form": form, "formsets": formsets, "agreement": None, "decision": decision}
    return render(
        request,
        "agreements/proposal_form.html",
        context | {"version_form": version, "conflict": conflict},
    )


def _record_forms(decision, data):
    initial = {
        "body": decision.body,
        "decided_on": decision.decided_on,
        "paragraph": decision.paragraph,
        "summary": decision.summary,
        "outcome": decision.outcome
        if decision.outcome != DecisionOutcome.PROPOSED
        else DecisionOutcome.APPROVED,
    }
    form = RecordDecisionForm(data, initial=initial)
    return form, VersionForm(data, version=decision.version)


@login_required
@require_http_methods(["GET", "POST"])
def decision_record(request, pk):
    decision = get_decision_for(request.user, pk, roles=[SECRETARY])
    data = request.POST if request.method == "POST" else None
    form, version = _record_forms(decision, data)
    conflict = None
    if form.is_bound and all([form.is_valid(), version.is_valid()]):
        try:
            record_decision(
                decision=decision, version=version.loaded, by=request.user, **form.cleaned_data
            )
        except EditConflict as exc:
            conflict = exc
            decision.refresh_from_db()
            form, version = _record_forms(decision, exc.data(request.POST))
        except DomainError as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Beslutet är registrerat."))
            return redirect(decision)
    context = {"decision": decision, "form": form, "version_form": version, "conflict": conflict}
    return render(request, "agreements/decision_record.html", context)
