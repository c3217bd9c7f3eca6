"""Decisions: list, detail, prepare a proposal, record what the body decided."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from agreements.access import (
    ADMINISTRATOR,
    SECRETARY,
    agreements_decision_may_cover,
    decisions_visible_to,
    get_agreement_for,
    get_decision_for,
    is_secretary_of,
    may_correct_decision,
    proposal_organisations_for,
)
from agreements.forms import (
    CaseDocumentFormSet,
    ConditionFormSet,
    CorrectDecisionForm,
    DecisionItemFormSet,
    NewProposalForm,
    ProposalAgreementsForm,
    RecordDecisionForm,
    SubmitOnceForm,
    VersionForm,
    posted_name,
    rows_rearranged,
    unchecked,
)
from agreements.models import AGREEMENTS_IN_ORDER, Agreement, DecisionOutcome, Party
from agreements.services import DomainError
from agreements.services.conflicts import EditConflict
from agreements.services.lifecycle import (
    change_proposal,
    check_correction,
    check_record,
    correct_decision,
    prepare_proposal,
    record_decision,
)
from agreements.services.once import submit_once

from ._common import after_conflict, paginate


@login_required
@require_GET
def decision_list(request):
    decisions = (
        decisions_visible_to(request.user)
        .select_related("organisation")
        .prefetch_related(
            Prefetch(
                "agreements",
                queryset=Agreement.objects.only("id", "title").order_by(*AGREEMENTS_IN_ORDER),
            )
        )
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
            "agreements": decision.agreements_in_order(),
            "items": decision.items.all(),
            "case_documents": decision.case_documents.all(),
            "conditions": decision.conditions.select_related("party", "satisfied_by"),
            "cites": decision.cites.all(),
            "is_secretary": is_secretary_of(request.user, decision),
            "can_correct": may_correct_decision(request.user, decision),
            "is_proposal": decision.outcome == DecisionOutcome.PROPOSED,
            "records": decision.records.select_related("recorded_by", "corrects"),
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

    def forms(data):
        form = NewProposalForm(
            data,
            organisations=Party.objects.filter(pk__in=[o.pk for o in organisations]),
            initial={"title": agreement.title, "case_number": agreement.case_number},
        )
        return form, _formsets(data, form.instance, parties), SubmitOnceForm(data)

    form, formsets, once = forms(data)
    moved = rows_rearranged(data, *formsets)
    if moved is not None:
        form, formsets, once = forms(moved)
        unchecked(form, *formsets)
    elif data is not None and all([form.is_valid(), once.is_valid()] + _valid(formsets)):
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


def _proposal_forms(decision, data, parties, agreements):
    form = ProposalAgreementsForm(data, instance=decision, agreements=agreements)
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
    agreements = agreements_decision_may_cover(request.user, decision)
    form, formsets, version = _proposal_forms(decision, data, parties, agreements)
    conflict = None
    moved = rows_rearranged(data, form, *formsets)
    if moved is not None:
        form, formsets, version = _proposal_forms(decision, moved, parties, agreements)
        unchecked(form, *formsets)
    elif data is not None and all([form.is_valid(), version.is_valid()] + _valid(formsets)):
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
            items, case_documents, conditions = formsets
            form, formsets, version = after_conflict(
                request,
                exc,
                decision,
                lambda data: _proposal_forms(decision, data, parties, agreements),
                posted_name(
                    form, items=items, case_documents=case_documents, conditions=conditions
                ),
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


def _recorded_values(decision):
    return {
        "body": decision.body,
        "decided_on": decision.decided_on,
        "paragraph": decision.paragraph,
        "summary": decision.summary,
        "outcome": decision.outcome
        if decision.outcome != DecisionOutcome.PROPOSED
        else DecisionOutcome.APPROVED,
    }


def _decision_forms(form_class, decision, data):
    form = form_class(data, initial=_recorded_values(decision))
    return form, VersionForm(data, version=decision.version), SubmitOnceForm(data)


def _save(request, decision, form_class, forms, service, message):
    """service (record_decision or correct_decision) on the decision with the valid forms'
    values, once per submitted form: (a redirect to the decision, None, None) when done, else
    (None, the forms to show, the EditConflict if someone saved first)."""
    done, conflict = _submit(request, forms, service, decision)
    if done is not None:
        messages.success(request, message)
        return redirect(decision), None, None
    if conflict is not None:
        forms = after_conflict(
            request, conflict, decision, lambda data: _decision_forms(form_class, decision, data)
        )
    return None, forms, conflict


def _submit(request, forms, service, decision):
    form, version, once = forms

    def write():
        today = timezone.localdate()
        values = form.cleaned_data
        return service(
            decision=decision, version=version.loaded, by=request.user, today=today, **values
        )

    try:
        return submit_once(key=once.key, by=request.user, create=write), None
    except EditConflict as exc:
        return None, exc
    except DomainError as exc:
        form.add_error(None, str(exc))
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    return None, None


@login_required
@require_http_methods(["GET", "POST"])
def decision_record(request, pk):
    decision = get_decision_for(request.user, pk, roles=[SECRETARY])
    data = request.POST if request.method == "POST" else None
    if data is None and decision.outcome != DecisionOutcome.PROPOSED:
        messages.info(request, _("Beslutet är registrerat. Ett fel i det rättas med en rättelse."))
        return redirect(decision)
    forms, conflict = _decision_forms(RecordDecisionForm, decision, data), None
    if data is not None and "andra" not in data and all(_valid(forms)):
        if "bekrafta" not in data:
            if _record_checked(forms[0], decision):
                template = "agreements/decision_record_confirm.html"
                context = {"agreements": decision.agreements_in_order()}
                return _decision_page(request, template, decision, forms, **context)
        else:
            done, forms, conflict = _save(
                request,
                decision,
                RecordDecisionForm,
                forms,
                record_decision,
                _("Beslutet är registrerat."),
            )
            if done is not None:
                return done
    template = "agreements/decision_record.html"
    return _decision_page(request, template, decision, forms, conflict=conflict)


@login_required
@require_http_methods(["GET", "POST"])
def decision_correct(request, pk):
    """Correct a recorded decision: the form, a confirmation page (a correction cannot be
    undone), then the correction."""
    decision = get_decision_for(request.user, pk, roles=[SECRETARY, ADMINISTRATOR])
    if decision.outcome == DecisionOutcome.PROPOSED:
        messages.error(request, _("Beslutet är inte registrerat än."))
        return redirect(decision)
    data = request.POST if request.method == "POST" else None
    forms, conflict = _decision_forms(CorrectDecisionForm, decision, data), None
    if data is not None and "andra" not in data and all(_valid(forms)):
        if "bekrafta" not in data:
            correction = _check(forms[0], decision)
            if correction is not None:
                template = "agreements/decision_correct_confirm.html"
                return _decision_page(request, template, decision, forms, correction=correction)
        else:
            done, forms, conflict = _save(
                request,
                decision,
                CorrectDecisionForm,
                forms,
                correct_decision,
                _("Beslutet är rättat."),
            )
            if done is not None:
                return done
    template = "agreements/decision_correct.html"
    return _decision_page(request, template, decision, forms, conflict=conflict)


def _decision_page(request, template, decision, forms, **context):
    form, version, once = forms
    context |= {"decision": decision, "form": form, "version_form": version, "once_form": once}
    return render(request, template, context)


def _record_checked(form, decision):
    """Whether the values can be recorded (else the refusal is shown on form)."""
    values = form.cleaned_data
    try:
        check_record(
            decision=decision,
            decided_on=values["decided_on"],
            outcome=values["outcome"],
            today=timezone.localdate(),
        )
    except DomainError as exc:
        form.add_error(None, str(exc))
        return False
    return True


def _check(form, decision):
    """The correction the form's values make, or None with the refusal shown on form."""
    try:
        return check_correction(decision=decision, today=timezone.localdate(), **form.cleaned_data)
    except DomainError as exc:
        form.add_error(None, str(exc))
        return None
