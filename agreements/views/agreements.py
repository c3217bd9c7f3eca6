"""Agreements: list, detail, create and edit with parties, funding, obligations; life cycle."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, prefetch_related_objects
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agreements.access import (
    ADMINISTRATOR,
    COORDINATOR,
    SECRETARY,
    acting_parties_for,
    acting_roles,
    administered_party_ids,
    agreements_visible_to,
    agreements_with_role,
    funding_parties_for,
    get_agreement_for,
    is_any,
    may_create_agreement,
    may_propose,
    meeting_callers_for,
    parties_offered_to,
    parties_visible_to,
)
from agreements.case_numbers import sharing_case_number
from agreements.due.report_states import with_item_states
from agreements.due.store import open_items_of
from agreements.filters import filter_agreements
from agreements.forms import (
    AgreementFilterForm,
    AgreementForm,
    AgreementPartyFormSet,
    CapacityTargetFormSet,
    ExclusionFormSet,
    MoveForm,
    ObligationFormSet,
    PastFollowupForm,
    SameCaseForm,
    SubmitOnceForm,
    SuccessorForm,
    VersionForm,
    posted_name,
    rows_rearranged,
    unchecked,
)
from agreements.models import (
    Agreement,
    AgreementParty,
    AgreementStatus,
    Decision,
    Party,
    PartyRole,
)
from agreements.services import DomainError
from agreements.services.conflicts import EditConflict
from agreements.services.editing import save_agreement, save_obligations
from agreements.services.lifecycle import (
    create_successor,
    may_create_successor,
    move_agreement,
    moves_for,
    public_parties_without_approval,
    why_not,
)
from agreements.services.once import submit_once
from funding.summary import agreement_funding, lines_queryset

from ._common import after_conflict, paginate, query_without_page
from .due import due_rows


@login_required
@require_GET
def agreement_list(request):
    today = timezone.localdate()
    agreements = agreements_visible_to(request.user)
    form = AgreementFilterForm(
        request.GET or None, parties=parties_visible_to(request.user), agreements=agreements
    )
    if form.is_bound and form.is_valid():
        agreements = filter_agreements(agreements, form.cleaned_data, today)
    agreements = agreements.prefetch_related(
        Prefetch("parties", queryset=AgreementParty.objects.select_related("party"))
    ).order_by("-period_start", "title", "pk")
    return render(
        request,
        "agreements/agreement_list.html",
        {
            "form": form,
            "page": paginate(request, agreements),
            "query": query_without_page(request),
            "query_without_party": query_without_page(request, "party"),
            "can_create": is_any(request.user, ADMINISTRATOR),
        },
    )


@login_required
@require_GET
def agreement_detail(request, pk):
    agreement = get_agreement_for(request.user, pk)
    # The parties and decisions once: the page, the user's roles, the funding summary and the
    # decision check all read them.
    prefetch_related_objects(
        [agreement],
        Prefetch(
            "parties",
            queryset=AgreementParty.objects.select_related("party").prefetch_related(
                "signatories", "contributions"
            ),
        ),
        Prefetch(
            "decisions",
            queryset=Decision.objects.select_related("organisation")
            .prefetch_related("conditions__party")
            .order_by("-decided_on", "-id"),
        ),
    )
    roles = acting_roles(request.user, agreement)
    acting = set(acting_parties_for(request.user, agreement, ADMINISTRATOR, SECRETARY))
    reports = list(agreement.reports.select_related("party").order_by("year", "due_date"))
    with_item_states(reports, today=timezone.localdate())
    context = {
        "agreement": agreement,
        "roles": roles,
        "is_admin": ADMINISTRATOR in roles,
        "is_coordinator": COORDINATOR in roles,
        "is_secretary": SECRETARY in roles,
        "parties": agreement.parties.all(),
        "sections": agreement.sections.all(),
        "obligations": agreement.obligations.select_related("responsible", "recipient"),
        "targets": agreement.capacity_targets.all(),
        "decisions": agreement.decisions.all(),
        "missing_decisions": public_parties_without_approval(agreement),
        "reports": reports,
        "meetings": agreement.meetings.select_related("called_by"),
        "meeting_callers": meeting_callers_for(request.user),
        "successors": agreement.successors.all(),
        # Each step with why it cannot be taken yet ("" when it can).
        "moves": [(m, why_not(agreement, m.name)) for m in moves_for(agreement, roles)],
        "move_form": MoveForm(initial={"on": timezone.localdate()}),
        "can_continue": may_create_successor(agreement, roles),
        "can_propose": may_propose(request.user, agreement),
        "funding_parties": funding_parties_for(request.user, agreement),
        # Asked with each step only of a user who acts for more than one of the parties.
        "acting_parties": [ap.party for ap in agreement.parties.all() if ap.party_id in acting],
        "events": agreement.events.select_related("party", "user").order_by("-at", "-id"),
        "documents": _document_links(agreement),
        # What it still expects, as the dashboard shows it (done items: on the due-items page).
        "due_rows": due_rows(
            agreement, open_items_of(agreement, today=timezone.localdate()), request.user
        ),
    }
    context.update(_funding(agreement))
    return render(request, "agreements/agreement_detail.html", context)


def _funding(agreement):
    """The funding summary, and the payments of its lines (latest first) for the list."""
    lines = list(lines_queryset().filter(agreement=agreement))
    # The prefetch has set each payment's line (with its party): no query per row.
    payments = sorted(
        (p for line in lines for p in line.payments.all()),
        key=lambda p: (p.paid_on, p.pk),
        reverse=True,
    )
    return {
        "funding": agreement_funding(agreement, lines=lines),
        "payments": payments,
    }


def _document_links(agreement):
    return [
        (label, reverse(name, args=[agreement.pk]))
        for name, label in [
            ("documents:agreement_preview", _("Överenskommelsen (förhandsvisning)")),
            ("documents:agreement_pdf", _("Överenskommelsen (PDF)")),
            ("documents:versions", _("Utfärdade versioner")),
            ("agreements:dossier", _("Ladda ner akten (zip)")),
        ]
    ]


@login_required
@require_http_methods(["GET", "POST"])
def agreement_create(request):
    if not may_create_agreement(request.user):
        raise PermissionDenied
    own = administered_party_ids(request.user)
    agreement = Agreement()
    data = request.POST if request.method == "POST" else None
    form, parties, same_case, past, once = _create_forms(request, agreement, data, own)
    another = parties.rearranged(data) if data is not None else None
    if another is not None:
        form, parties, same_case, past, once = _create_forms(request, agreement, another, own)
        unchecked(form, parties)
    elif (
        data is not None
        and all([form.is_valid(), parties.is_valid(), once.is_valid()])
        and _case_number_confirmed(request.user, form, same_case, agreement)
    ):
        done_before = past.done_before(form.cleaned_data["period_start"], timezone.localdate())
        try:
            agreement = submit_once(
                key=once.key,
                by=request.user,
                create=lambda: save_agreement(
                    details=form.cleaned_data | {"followup_done_before": done_before},
                    parties=parties.rows(),
                    by=request.user,
                ),
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Överenskommelsen är skapad. Fyll i finansieringen."))
            return redirect("funding:lines", agreement.pk)
    return render(
        request,
        "agreements/agreement_form.html",
        {
            "form": form,
            "parties": parties,
            "same_case": same_case,
            "past_followup": past,
            "agreement": None,
            "once_form": once,
        },
    )


def _create_forms(request, agreement, data, own):
    initial = [{"party": own[0], "role": PartyRole.PUBLIC}] if own else []
    parties = AgreementPartyFormSet(
        data,
        instance=agreement,
        own_party_ids=own,
        offered=parties_offered_to(request.user),
        initial=initial,
        prefix="parter",
    )
    form = AgreementForm(data, instance=agreement)
    return form, parties, SameCaseForm(data), PastFollowupForm(data), SubmitOnceForm(data)


def _case_number_confirmed(user, form, same_case, agreement):
    """Whether the case number may be saved (SameCaseForm.confirms), asked of
    the agreements of the organisations the user administers only: whether another
    organisation uses the same number is never told."""
    number = form.cleaned_data["case_number"]
    if agreement.pk and number == form.initial.get("case_number"):
        return True  # unchanged: asked when it was set
    sharing = sharing_case_number(
        agreements_with_role(user, ADMINISTRATOR), number, exclude=agreement
    )
    return same_case.confirms(form, sharing)


def _agreement_forms(request, agreement, data, own):
    form = AgreementForm(data, instance=agreement)
    parties = AgreementPartyFormSet(
        data,
        instance=agreement,
        own_party_ids=own,
        offered=parties_offered_to(request.user),
        prefix="parter",
    )
    return form, parties, VersionForm(data, version=agreement.version)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request, pk):
    agreement = get_agreement_for(request.user, pk, roles=[ADMINISTRATOR])
    own = administered_party_ids(request.user)
    data = request.POST if request.method == "POST" else None
    form, parties, version = _agreement_forms(request, agreement, data, own)
    another = parties.rearranged(data) if data is not None else None
    if another is not None:
        data = another
        form, parties, version = _agreement_forms(request, agreement, data, own)
        unchecked(form, parties)
    same_case = SameCaseForm(data)
    conflict = None
    if (
        another is None
        and data is not None
        and "andra" not in data
        and all([form.is_valid(), parties.is_valid(), version.is_valid()])
        and _case_number_confirmed(request.user, form, same_case, agreement)
    ):
        removed = [f.instance.party for f in parties.forms if f.instance.pk and _deleted(f)]
        if removed and "bekrafta" not in data:
            return _confirm_removal(request, agreement, removed)
        try:
            save_agreement(
                agreement=agreement,
                details=form.cleaned_data,
                parties=parties.rows(),
                version=version.loaded,
                by=request.user,
            )
        except EditConflict as exc:
            conflict = exc
            form, parties, version = after_conflict(
                request,
                exc,
                agreement,
                lambda data: _agreement_forms(request, agreement, data, own),
                posted_name(form, parties),
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
            agreement.refresh_from_db()
        else:
            messages.success(request, _("Ändringarna är sparade."))
            return redirect(agreement)
    return render(
        request,
        "agreements/agreement_form.html",
        {
            "form": form,
            "parties": parties,
            "same_case": same_case,
            "agreement": agreement,
            "version_form": version,
            "conflict": conflict,
        },
    )


def _deleted(form):
    return bool(form.cleaned_data.get("DELETE"))


def _confirm_removal(request, agreement, removed):
    """The page before parties are removed: who, what it means, and the same post again."""
    posted = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", "bekrafta", "andra")
        for value in values
    ]
    context = {"agreement": agreement, "removed": removed, "posted": posted}
    return render(request, "agreements/agreement_remove_party.html", context)


def _obligation_forms(agreement, data):
    return (
        ObligationFormSet(data, instance=agreement, prefix="ataganden"),
        CapacityTargetFormSet(data, instance=agreement, prefix="mal"),
        ExclusionFormSet(data, instance=agreement, prefix="undantag"),
        VersionForm(data, version=agreement.obligations_version),
    )


@login_required
@require_http_methods(["GET", "POST"])
def agreement_obligations(request, pk):
    agreement = get_agreement_for(request.user, pk, roles=[ADMINISTRATOR])
    data = request.POST if request.method == "POST" else None
    obligations, targets, exclusions, version = _obligation_forms(agreement, data)
    conflict = None
    another = rows_rearranged(data, obligations, targets, exclusions)
    if another is not None:
        obligations, targets, exclusions, version = _obligation_forms(agreement, another)
        unchecked(obligations, targets, exclusions)
    elif data is not None and all(
        [obligations.is_valid(), targets.is_valid(), exclusions.is_valid(), version.is_valid()]
    ):
        try:
            save_obligations(
                agreement=agreement,
                obligations=obligations.rows(),
                targets=targets.rows(),
                exclusions=exclusions.rows(),
                version=version.loaded,
                by=request.user,
            )
        except EditConflict as exc:
            conflict = exc
            obligations, targets, exclusions, version = after_conflict(
                request,
                exc,
                agreement,
                lambda data: _obligation_forms(agreement, data),
                posted_name(obligations=obligations, targets=targets, exclusions=exclusions),
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Åtagandena är sparade."))
            return redirect(agreement)
    context = {
        "agreement": agreement,
        "obligations": obligations,
        "targets": targets,
        "exclusions": exclusions,
    }
    return render(
        request,
        "agreements/agreement_obligations_form.html",
        context | {"version_form": version, "conflict": conflict},
    )


@login_required
@require_POST
def agreement_move(request, pk, move):
    agreement = get_agreement_for(request.user, pk, roles=[ADMINISTRATOR, SECRETARY])
    parties = Party.objects.filter(agreement_roles__agreement=agreement)
    form = MoveForm(request.POST, parties=parties)
    if not form.is_valid():  # a date that is wrong refuses the step, not just the date
        if "on" in form.errors:
            errors = "; ".join(str(e) for e in form.errors["on"])
            messages.error(request, _("Datumet är fel: %(errors)s") % {"errors": errors})
        else:
            messages.error(request, _("Välj en av överenskommelsens parter."))
        return redirect(agreement)
    try:
        moved = move_agreement(agreement=agreement, move=move, by=request.user, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _moved(moved))
    return redirect(agreement)


def _moved(agreement):
    """What a step did, said specifically where it ends the agreement."""
    if agreement.status == AgreementStatus.ENDED:
        return _("Överenskommelsen är avslutad. Inga rapporter eller betalningar väntas längre.")
    if agreement.status == AgreementStatus.TERMINATED:
        return _("Överenskommelsen är uppsagd från %(on)s. Alla parter ser uppsägningen.") % {
            "on": agreement.terminated_on.isoformat() if agreement.terminated_on else ""
        }
    return _("Status är ändrad till %(status)s.") % {
        "status": agreement.get_status_display().lower()
    }


@login_required
@require_GET
def agreement_terminate(request, pk):
    """What giving notice does, and the form that gives it (posted to agreement_move)."""
    agreement = get_agreement_for(request.user, pk, roles=[ADMINISTRATOR])
    acting = acting_parties_for(request.user, agreement, ADMINISTRATOR)
    context = {
        "agreement": agreement,
        "may_terminate": "terminate" in {m.name for m in moves_for(agreement, {ADMINISTRATOR})},
        "acting": Party.objects.filter(pk__in=acting),
        "form": MoveForm(initial={"on": timezone.localdate()}),
    }
    context["form"].fields["on"].label = _("Uppsägningsdag")
    return render(request, "agreements/agreement_terminate.html", context)


@login_required
@require_GET
def agreement_end(request, pk):
    """What ending the agreement does, and the form that ends it (posted to agreement_move)."""
    agreement = get_agreement_for(request.user, pk, roles=[ADMINISTRATOR])
    acting = acting_parties_for(request.user, agreement, ADMINISTRATOR)
    context = {
        "agreement": agreement,
        "may_end": "end" in {m.name for m in moves_for(agreement, {ADMINISTRATOR})},
        "acting": Party.objects.filter(pk__in=acting),
    }
    return render(request, "agreements/agreement_end.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def agreement_successor(request, pk):
    agreement = get_agreement_for(request.user, pk, roles=[ADMINISTRATOR])
    data = request.POST if request.method == "POST" else None
    form, once = SuccessorForm(data), SubmitOnceForm(data)
    if form.is_bound and all([form.is_valid(), once.is_valid()]):
        try:
            successor = submit_once(
                key=once.key,
                by=request.user,
                create=lambda: create_successor(
                    agreement=agreement, relation=form.cleaned_data["relation"], by=request.user
                ),
            )
        except DomainError as exc:
            messages.error(request, str(exc))
            return redirect(agreement)
        messages.success(request, _("Den nya överenskommelsen är skapad som utkast."))
        return redirect("agreements:edit", successor.pk)
    context = {"agreement": agreement, "form": form, "once_form": once}
    return render(request, "agreements/agreement_successor.html", context)
