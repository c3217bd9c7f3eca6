"""An organisation's members, managed by its own administrators (a non-profit's by its
coordinators): the list, invitations by e-mail, a member's role, removing a member, and the
history of these changes. The invitation link opens without login."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agreements.access import (
    get_invitation_to_manage,
    get_membership_to_manage,
    get_party_to_manage,
    managed_parties,
    roles_offered,
)
from agreements.forms import SubmitOnceForm, VersionForm
from agreements.member_forms import InviteForm, NewAccountForm, RoleForm
from agreements.member_log import membership_changes
from agreements.models import Invitation
from agreements.services import DomainError
from agreements.services.conflicts import EditConflict
from agreements.services.members import (
    accept_as_new_user,
    accept_invitation,
    change_role,
    invitation_for_token,
    invite_member,
    remove_member,
    revoke_invitation,
    same_email,
    users_with_email,
)
from agreements.services.once import submit_once

from ._common import after_conflict, paginate


@login_required
@require_GET
def my_members(request):
    """The menu's "Medlemmar": the members page of the organisation the user manages, or
    the list of them when there are several."""
    if request.user.is_superuser:
        return redirect("agreements:parties")  # every organisation: the list searches them
    parties = managed_parties(request.user)
    if not parties:
        raise PermissionDenied
    if len(parties) == 1:
        return redirect("agreements:members", parties[0].pk)
    return render(request, "agreements/my_members.html", {"parties": parties})


@login_required
@require_GET
def member_list(request, pk):
    party = get_party_to_manage(request.user, pk)
    memberships = party.memberships.select_related("user").order_by(
        "user__first_name", "user__last_name", "user__username", "role", "pk"
    )
    now = timezone.now()
    invitations = party.invitations.filter(
        accepted_at=None, revoked_at=None, expires_at__gt=now
    ).select_related("invited_by")
    return render(
        request,
        "agreements/member_list.html",
        {"party": party, "memberships": memberships, "invitations": invitations},
    )


@login_required
@require_GET
def member_history(request, pk):
    party = get_party_to_manage(request.user, pk)
    page = paginate(request, membership_changes(party))
    return render(request, "agreements/member_history.html", {"party": party, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def member_invite(request, pk):
    party = get_party_to_manage(request.user, pk)
    data = request.POST if request.method == "POST" else None
    form, once = InviteForm(data, roles=roles_offered(party)), SubmitOnceForm(data)
    if form.is_bound and all([form.is_valid(), once.is_valid()]):
        try:
            invitation = submit_once(
                key=once.key,
                by=request.user,
                create=lambda: invite_member(
                    party=party,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    by=request.user,
                    now=timezone.now(),
                ),
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("En inbjudan är skickad till %(email)s.") % {"email": invitation.email}
            )
            return redirect("agreements:members", party.pk)
    status = 400 if form.is_bound else 200
    context = {"party": party, "form": form, "once_form": once}
    return render(request, "agreements/member_invite.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def member_role(request, pk):
    membership = get_membership_to_manage(request.user, pk)
    data = request.POST if request.method == "POST" else None
    form, version = _role_forms(membership, data)
    conflict = None
    if data is not None and all([form.is_valid(), version.is_valid()]):
        try:
            change_role(
                membership=membership,
                role=form.cleaned_data["role"],
                version=version.loaded,
                by=request.user,
            )
        except EditConflict as exc:
            conflict = exc
            form, version = after_conflict(
                request, exc, membership, lambda data: _role_forms(membership, data)
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Rollen är ändrad."))
            return redirect("agreements:members", membership.party_id)
    context = {"membership": membership, "party": membership.party, "form": form}
    context |= {"version_form": version, "conflict": conflict}
    return render(request, "agreements/member_role.html", context, status=400 if data else 200)


def _role_forms(membership, data):
    roles = roles_offered(membership.party)
    form = RoleForm(data, roles=roles, initial={"role": membership.role})
    return form, VersionForm(data, version=membership.version)


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request, pk):
    membership = get_membership_to_manage(request.user, pk)
    data = request.POST if request.method == "POST" else None
    version = VersionForm(data, version=membership.version)
    error = None
    if data is not None and version.is_valid():
        try:
            user = remove_member(
                membership=membership,
                version=version.loaded,
                by=request.user,
                now=timezone.now(),
            )
        except DomainError as exc:
            error = str(exc)
        else:
            messages.success(
                request,
                _("%(name)s är borttagen ur organisationen.")
                % {"name": user.get_full_name() or user.username},
            )
            if user == request.user:
                return redirect("login")
            return redirect("agreements:members", membership.party_id)
    roles = membership.party.memberships.filter(user=membership.user)
    context = {"membership": membership, "party": membership.party, "roles": roles}
    context |= {"version_form": version, "error": error}
    return render(request, "agreements/member_remove.html", context, status=400 if data else 200)


@login_required
@require_POST
def invitation_revoke(request, pk):
    invitation = get_invitation_to_manage(request.user, pk)
    try:
        revoke_invitation(invitation=invitation, by=request.user, now=timezone.now())
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Inbjudan till %(email)s är återkallad.") % {"email": invitation.email}
        )
    return redirect("agreements:members", invitation.party_id)


@require_http_methods(["GET", "POST"])
def invitation_accept(request, token):
    """The invitation's link: an unknown token is not found; a used, revoked or expired one
    says so (410). Otherwise the invitee joins: with a new account, or logged in as the
    account with the invited address."""
    invitation = invitation_for_token(token)
    if invitation is None:
        raise Http404
    now = timezone.now()
    context = {"invitation": invitation, "party": invitation.party}
    if not invitation.is_pending(now):
        context["state"] = invitation.state(now)
        return render(request, "agreements/invitation_gone.html", context, status=410)
    user = request.user
    if user.is_authenticated:
        return _accept_signed_in(request, invitation, now, context)
    if users_with_email(invitation.email).exists():
        context["login_url"] = f"{reverse('login')}?next={request.path}"
        return render(request, "agreements/invitation_login.html", context)
    data = request.POST if request.method == "POST" else None
    form = NewAccountForm(data, email=invitation.email)
    if form.is_bound and form.is_valid():
        try:
            user = accept_as_new_user(
                invitation=invitation,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
                now=now,
            )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return _joined(request, invitation)
    context["form"] = form
    status = 400 if form.is_bound else 200
    return render(request, "agreements/invitation_accept.html", context, status=status)


def _accept_signed_in(request, invitation, now, context):
    if request.method == "POST":
        try:
            accept_invitation(invitation=invitation, user=request.user, now=now)
        except DomainError as exc:
            context["error"] = str(exc)
        else:
            return _joined(request, invitation)
    context["matches"] = same_email(request.user.email or "", invitation.email)
    status = 200 if context["matches"] and "error" not in context else 403
    return render(request, "agreements/invitation_accept.html", context, status=status)


def _joined(request, invitation: Invitation):
    messages.success(
        request,
        _("Välkommen! Du är nu med i %(name)s som %(role)s.")
        % {"name": invitation.party.name, "role": invitation.get_role_display().lower()},
    )
    return redirect("agreements:party", invitation.party_id)
