"""A hostile partner's (or a removed member's, or a stranger's) attempts on the write paths
merged with members and invitations, due items, single sign-on and two-factor login. Each
test is an attack: some once worked and were fixed with the test, the rest pin a guard that
held."""

import re
import secrets
from datetime import date
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from agreements.models import (
    Agreement,
    AgreementParty,
    AgreementStatus,
    DecisionCondition,
    DueOverride,
    Invitation,
    Membership,
    Party,
    PartyKind,
    PartyRole,
    Report,
)
from agreements.services import DomainError
from agreements.services.due import change_due_item
from agreements.services.members import (
    accept_invitation,
    invite_member,
    pending_invitation_for,
    remove_member,
)
from agreements.services.sso import SsoRefused, user_for_sso_login
from funding.models import PaymentPlan
from iop.models import UserSession
from tests.factories import make_line, make_member, make_party, make_world
from tests.sso.conftest import REGION_NUMBER, make_provider
from tests.test_two_factor import clock as clock  # noqa: F401 (the pinned TOTP clock)
from tests.test_two_factor import give_app, goes_to, member, password_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def world_():
    return make_world()


# --- Two-factor ---------------------------------------------------------------------------


def test_a_session_opened_before_the_app_cannot_take_new_recovery_codes(client, clock):
    """A password thief logged in before the owner set up the app: within the minutes the
    session keeps its step, it must not mint recovery codes (a lasting way past the code)."""
    user = member(make_party(kind="region"))
    password_login(client, user)  # no app yet: the session owes no second step
    old = give_app(user, clock)  # the owner, in another session
    response = client.post(reverse("two_factor:regenerate"))
    assert goes_to(response, "two_factor:verify")
    tokens = StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    assert set(tokens) == set(old)
    assert "<code>" not in client.get(reverse("two_factor:codes")).content.decode()


def test_a_session_opened_before_the_app_cannot_remove_it(client, clock):
    user = member(make_party(kind="region"))
    password_login(client, user)
    give_app(user, clock)
    response = client.post(reverse("two_factor:remove"))
    assert goes_to(response, "two_factor:verify")
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1


# --- Members and invitations ----------------------------------------------------------------


def test_a_removed_member_cannot_rejoin_through_an_invitation_still_pending(world_, mailoutbox):
    """The secretary was invited to become an administrator too; the administrators then
    removed them. The link in their inbox must not bring them back, as administrator."""
    admin, secretary = world_.users["admin"], world_.users["secretary"]
    secretary.email = "sekr@example.se"
    secretary.save()
    now = timezone.now()
    invitation = invite_member(
        party=world_.a, email=secretary.email, role="administrator", by=admin, now=now
    )
    membership = Membership.objects.get(user=secretary, party=world_.a)
    remove_member(membership=membership, version=membership.version, by=admin, now=now)
    invitation.refresh_from_db()
    assert not invitation.is_pending(now)
    assert pending_invitation_for(secretary.email, now=now) is None
    with pytest.raises(DomainError):
        accept_invitation(invitation=invitation, user=secretary, now=now)
    assert not Membership.objects.filter(user=secretary).exists()


def test_a_sharp_s_address_does_not_take_the_strasse_invitation(mailoutbox):
    """'straße' and 'strasse' are two mailboxes: str.casefold made them one, so a person
    whose provider vouches for straße@… took the invitation sent to strasse@…, in its role.
    Case still does not count."""
    region = Party.objects.create(name="Region A", kind=PartyKind.REGION, org_number=REGION_NUMBER)
    now = timezone.now()
    invitation = invite_member(
        party=region, email="strasse@example.se", role="administrator", by=None, now=now
    )
    provider = make_provider("https://idp.region-a.se")
    claims = {"sub": "1", "email": "straße@example.se", "email_verified": True}
    assert pending_invitation_for(claims["email"], now=now) is None
    with pytest.raises(SsoRefused):
        user_for_sso_login(provider=provider, claims=claims, now=now)
    invitation.refresh_from_db()
    assert invitation.is_pending(now)
    claims["email"] = "Strasse@EXAMPLE.se"
    user = user_for_sso_login(provider=provider, claims=claims, now=now)
    assert user.memberships.get().role == "administrator"


def test_an_invitation_to_a_sharp_s_domain_goes_there_and_matches_only_it(world_, mailoutbox):
    """An address of the domain straße.se was stored and mailed as strasse.se, another
    domain. Its domain is now only lower-cased; an invitation stored by the earlier rule (in
    lower case) is still found by the address in any case."""
    admin, now = world_.users["admin"], timezone.now()
    invitation = invite_member(
        party=world_.a, email="Kim@Straße.se", role="secretary", by=admin, now=now
    )
    assert (invitation.email, mailoutbox[-1].to) == ("Kim@straße.se", ["Kim@straße.se"])
    assert pending_invitation_for("kim@strasse.se", now=now) is None
    other = make_member("kim_ss", world_.b, "coordinator")
    other.email = "kim@strasse.se"
    other.save()
    with pytest.raises(DomainError):
        accept_invitation(invitation=invitation, user=other, now=now)
    assert pending_invitation_for("KIM@STRAßE.SE", now=now) == invitation
    Invitation.objects.filter(pk=invitation.pk).update(email="kim@example.se")
    invitation.refresh_from_db()
    assert pending_invitation_for("Kim@Example.se", now=now) == invitation
    other.email = "KIM@example.se"
    other.save()
    assert accept_invitation(invitation=invitation, user=other, now=now).role == "secretary"


# --- Single sign-on -------------------------------------------------------------------------


def test_a_group_claim_gives_no_role_the_organisation_does_not_offer(mailoutbox):
    """A non-profit's users are coordinators: a group mapped to administrator (a slip in the
    operator's mapping) must not make its members administrators, who close and review the
    agreement's items of every party."""
    nonprofit = Party.objects.create(
        name="Förening B", kind=PartyKind.NONPROFIT, org_number=REGION_NUMBER
    )
    now = timezone.now()
    invite_member(party=nonprofit, email="ny@forening.se", role="coordinator", by=None, now=now)
    provider = make_provider(
        "https://idp.forening.se",
        group_roles={REGION_NUMBER: {"samordnare": "coordinator", "styrelse": "administrator"}},
        scopes="openid email groups",
    )
    claims = {
        "sub": "1",
        "email": "ny@forening.se",
        "email_verified": True,
        "groups": ["samordnare", "styrelse"],
    }
    user = user_for_sso_login(provider=provider, claims=claims, now=now)
    assert set(user.memberships.values_list("role", flat=True)) == {"coordinator"}


def _group_login(groups, mapping):
    provider = make_provider(
        "https://idp.example.se", group_roles={REGION_NUMBER: mapping}, scopes="openid email groups"
    )
    claims = {"sub": "1", "email": "kim@example.se", "email_verified": True, "groups": groups}
    return user_for_sso_login(provider=provider, claims=claims, now=timezone.now())


@pytest.mark.parametrize(
    "kind, manager, groups",
    [
        (PartyKind.REGION, "administrator", ["iop-sekreterare"]),  # demoted by the claim
        (PartyKind.REGION, "administrator", ["alla-anstallda"]),  # dropped altogether
        (PartyKind.NONPROFIT, "coordinator", []),  # a non-profit's coordinators manage it
    ],
)
def test_a_group_claim_does_not_take_the_last_managers_role(caplog, kind, manager, groups):
    """A slip in the provider's groups (or a hostile operator there) must not leave the
    organisation without anyone who manages its members: the last one keeps the role, as
    removing them by hand is refused (services.members), and the log says so."""
    party = Party.objects.create(name="Organisation O", kind=kind, org_number=REGION_NUMBER)
    kim = make_member("kim", party, manager)
    kim.email = "kim@example.se"
    kim.save()
    mapping = {"iop-admin": "administrator", "iop-samordnare": "coordinator"}
    mapping |= {"iop-sekreterare": "secretary"}
    assert _group_login(groups, mapping) == kim
    roles = set(kim.memberships.values_list("role", flat=True))
    assert manager in roles
    assert ("secretary" in roles) is ("iop-sekreterare" in groups)
    assert "no one else manages" in caplog.text
    # With another manager the claim has its way.
    make_member("kim2", party, manager)
    if kind == PartyKind.REGION:
        _group_login(["iop-sekreterare"], mapping)
        assert set(kim.memberships.values_list("role", flat=True)) == {"secretary"}
    else:
        with pytest.raises(SsoRefused):  # no role left: no login, nothing changed
            _group_login(groups, mapping)


# --- Due items ------------------------------------------------------------------------------


@pytest.fixture
def due_world():
    world = make_world()
    agreement = world.own["agreement"]
    agreement.status, agreement.notice_months = AgreementStatus.ACTIVE, 6
    agreement.save()  # ends 2028-12-31: notice by 2028-06-30
    world.agreement = agreement
    world.t1 = f"report:{agreement.pk}:2026:T1"
    world.notice = f"notice:{agreement.pk}"
    # A second non-profit on the same agreement, with its own coordinator.
    world.f = make_party("Förening F")
    AgreementParty.objects.create(
        agreement=agreement, party=world.f, role=PartyRole.NONPROFIT, position=5
    )
    world.users["partner"] = make_member("samord_f", world.f, "coordinator")
    return world


def _post_due(client, world, user, key, **fields):
    client.force_login(user)
    data = {"key": key, "action": "closed", "reason": "Stängs"}
    data["submit_token"] = secrets.token_urlsafe(32)
    return client.post(reverse("agreements:due_items", args=[world.agreement.pk]), data | fields)


@pytest.mark.parametrize(
    "who, item, status",
    [
        ("coordinator", "notice", 403),  # not a report: the administrators'
        ("admin", "t1", 403),  # the non-profit's report: not the region's to close or move
        ("partner", "t1", 403),  # another non-profit's report on the same agreement
        ("secretary", "t1", 403),
        ("outsider", "t1", 404),
    ],
)
def test_a_due_item_is_closed_only_by_those_it_belongs_to(client, due_world, who, item, status):
    key = getattr(due_world, item)
    response = _post_due(client, due_world, due_world.users[who], key)
    assert response.status_code == status
    assert not DueOverride.objects.exists()


def test_a_forged_key_or_an_overlong_reason_changes_nothing(client, due_world):
    coordinator = due_world.users["coordinator"]
    other = f"report:{due_world.other['agreement'].pk}:2026:T1"
    assert _post_due(client, due_world, coordinator, other).status_code == 400
    response = _post_due(client, due_world, coordinator, due_world.t1, reason="x" * 2001)
    assert response.status_code == 200 and "error-summary" in response.content.decode()
    assert not DueOverride.objects.exists()
    # The coordinator's own report they may close.
    assert _post_due(client, due_world, coordinator, due_world.t1).status_code == 302
    assert DueOverride.objects.get().by == coordinator


@pytest.fixture
def pinned_day(monkeypatch):
    """The pages' day: before the agreement starts, its notice date ahead."""
    day = date(2026, 1, 10)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: day)
    return day


@pytest.fixture
def awaited_decision(due_world, pinned_day):
    """The agreement still proposed: the region's decision holds only if municipality M, a
    party too, decides the same; M has an administrator of its own."""
    municipality = make_party("Kommun M", kind=PartyKind.MUNICIPALITY)
    AgreementParty.objects.create(
        agreement=due_world.agreement, party=municipality, role=PartyRole.PUBLIC, position=6
    )
    due_world.users["admin_m"] = make_member("admin_m", municipality, "administrator")
    Agreement.objects.filter(pk=due_world.agreement.pk).update(status=AgreementStatus.PROPOSED)
    condition = DecisionCondition.objects.create(
        decision=due_world.own["decision"], party=municipality, body="Socialnämnden"
    )
    return f"decision:{due_world.agreement.pk}:{condition.pk}"


def test_a_partner_does_not_close_another_partys_awaited_decision(
    client, due_world, awaited_decision, pinned_day
):
    """Region A must not mark municipality M's decision as no longer awaited (nor move it):
    the item is M's own. Neither the post nor the service lets it, and the page offers it
    to M's administrator only."""
    admin_a, admin_m = due_world.users["admin"], due_world.users["admin_m"]
    for action in ("closed", "moved"):
        response = _post_due(
            client, due_world, admin_a, awaited_decision, action=action, due_date="2026-03-01"
        )
        assert response.status_code == 403
    with pytest.raises(DomainError):
        change_due_item(
            agreement=due_world.agreement,
            key=awaited_decision,
            action="closed",
            reason="Stängs",
            by=admin_a,
            now=timezone.now(),
            today=pinned_day,
        )
    assert not DueOverride.objects.exists()
    url = reverse("agreements:due_items", args=[due_world.agreement.pk])
    link = f"?nyckel={quote(awaited_decision)}"
    client.force_login(admin_a)
    assert link not in client.get(url).content.decode()
    assert client.get(url + link).status_code == 403
    client.force_login(admin_m)
    assert link in client.get(url).content.decode()
    assert _post_due(client, due_world, admin_m, awaited_decision).status_code == 302
    assert DueOverride.objects.get().by == admin_m


def test_the_agreements_own_item_is_closed_by_an_administrator_of_any_party(
    client, due_world, pinned_day
):
    """The notice date belongs to the agreement as a whole, not to one party."""
    assert (
        _post_due(client, due_world, due_world.users["admin"], due_world.notice).status_code == 302
    )
    assert DueOverride.objects.get().key == due_world.notice


@pytest.mark.parametrize("powers", ["permission", "group", "staff"])
def test_a_provider_does_not_speak_for_a_user_with_powers_beyond_its_organisations(powers):
    """The national index's maintainer (a permission, alone or through a group) or a staff
    member of the admin site is a member of the region too: the region's provider must not
    log in as them, and with them change every organisation's uplift."""
    from django.contrib.auth.models import Group, Permission

    region = Party.objects.create(name="Region A", kind=PartyKind.REGION, org_number=REGION_NUMBER)
    user = make_member("indexforvaltare", region, "administrator")
    user.email = "index@region-a.se"
    permission = Permission.objects.get(codename="maintain_national_index")
    if powers == "permission":
        user.user_permissions.add(permission)
    elif powers == "group":
        group = Group.objects.create(name="Indexförvaltare")
        group.permissions.add(permission)
        user.groups.add(group)
    else:
        user.is_staff = True
    user.save()
    provider = make_provider("https://idp.region-a.se")
    claims = {"sub": "1", "email": user.email, "email_verified": True}
    with pytest.raises(SsoRefused):
        user_for_sso_login(provider=provider, claims=claims, now=timezone.now())


@pytest.mark.parametrize(
    "email",
    [
        "kim@example.se\r\nBcc: alla@example.se",
        "kim@example.se\nCc: x@example.se",
        "kim@example.se, mallory@example.se",
        "Kim <kim@example.se>",
        "kim@example.se%0d%0abcc:x@example.se",
    ],
)
def test_an_invitation_goes_to_one_plain_address_or_nowhere(world_, mailoutbox, email):
    with pytest.raises(DomainError):
        invite_member(
            party=world_.a,
            email=email,
            role="coordinator",
            by=world_.users["admin"],
            now=timezone.now(),
        )
    assert mailoutbox == []


def test_an_invitation_link_works_once_for_the_invited_address_only(world_, mailoutbox):
    """Another member logged in cannot take it; the invitee's use spends it; its token is
    never stored, so the stored hash is no link."""
    admin, secretary = world_.users["admin"], world_.users["secretary"]
    invite_member(
        party=world_.a, email="ny@example.se", role="administrator", by=admin, now=timezone.now()
    )
    path = re.search(r"/inbjudan/[A-Za-z0-9_-]+/", mailoutbox[-1].body).group(0)
    thief = Client()
    thief.force_login(secretary)
    assert thief.post(path).status_code == 403
    assert not Membership.objects.filter(user=secretary, role="administrator").exists()
    stored = Invitation.objects.get().token_hash
    assert Client().get(f"/inbjudan/{stored}/").status_code == 404
    assert Client().get("/inbjudan/" + "A" * 5000 + "/").status_code == 404


def test_a_partner_does_not_close_another_partys_payment(client, due_world):
    """A party's payments are its own commitment (access.funding_parties_for): the region's
    administrator must not mark the municipality's payment as no longer expected."""
    municipality = make_party("Kommun M", kind=PartyKind.MUNICIPALITY)
    AgreementParty.objects.create(
        agreement=due_world.agreement, party=municipality, role=PartyRole.PUBLIC, position=6
    )
    admin_m = make_member("admin_m", municipality, "administrator")
    line = make_line(due_world.agreement, municipality, {2027: 1000}, receiver=due_world.b)
    PaymentPlan.objects.create(line=line, bankgiro="403-4849")
    key = f"payment:{line.pk}:2027:1"
    refused = _post_due(client, due_world, due_world.users["admin"], key)
    assert refused.status_code == 403
    assert not DueOverride.objects.exists()
    assert _post_due(client, due_world, admin_m, key).status_code == 302
    assert DueOverride.objects.get().by == admin_m


def test_a_manager_who_removes_themselves_is_logged_out_at_once(client, world_):
    """Another administrator remains; the one who leaves is sent to the login page, and the
    session they had ends with them (no page of the organisation opens after)."""
    admin = world_.users["admin"]
    make_member("admin_a2", world_.a, "administrator")
    client.force_login(admin)
    membership = Membership.objects.get(user=admin, party=world_.a)
    url = reverse("agreements:member_remove", args=[membership.pk])
    response = client.post(url, {"version": membership.version})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not UserSession.objects.filter(user_id=admin.pk).exists()
    after = client.get(reverse("agreements:members", args=[world_.a.pk]))
    assert after.status_code == 302 and after["Location"].startswith(reverse("login"))


# --- Report filing --------------------------------------------------------------------------


@pytest.mark.parametrize("who, status", [("partner", 403), ("admin", 403), ("outsider", 404)])
def test_only_the_reporting_organisation_hands_in_its_report(client, due_world, who, status):
    """Another non-profit on the same agreement, the region's administrator and an outsider
    neither see the check page nor hand in B's report with its version."""
    report = due_world.own["report"]
    report.text = "Vad vi gjorde"
    report.save()
    url = reverse("agreements:report_submit", args=[report.pk])
    client.force_login(due_world.users[who])
    assert client.get(url).status_code == status
    assert client.post(url, {"version": report.version}).status_code == status
    assert Report.objects.get(pk=report.pk).submitted_at is None
    # B's coordinator hands it in with the same post.
    client.force_login(due_world.users["coordinator"])
    assert client.post(url, {"version": report.version}).status_code == 302
    assert Report.objects.get(pk=report.pk).submitted_at is not None
