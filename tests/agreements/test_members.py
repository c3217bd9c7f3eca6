"""An organisation's members managed in the app: invitations by e-mail, accepting them, roles,
removal (sessions end, history stays), and who may do it."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from agreements.models import Invitation, Membership
from agreements.services import DomainError
from agreements.services.members import (
    accept_invitation,
    change_role,
    invite_member,
    pending_invitation_for,
    remove_member,
)
from iop.models import UserSession
from tests.factories import make_member, make_world
from tests.forms_html import posted_form

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/inbjudan/[A-Za-z0-9_-]+/")


@pytest.fixture
def world():
    return make_world()


def _invite(client, world, email, role="coordinator"):
    client.force_login(world.users["admin"])
    url = reverse("agreements:member_invite", args=[world.a.pk])
    page = client.get(url)
    token = page.context["once_form"]["submit_token"].value()
    return client.post(url, {"email": email, "role": role, "submit_token": token})


def _link(mailoutbox):
    return LINK.search(mailoutbox[-1].body).group(0).split("://", 1)[1].split("/", 1)[1]


def test_invite_mail_accept_lands_the_new_user_in_the_organisation(client, world, mailoutbox):
    response = _invite(client, world, "Kim@Example.se", role="secretary")
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["Kim@example.se"]  # the domain's case never matters, the rest may
    assert "Region A" in mail.subject and "\n" not in mail.subject
    assert "Nämndsekreterare" in mail.body and "gäller till" in mail.body
    path = "/" + _link(mailoutbox)
    invitation = Invitation.objects.get()
    assert path.rstrip("/").rsplit("/", 1)[1] not in invitation.token_hash  # only the hash

    anonymous = Client()
    page = anonymous.get(path)
    assert page.status_code == 200 and "Gå med i Region A" in page.content.decode()
    response = anonymous.post(
        path,
        {
            "first_name": "Kim",
            "last_name": "Berg",
            "password1": "ett-långt-lösen-42",
            "password2": "ett-långt-lösen-42",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("agreements:party", args=[world.a.pk])
    kim = get_user_model().objects.get(email="Kim@example.se", username="kim@example.se")
    assert kim.check_password("ett-långt-lösen-42")
    assert Membership.objects.filter(user=kim, party=world.a, role="secretary").exists()
    assert anonymous.get(response["Location"]).status_code == 200  # logged in, in the org
    # The link is used up.
    assert Client().get(path).status_code == 410


def test_an_expired_link_is_refused(client, world, mailoutbox):
    _invite(client, world, "kim@example.se")
    path = "/" + _link(mailoutbox)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    anonymous = Client()
    response = anonymous.get(path)
    assert response.status_code == 410
    assert "gällde till" in response.content.decode()
    response = anonymous.post(
        path,
        {"first_name": "K", "last_name": "B", "password1": "x-lång-42-y", "password2": "x"},
    )
    assert response.status_code == 410
    assert not get_user_model().objects.filter(email="kim@example.se").exists()


def test_an_unknown_link_is_not_found(client):
    assert client.get(reverse("agreements:invitation", args=["nonsense"])).status_code == 404


def test_an_existing_user_logs_in_and_gets_a_second_membership(client, world, mailoutbox):
    coordinator = world.users["coordinator"]
    coordinator.email = "samord@example.se"
    coordinator.save()
    _invite(client, world, "SAMORD@example.se", role="coordinator")
    path = "/" + _link(mailoutbox)
    visitor = Client()
    page = visitor.get(path)
    assert "logga in" in page.content.decode().lower()
    assert "form" not in page.context or page.context.get("form") is None
    # Logged in as someone else: refused.
    visitor.force_login(world.users["secretary"])
    assert visitor.post(path).status_code == 403
    assert not Membership.objects.filter(user=coordinator, party=world.a).exists()
    visitor.force_login(coordinator)
    assert visitor.get(path).status_code == 200
    response = visitor.post(path)
    assert response.status_code == 302
    assert set(coordinator.memberships.values_list("party_id", "role")) == {
        (world.b.pk, "coordinator"),
        (world.a.pk, "coordinator"),
    }


def test_single_sign_on_finds_and_accepts_the_pending_invitation(world, mailoutbox):
    now = timezone.now()
    invitation = invite_member(
        party=world.a, email="sso@example.se", role="coordinator", by=world.users["admin"], now=now
    )
    assert pending_invitation_for("SSO@example.se", now=now) == invitation
    assert pending_invitation_for("sso@example.se", now=now + timedelta(days=8)) is None
    user = get_user_model().objects.create(username="sso", email="sso@example.se")
    membership = accept_invitation(invitation=invitation, user=user, now=now)
    assert (membership.party, membership.role) == (world.a, "coordinator")
    assert pending_invitation_for("sso@example.se", now=now) is None
    with pytest.raises(DomainError):
        accept_invitation(invitation=invitation, user=user, now=now)


def test_a_new_invitation_revokes_the_earlier_one(world, mailoutbox):
    now = timezone.now()
    admin = world.users["admin"]
    first = invite_member(party=world.a, email="a@example.se", role="secretary", by=admin, now=now)
    second = invite_member(party=world.a, email="a@example.se", role="secretary", by=admin, now=now)
    first.refresh_from_db()
    assert first.revoked_at is not None and second.is_pending(now)


def test_a_role_the_organisation_does_not_offer_is_refused(world, mailoutbox):
    # A non-profit's users are coordinators.
    with pytest.raises(DomainError):
        invite_member(
            party=world.b,
            email="x@example.se",
            role="administrator",
            by=world.users["coordinator"],
            now=timezone.now(),
        )
    assert not Invitation.objects.exists() and mailoutbox == []


def test_a_removed_members_session_ends_and_their_history_stays(client, world):
    secretary = world.users["secretary"]
    theirs = Client()
    theirs.force_login(secretary)
    assert theirs.get(reverse("agreements:dashboard")).status_code == 200
    assert UserSession.objects.filter(user_id=secretary.pk).count() == 1
    membership = Membership.objects.get(user=secretary)

    client.force_login(world.users["admin"])
    url = reverse("agreements:member_remove", args=[membership.pk])
    page = client.get(url)
    assert page.status_code == 200 and "loggas ut" in page.content.decode()
    response = client.post(url, {"version": membership.version})
    assert response.status_code == 302

    assert not Membership.objects.filter(user=secretary).exists()
    assert UserSession.objects.filter(user_id=secretary.pk).count() == 0
    after = theirs.get(reverse("agreements:dashboard"))
    assert after.status_code == 302 and after["Location"].startswith(reverse("login"))
    # The admin's own session goes on, and the removal is in the history with who did it.
    assert client.get(reverse("agreements:members", args=[world.a.pk])).status_code == 200
    removal = Membership.history.filter(id=membership.pk, history_type="-").get()
    assert removal.history_user == world.users["admin"]
    history = client.get(reverse("agreements:member_history", args=[world.a.pk]))
    assert "Togs bort" in history.content.decode()


def test_the_last_administrator_is_neither_removed_nor_demoted(client, world):
    admin = world.users["admin"]
    membership = Membership.objects.get(user=admin)
    client.force_login(admin)
    response = client.post(
        reverse("agreements:member_remove", args=[membership.pk]), {"version": 1}
    )
    assert response.status_code == 400
    assert "enda" in response.content.decode()
    response = client.post(
        reverse("agreements:member_role", args=[membership.pk]),
        {"role": "secretary", "version": 1},
    )
    assert response.status_code == 400 and "enda" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == "administrator"
    # With a second administrator, the first may step down.
    make_member("admin2_a", world.a, "administrator")
    change_role(membership=membership, role="secretary", version=1, by=admin)
    membership.refresh_from_db()
    assert (membership.role, membership.version) == ("secretary", 2)


def test_a_stale_role_change_is_refused(world):
    admin = world.users["admin"]
    membership = Membership.objects.get(user=world.users["secretary"])
    change_role(membership=membership, role="coordinator", version=1, by=admin)
    with pytest.raises(DomainError, match="efter att du öppnade sidan"):
        change_role(membership=membership, role="administrator", version=1, by=admin)
    with pytest.raises(DomainError):
        remove_member(membership=membership, version=1, by=admin, now=timezone.now())
    membership.refresh_from_db()
    assert membership.role == "coordinator"


def test_saving_again_after_a_role_conflict_keeps_the_role_the_other_gave(client, world):
    membership = Membership.objects.get(user=world.users["secretary"])
    url = reverse("agreements:member_role", args=[membership.pk])
    client.force_login(world.users["admin"])
    stale = posted_form(client.get(url), url)
    change_role(membership=membership, role="administrator", version=1, by=world.users["admin"])

    response = client.post(url, stale)  # saved without changing the role

    page = response.content.decode()
    assert "Någon annan har sparat under tiden" in page
    again = posted_form(response, url)
    assert (again["role"], again["version"]) == ("administrator", "2")
    assert client.post(url, again).status_code == 302
    membership.refresh_from_db()
    assert membership.role == "administrator"


def test_another_organisations_admin_gets_404_and_a_member_who_does_not_manage_403(client, world):
    membership = Membership.objects.get(user=world.users["secretary"])
    urls = [
        reverse("agreements:members", args=[world.a.pk]),
        reverse("agreements:member_invite", args=[world.a.pk]),
        reverse("agreements:member_history", args=[world.a.pk]),
        reverse("agreements:member_role", args=[membership.pk]),
        reverse("agreements:member_remove", args=[membership.pk]),
    ]
    for user, status in (
        (world.users["outsider"], 404),
        (world.users["coordinator"], 404),  # sees org A as a partner, not its members
        (world.users["secretary"], 403),
    ):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == status, (user, url)
            if "medlemmar/" not in url or "bjud-in" in url:
                assert client.post(url).status_code == status, (user, url)
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_members_page_lists_members_and_pending_invitations(
    client, world, mailoutbox, django_assert_max_num_queries
):
    _invite(client, world, "ny@example.se")
    url = reverse("agreements:members", args=[world.a.pk])
    party_page = client.get(reverse("agreements:party", args=[world.a.pk])).content.decode()
    assert url in party_page and "Bjöds in som samordnare" in party_page
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for i in range(20):
        make_member(f"extra{i}", world.a, "coordinator")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url)
    content = page.content.decode()
    assert "Extra19" in content and "ny@example.se" in content
    assert reverse("agreements:party", args=[world.a.pk]) in content
    # The menu links to the members of the one organisation the admin manages.
    assert client.get(reverse("agreements:my_members"))["Location"] == url


def test_the_menu_lists_the_organisations_a_user_manages(client, world):
    admin = world.users["admin"]
    Membership.objects.create(user=admin, party=world.c, role="administrator")
    Membership.objects.create(user=admin, party=world.d, role="coordinator")  # a non-profit
    Membership.objects.create(user=admin, party=world.b, role="secretary")  # not managed there
    client.force_login(admin)
    page = client.get(reverse("agreements:my_members"))
    assert [p.name for p in page.context["parties"]] == ["Förening D", "Kommun C", "Region A"]


def test_a_non_profits_coordinators_manage_its_members_as_coordinators(client, world, mailoutbox):
    client.force_login(world.users["coordinator"])
    url = reverse("agreements:member_invite", args=[world.b.pk])
    page = client.get(url)
    assert [value for value, _ in page.context["form"].fields["role"].choices] == ["coordinator"]
    token = page.context["once_form"]["submit_token"].value()
    response = client.post(
        url, {"email": "ny@forening.se", "role": "administrator"} | {"submit_token": token}
    )
    assert response.status_code == 400 and not Invitation.objects.exists()
    response = client.post(
        url, {"email": "ny@forening.se", "role": "coordinator"} | {"submit_token": token}
    )
    assert response.status_code == 302
    assert Invitation.objects.get().party == world.b


def test_the_organisation_page_shows_member_changes_only_to_those_who_manage(client, world):
    client.force_login(world.users["secretary"])
    page = client.get(reverse("agreements:party", args=[world.a.pk])).content.decode()
    assert reverse("agreements:members", args=[world.a.pk]) not in page
    assert "Senaste ändringar av medlemmar" not in page


def test_an_invitation_is_revoked_and_its_link_then_refused(client, world, mailoutbox):
    _invite(client, world, "kim@example.se")
    path = "/" + _link(mailoutbox)
    invitation = Invitation.objects.get()
    response = client.post(reverse("agreements:invitation_revoke", args=[invitation.pk]))
    assert response.status_code == 302
    assert Client().get(path).status_code == 410


def test_create_org_admin_adds_an_existing_user_or_invites(world, mailoutbox):
    new = make_world_party()
    user = get_user_model().objects.create(username="kim", email="kim@example.se")
    call_command("create_org_admin", new.org_number, "KIM@example.se")
    assert Membership.objects.filter(user=user, party=new, role="administrator").exists()
    call_command("create_org_admin", str(new.pk), "other@example.se")
    invitation = Invitation.objects.get(email="other@example.se")
    assert invitation.role == "administrator" and len(mailoutbox) == 1


def make_world_party():
    from tests.factories import make_party

    return make_party("Kommun Ny", kind="municipality")


def test_an_address_that_is_no_address_or_too_long_for_a_user_name_is_refused(world):
    admin, now = world.users["admin"], timezone.now()
    for email in ("inte en adress", "a" * 140 + "@example.se"):
        with pytest.raises(DomainError):
            invite_member(party=world.a, email=email, role="secretary", by=admin, now=now)
    assert not Invitation.objects.exists()
