"""An organisation's members: invitations by e-mail, accepting them, changing a member's role
and removing a member. Every change of a membership is a history record with who made it.

An invitation is a one-time link: invite_member e-mails it and stores only the SHA-256 of its
token. The invitee opens it and either sets a password (a new account) or, when an account has
the invited address, logs in; accept_invitation then adds the membership. Single sign-on calls
the same two functions after its own login:

    invitation = pending_invitation_for(user.email, now=timezone.now())
    if invitation is not None:
        accept_invitation(invitation=invitation, user=user, now=timezone.now())

Who may do which is agreements.access's answer (may_manage_members); these functions trust
their caller to have asked it. The rules they keep themselves: the roles offered fit the
organisation (access.roles_offered), and the last member who manages the members is neither
removed nor given another role, so no organisation is left without one.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from agreements.access import member_manager_role, roles_offered
from agreements.models import Invitation, Membership, Party
from iop.sessions import end_sessions_of

from . import DomainError
from .conflicts import check_version

# How long an invitation's link opens.
INVITATION_VALID_FOR = timedelta(days=7)
# A new account's user name is the invited address (Django's user name holds 150 characters).
USERNAME_MAX_LENGTH = 150


def token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def normalize_email(email):
    """The address as invitations store it: trimmed, its domain in lower case (a domain's
    case never matters; the local part is kept as typed, the mail goes there)."""
    email = email.strip()
    local, at, domain = email.rpartition("@")
    return f"{local}{at}{domain.lower()}" if at else email


def same_email(one, other):
    """Whether two addresses are one, as the stored addresses are compared in queries
    (email__iexact): letters' case does not tell them apart, but nothing is folded, so
    'straße@example.se' is not 'strasse@example.se' (str.casefold would make them one)."""
    return normalize_email(one).lower() == normalize_email(other).lower()


def users_with_email(email):
    return get_user_model().objects.filter(email__iexact=normalize_email(email), is_active=True)


def _check_role(party, role):
    if role not in roles_offered(party):
        raise DomainError(_("Den rollen kan inte ges i den här organisationen."))


def lock_party(party):
    """The organisation's row, locked for the rest of the transaction."""
    # Every change of an organisation's members takes its row's lock first: two managers
    # removing each other at once must not leave it without one.
    return Party.objects.select_for_update().get(pk=party.pk)


def invite_member(*, party, email, role, by, now):
    """Invite the address to the organisation with the role: e-mail a one-time link that
    opens until now + INVITATION_VALID_FOR. An earlier pending invitation of the address to
    the organisation is revoked. Nothing is stored when the e-mail cannot be sent."""
    email = normalize_email(email)
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError(_("Ange en giltig e-postadress.")) from None
    if len(email) > USERNAME_MAX_LENGTH:
        raise DomainError(
            _("E-postadressen får ha högst %(n)s tecken: den blir användarnamnet.")
            % {"n": USERNAME_MAX_LENGTH}
        )
    _check_role(party, role)
    with transaction.atomic():
        party = lock_party(party)
        held = Membership.objects.filter(party=party, role=role, user__email__iexact=email)
        if held.exists():
            raise DomainError(
                _("%(email)s har redan den rollen i organisationen.") % {"email": email}
            )
        for earlier in party.invitations.filter(
            email__iexact=email, accepted_at=None, revoked_at=None, expires_at__gt=now
        ):
            _revoke(earlier, by=by, now=now)
        token = secrets.token_urlsafe(32)
        invitation = Invitation(
            party=party,
            email=email,
            role=role,
            invited_by=by,
            token_hash=token_hash(token),
            created_at=now,
            expires_at=now + INVITATION_VALID_FOR,
        )
        invitation._history_user = by
        invitation.save()
        _send_invitation(invitation, token)
    return invitation


def _send_invitation(invitation, token):
    """E-mail the link (in the site's language: the invitee's is not known yet)."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "invitation": invitation,
            "party": invitation.party,
            "role": invitation.get_role_display(),
            "inviter": invitation.invited_by.get_full_name() or invitation.invited_by.username
            if invitation.invited_by
            else "",
            "url": settings.SITE_URL + reverse("agreements:invitation", args=[token]),
            "expires": invitation.expires_at,
        }
        subject = render_to_string("agreements/email/invitation_subject.txt", context)
        body = render_to_string("agreements/email/invitation_body.txt", context)
    try:
        send_mail(" ".join(subject.split()), body, None, [invitation.email])
    except Exception:
        raise DomainError(
            _("Inbjudan kunde inte skickas med e-post. Försök igen om en stund.")
        ) from None


def invitation_for_token(token):
    """The invitation whose link carries token (whatever its state), or None."""
    if not token or len(token) > 100:
        return None
    return (
        Invitation.objects.select_related("party", "invited_by")
        .filter(token_hash=token_hash(token))
        .first()
    )


def pending_invitation_for(email, *, now, among=None):
    """The newest invitation to the address that still opens at now, or None; with among,
    only an invitation to one of those organisations.

    For a login that proves the address by itself (single sign-on, agreements.services.sso):
    the caller then accepts it for the signed-in person.
    """
    invitations = Invitation.objects.filter(
        email__iexact=normalize_email(email), accepted_at=None, revoked_at=None, expires_at__gt=now
    )
    if among is not None:
        invitations = invitations.filter(party__in=list(among))
    return invitations.select_related("party").order_by("-created_at", "-id").first()


def accept_invitation(*, invitation, user, now):
    """Add the invited membership to the user's account and use the invitation up; refused
    when it no longer opens at now or the account's e-mail address is not the invited one.
    Returns the membership (the existing one when the user already holds the role)."""
    if not same_email(user.email or "", invitation.email):
        raise DomainError(_("Inbjudan gäller en annan e-postadress än den som ditt konto har."))
    with transaction.atomic():
        lock_party(invitation.party)
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_pending(now):
            raise DomainError(_("Inbjudan har redan använts, återkallats eller gått ut."))
        membership = Membership.objects.filter(
            user=user, party_id=invitation.party_id, role=invitation.role
        ).first()
        if membership is None:
            membership = Membership(user=user, party_id=invitation.party_id, role=invitation.role)
            membership._history_user = user
            membership.save()
        invitation.accepted_at, invitation.accepted_by = now, user
        invitation._history_user = user
        invitation.save()
    return membership


def accept_as_new_user(*, invitation, first_name, last_name, password, now):
    """Create the invitee's account (user name: the invited address in lower case, as it
    always was and people type it to log in) with the password (None: no password, for a
    person whose identity provider vouches for them) and accept the invitation for it;
    refused when an account already has that address."""
    User = get_user_model()
    with transaction.atomic():
        if (
            users_with_email(invitation.email).exists()
            or User.objects.filter(username__iexact=invitation.email).exists()
        ):
            raise DomainError(
                _("Det finns redan ett konto med den e-postadressen. Logga in för att gå med.")
            )
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    username=invitation.email.lower(),
                    email=invitation.email,
                    password=password,
                    first_name=first_name,
                    last_name=last_name,
                )
        except IntegrityError:
            raise DomainError(
                _("Det finns redan ett konto med den e-postadressen. Logga in för att gå med.")
            ) from None
        accept_invitation(invitation=invitation, user=user, now=now)
    return user


def _revoke(invitation, *, by, now):
    invitation.revoked_at, invitation.revoked_by = now, by
    invitation._history_user = by
    invitation.save()


def revoke_invitation(*, invitation, by, now):
    """Stop an invitation's link from opening; refused once it is used, revoked or expired."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_pending(now):
            raise DomainError(_("Inbjudan har redan använts, återkallats eller gått ut."))
        _revoke(invitation, by=by, now=now)
    return invitation


def is_last_manager(*, party, user, role):
    """Whether the user's role is the one that manages the organisation's members and no
    one else holds it there: the role is then neither removed nor changed, so no
    organisation is left without one. Ask it with the organisation locked (lock_party)."""
    return (
        role == member_manager_role(party)
        and not Membership.objects.filter(party=party, role=role).exclude(user=user).exists()
    )


def change_role(*, membership, role, version, by):
    """Give the member another role instead of this one; refused from a stale page
    (EditConflict), for a role the organisation does not offer or the member already holds,
    and for the last member who manages the members."""
    with transaction.atomic():
        party = lock_party(membership.party)
        membership = Membership.objects.select_for_update().get(pk=membership.pk)
        check_version(membership, version, where=str(membership.user), posted={"role": role})
        _check_role(party, role)
        if role == membership.role:
            return membership
        if is_last_manager(party=party, user=membership.user, role=membership.role):
            raise DomainError(
                _(
                    "%(user)s är den enda som hanterar organisationens medlemmar och behåller "
                    "rollen."
                )
                % {"user": _name(membership.user)}
            )
        if Membership.objects.filter(user=membership.user, party=party, role=role).exists():
            raise DomainError(_("Medlemmen har redan den rollen."))
        membership.role = role
        membership.version += 1
        membership._history_user = by
        membership.save()
    return membership


def remove_member(*, membership, version, by, now):
    """Remove the member from the organisation (every role held there), revoke the
    invitations to their address still open there, and end their sessions, so no page stays
    open to them; their history stays. Refused from a stale page and for the last member who
    manages the members."""
    with transaction.atomic():
        party = lock_party(membership.party)
        membership = Membership.objects.select_for_update().filter(pk=membership.pk).first()
        if membership is None:
            raise DomainError(_("Medlemmen är redan borttagen."))
        check_version(membership, version, where=str(membership.user), posted={})
        user = membership.user
        held = list(Membership.objects.select_for_update().filter(user=user, party=party))
        if any(is_last_manager(party=party, user=user, role=m.role) for m in held):
            raise DomainError(
                _(
                    "%(user)s är den enda som hanterar organisationens medlemmar och kan inte "
                    "tas bort."
                )
                % {"user": _name(user)}
            )
        for row in held:
            row._history_user = by
            row.delete()
        # A link still in their inbox would bring them back, in the role it offers.
        for invitation in party.invitations.select_for_update().filter(
            email__iexact=normalize_email(user.email or ""),
            accepted_at=None,
            revoked_at=None,
            expires_at__gt=now,
        ):
            _revoke(invitation, by=by, now=now)
        end_sessions_of(user)
    return user


def _name(user):
    return user.get_full_name() or user.get_username()


def create_first_administrator(*, party, email, by, now):
    """The first member who manages an organisation's members (the operator's one task):
    an account with the address gets the membership at once; any other address is invited.
    Returns (membership, None) or (None, invitation)."""
    role = member_manager_role(party)
    users = list(users_with_email(email)[:2])
    if len(users) == 1:
        with transaction.atomic():
            lock_party(party)
            membership = Membership.objects.filter(user=users[0], party=party, role=role).first()
            if membership is None:
                membership = Membership(user=users[0], party=party, role=role)
                membership._history_user = by
                membership.save()
        return membership, None
    return None, invite_member(party=party, email=email, role=role, by=by, now=now)
