"""Who a single sign-on login is: an existing user, an invited person, or nobody.

An identity provider (iop.sso.config.Provider) speaks for the organisations it belongs to and
for no one else. Its claims log in a user only when the e-mail address is verified and
belongs to exactly one user whose roles are all in those organisations (and who holds no
power beyond them: staff, a permission), or to a pending invitation to one of them. A
stranger gets no account. Where the provider maps a group claim
to roles for an organisation, the user's roles there follow the claim at every login, but
for the last member who manages its members, who keeps that role.
"""

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from agreements.access import roles_offered
from agreements.models import Membership, Party

from . import DomainError
from .members import accept_as_new_user, is_last_manager, lock_party, pending_invitation_for

log = logging.getLogger(__name__)


class SsoRefused(DomainError):
    """A single sign-on login that logs nobody in; the message tells the person why."""


@transaction.atomic
def user_for_sso_login(*, provider, claims, now):
    """Return the user the provider's claims log in, their roles in line with its group claim.

    Raises SsoRefused for an unverified address, an address of several users, an account the
    provider does not speak for (a superuser, staff, a permission, or roles in another
    organisation), and for a stranger without a pending invitation.
    """
    email = verified_email(provider, claims)
    parties = {p.org_number: p for p in Party.objects.filter(org_number__in=provider.organisations)}
    user = _existing_user(provider, email, parties)
    if user is None:
        invitation = pending_invitation_for(email, now=now, among=parties.values())
        if invitation is None:
            raise SsoRefused(
                _(
                    "Det finns inget konto i IOP för %(email)s. Be administratören i din "
                    "organisation att bjuda in dig, och logga sedan in igen."
                )
                % {"email": email}
            )
        user = _accept_invitation(invitation, claims, now)
    apply_group_roles(user=user, provider=provider, claims=claims, parties=parties)
    if not user.memberships.filter(party__in=parties.values()).exists():
        raise SsoRefused(
            _(
                "Ditt konto har ingen roll i de organisationer som loggar in via %(provider)s. "
                "Kontakta administratören i din organisation."
            )
            % {"provider": provider.name}
        )
    return user


def _accept_invitation(invitation, claims, now):
    """The invitee's new account, without a password: the provider vouches for them."""
    try:
        return accept_as_new_user(
            invitation=invitation,
            first_name=_claim_text(claims, "given_name"),
            last_name=_claim_text(claims, "family_name"),
            password=None,
            now=now,
        )
    except SsoRefused:
        raise
    except DomainError as exc:
        raise SsoRefused(str(exc)) from None


def _claim_text(claims, name):
    value = claims.get(name)
    return value.strip()[:150] if isinstance(value, str) else ""


def verified_email(provider, claims):
    """The claims' e-mail address, if the provider vouches for it."""
    email = claims.get("email")
    verified = claims.get(provider.email_verified_claim)
    if not isinstance(email, str) or "@" not in email:
        raise SsoRefused(
            _("%(provider)s skickade ingen e-postadress. Kontakta din IT-avdelning.")
            % {"provider": provider.name}
        )
    # Some providers send the flag as the string "true".
    if verified is not True and str(verified).lower() != "true":
        raise SsoRefused(
            _(
                "%(provider)s har inte bekräftat din e-postadress %(email)s, så den kan inte "
                "kopplas till ett konto. Kontakta din IT-avdelning."
            )
            % {"provider": provider.name, "email": email}
        )
    return email.strip()


def _existing_user(provider, email, parties):
    """The one user with the address, if the provider may speak for them; else None."""
    users = list(get_user_model().objects.filter(email__iexact=email)[:2])
    if not users:
        return None
    if len(users) > 1:
        raise SsoRefused(
            _(
                "Flera konton i IOP har e-postadressen %(email)s. Kontakta administratören i "
                "din organisation."
            )
            % {"email": email}
        )
    user = users[0]
    if not user.is_active:
        raise SsoRefused(_("Ditt konto i IOP är avstängt."))
    # A provider's administrators could otherwise mint a login for anyone whose address they
    # type: it speaks only for users whose every role is in its own organisations, and who
    # hold no power beyond them (the admin site, a permission such as the national index's).
    outside = user.memberships.exclude(party__in=parties.values()).exists()
    if outside or _has_powers_beyond_organisations(user):
        raise SsoRefused(
            _(
                "Ditt konto har roller i organisationer som inte loggar in via %(provider)s. "
                "Logga in med användarnamn och lösenord."
            )
            % {"provider": provider.name}
        )
    return user


def _has_powers_beyond_organisations(user):
    return (
        user.is_superuser
        or user.is_staff
        or user.user_permissions.exists()
        or user.groups.filter(permissions__isnull=False).exists()
    )


def apply_group_roles(*, user, provider, claims, parties):
    """Give the user exactly the roles the group claim maps to in each mapped organisation,
    of those the organisation offers (agreements.access.roles_offered), but never take from
    the last member who manages its members that role (members.is_last_manager, as for
    removing a member): a claim that drops it leaves it, with a warning in the log.

    A login without the claim changes nothing: the provider did not say (Entra ID leaves
    the claim out when a user is in too many groups).
    """
    groups = claims.get(provider.groups_claim)
    if groups is None:
        return
    if isinstance(groups, str):
        groups = [groups]
    if not isinstance(groups, list):
        return
    groups = {g for g in groups if isinstance(g, str)}
    for number, roles_by_group in provider.group_roles.items():
        party = parties.get(number)
        if party is None:
            continue
        # Only roles the organisation offers (a non-profit's users are coordinators),
        # whatever the mapping names.
        offered = roles_offered(party)
        wanted = {roles_by_group[g] for g in groups if roles_by_group.get(g) in offered}
        # Locked as every change of its members is: two last managers' logins at once
        # must not each see the other as the one who remains.
        party = lock_party(party)
        held = Membership.objects.filter(user=user, party=party)
        for membership in held:
            if membership.role in wanted:
                continue
            if is_last_manager(party=party, user=user, role=membership.role):
                log.warning(
                    "Single sign-on kept role %s of user %s in organisation %s: the group "
                    "claim drops it, but no one else manages the organisation's members.",
                    membership.role,
                    user.pk,
                    party.pk,
                )
                continue
            membership.delete()
        for role in wanted - {m.role for m in held}:
            Membership.objects.create(user=user, party=party, role=role)
