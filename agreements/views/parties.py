"""Organisations: the user's own and those party to their agreements.

An organisation's record is changed by its own users (agreements.access.parties_editable_by);
a partner proposes a correction, which the organisation accepts or rejects.
"""

import copy

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from agreements.access import (
    ADMINISTRATOR,
    administered_party_ids,
    agreements_visible_to,
    corrections_visible_to,
    get_correction_for,
    get_party_for,
    get_party_to_correct,
    is_any,
    may_edit_party,
    may_manage_members,
    may_set_two_factor_policy,
    parties_editable_by,
    parties_visible_to,
    party_ids_of,
    proposing_organisation,
    require_any,
)
from agreements.forms import (
    ContactFormSet,
    CorrectionForm,
    DecideCorrectionForm,
    PartyForm,
    SubmitOnceForm,
    TwoFactorPolicyForm,
    VersionForm,
    posted_name,
    rows_rearranged,
    unchecked,
)
from agreements.member_log import membership_changes
from agreements.models import AgreementParty, CorrectionStatus, Party
from agreements.party_log import correction_rows, identity_changes
from agreements.services import DomainError
from agreements.services.conflicts import EditConflict
from agreements.services.once import submit_once
from agreements.services.organisations import (
    decide_correction,
    propose_correction,
    register_party,
    save_party,
)
from iop.two_factor.policy import remember

from ._common import after_conflict, paginate


@login_required
@require_GET
def party_list(request):
    parties = parties_visible_to(request.user).order_by("name", "pk")
    return render(
        request,
        "agreements/party_list.html",
        {
            "page": paginate(request, parties),
            "can_create": is_any(request.user, ADMINISTRATOR),
            "editable": set(parties_editable_by(request.user).values_list("pk", flat=True)),
        },
    )


@login_required
@require_GET
def party_detail(request, pk):
    party = get_party_for(request.user, pk)
    roles = (
        AgreementParty.objects.filter(
            party=party, agreement__in=agreements_visible_to(request.user)
        )
        .select_related("agreement")
        .order_by("-agreement__period_start", "agreement__title", "agreement_id")
    )
    can_edit = may_edit_party(request.user, party)
    corrections = (
        corrections_visible_to(request.user)
        .filter(party=party)
        .select_related("proposed_by", "organisation")
    )
    if can_edit:
        corrections = corrections.filter(status=CorrectionStatus.OPEN)
    return render(
        request,
        "agreements/party_detail.html",
        {
            "party": party,
            "agreement_roles": roles,
            "contacts": party.contacts.all(),
            "can_edit": can_edit,
            "can_propose": not can_edit,
            "own_party": request.user.is_superuser or party.pk in party_ids_of(request.user),
            "changes": identity_changes(party),
            "corrections": corrections,
            **_members_section(request.user, party),
        },
    )


def _members_section(user, party):
    """The latest changes of the organisation's members, for those who manage them."""
    if not may_manage_members(user, party):
        return {"can_manage_members": False}
    return {"can_manage_members": True, "member_changes": membership_changes(party)[:10]}


def _registrars(user):
    return list(Party.objects.filter(pk__in=administered_party_ids(user)).order_by("name"))


@login_required
@require_http_methods(["GET", "POST"])
def party_create(request):
    require_any(request.user, ADMINISTRATOR)
    data = request.POST if request.method == "POST" else None
    form = PartyForm(data, registrars=_registrars(request.user))
    if form.is_bound and form.is_valid():
        try:
            party = register_party(
                details=form.details(), registered_by=form.registrar(), by=request.user
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("%(name)s är registrerad. Lägg till den som part i en överenskommelse.")
                % {"name": party.name},
            )
            return redirect("agreements:party", party.pk)
    return render(request, "agreements/party_form.html", {"form": form, "party": None})


def _party_forms(party, data, *, policy=False):
    """The record's forms; with policy, the login policy's too (else None)."""
    return (
        PartyForm(data, instance=party),
        ContactFormSet(data, instance=party, prefix="kontakter"),
        VersionForm(data, version=party.version),
        TwoFactorPolicyForm(data, instance=party) if policy else None,
    )


@login_required
@require_http_methods(["GET", "POST"])
def party_edit(request, pk):
    party = get_party_for(request.user, pk, edit=True)
    sets_policy = may_set_two_factor_policy(request.user, party)
    data = request.POST if request.method == "POST" else None
    form, contacts, version, policy = _party_forms(party, data, policy=sets_policy)
    conflict = None
    valid = [form.is_valid(), contacts.is_valid(), version.is_valid()]
    another = rows_rearranged(data, contacts)
    if another is not None:
        form, contacts, version, policy = _party_forms(party, another, policy=sets_policy)
        unchecked(*[f for f in (form, contacts, policy) if f is not None])
    elif data is not None and all([*valid, policy is None or policy.is_valid()]):
        try:
            save_party(
                party=party,
                details=form.details() | (policy.details() if policy else {}),
                contacts=contacts.rows(),
                version=version.loaded,
                by=request.user,
            )
        except EditConflict as exc:
            conflict = exc
            form, contacts, version, policy = after_conflict(
                request,
                exc,
                party,
                lambda data: _party_forms(party, data, policy=sets_policy),
                posted_name(form, contacts),
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
            party.refresh_from_db()
        else:
            # Read at once whether the policy now sends this user to set up the app.
            remember(request, request.user)
            messages.success(request, _("Organisationen är sparad."))
            return redirect("agreements:party", party.pk)
    return render(
        request,
        "agreements/party_form.html",
        {
            "form": form,
            "contacts": contacts,
            "party": party,
            "version_form": version,
            "policy_form": policy,
            "conflict": conflict,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def party_correct(request, pk):
    party = get_party_to_correct(request.user, pk)
    data = request.POST if request.method == "POST" else None
    # A copy for the form to fill in: the record itself is only read.
    form, once = CorrectionForm(data, instance=copy.copy(party)), SubmitOnceForm(data)
    if form.is_bound and all([form.is_valid(), once.is_valid()]):
        try:
            correction = submit_once(
                key=once.key,
                by=request.user,
                create=lambda: propose_correction(
                    party=party,
                    values=form.details(),
                    message=form.cleaned_data["message"],
                    organisation=proposing_organisation(request.user, party),
                    by=request.user,
                ),
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("Förslaget är skickat. %(name)s svarar på det.") % {"name": party.name}
            )
            return redirect(correction)
    context = {"form": form, "party": party, "once_form": once}
    return render(request, "agreements/party_correct.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def correction_detail(request, pk):
    correction = get_correction_for(request.user, pk, decide=request.method == "POST")
    form = DecideCorrectionForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            decide_correction(
                correction=correction,
                accept=form.accepted,
                reply=form.cleaned_data["reply"],
                by=request.user,
            )
        except DomainError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("Förslaget är godtaget och uppgifterna ändrade.")
                if form.accepted
                else _("Förslaget är avslaget."),
            )
        return redirect(correction)
    party = correction.party
    return render(
        request,
        "agreements/correction_detail.html",
        {
            "correction": correction,
            "party": party,
            "rows": correction_rows(correction, party),
            "form": form,
            "can_decide": correction.is_open and may_edit_party(request.user, party),
        },
    )
