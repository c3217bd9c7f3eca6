"""Who a single sign-on login is (agreements.services.sso), without a provider."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model

from agreements.models import Invitation, Membership, Party, PartyKind
from agreements.services.members import invite_member
from agreements.services.sso import SsoRefused, user_for_sso_login

from .conftest import REGION_NUMBER, make_provider

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
OTHER_NUMBER = "212000-1355"


@pytest.fixture
def region():
    return Party.objects.create(name="Region A", kind=PartyKind.REGION, org_number=REGION_NUMBER)


@pytest.fixture
def other():
    return Party.objects.create(
        name="Kommun C", kind=PartyKind.MUNICIPALITY, org_number=OTHER_NUMBER
    )


def claims(email="ny@region-a.se", **more):
    return {"sub": "1", "email": email, "email_verified": True, **more}


def login(claims, **provider_fields):
    provider = make_provider("https://idp.region-a.se", **provider_fields)
    return user_for_sso_login(provider=provider, claims=claims, now=NOW)


def invite(party, email, role, mailoutbox):
    invite_member(party=party, email=email, role=role, by=None, now=NOW)
    assert mailoutbox, "the invitation is sent"


def test_a_pending_invitation_to_the_providers_organisation_is_accepted(region, mailoutbox):
    invite(region, "Ny@region-a.se", "coordinator", mailoutbox)
    user = login(claims(given_name="Nina", family_name="Ny"))
    assert list(user.memberships.values_list("party", "role")) == [(region.pk, "coordinator")]
    assert (user.email, user.username, user.get_full_name(), user.has_usable_password()) == (
        "Ny@region-a.se",
        "ny@region-a.se",
        "Nina Ny",
        False,
    )
    assert Invitation.objects.get().accepted_by == user
    assert login(claims()) == user  # the next login finds the account


def test_an_invitation_to_another_organisation_is_not_the_providers_to_accept(
    region, other, mailoutbox
):
    invite(other, "ny@region-a.se", "administrator", mailoutbox)
    with pytest.raises(SsoRefused, match="Det finns inget konto"):
        login(claims())
    assert Invitation.objects.get().accepted_at is None
    assert not get_user_model().objects.exists()


def test_an_expired_invitation_is_not_accepted(region, mailoutbox):
    invite_member(
        party=region,
        email="ny@region-a.se",
        role="coordinator",
        by=None,
        now=NOW - timedelta(days=8),
    )
    with pytest.raises(SsoRefused, match="Det finns inget konto"):
        login(claims())
    assert not get_user_model().objects.exists()


def test_an_address_of_two_users_is_refused(region):
    for name in ("a", "b"):
        get_user_model().objects.create(username=name, email="Delad@region-a.se")
    with pytest.raises(SsoRefused, match="Flera konton"):
        login(claims("delad@region-a.se"))


def test_a_user_without_a_role_in_the_providers_organisations_is_refused(region):
    get_user_model().objects.create(username="tom", email="tom@region-a.se")
    with pytest.raises(SsoRefused, match="ingen roll"):
        login(claims("tom@region-a.se"))


def test_a_group_claim_can_give_the_first_role(region):
    tom = get_user_model().objects.create(username="tom", email="tom@region-a.se")
    groups = {REGION_NUMBER: {"iop-sekreterare": "secretary"}}
    assert login(claims("tom@region-a.se", groups=["iop-sekreterare"]), group_roles=groups) == tom
    assert list(tom.memberships.values_list("role", flat=True)) == ["secretary"]


def test_without_a_group_claim_the_roles_stay_as_they_are(region):
    tom = get_user_model().objects.create(username="tom", email="tom@region-a.se")
    Membership.objects.create(user=tom, party=region, role="administrator")
    groups = {REGION_NUMBER: {"iop-sekreterare": "secretary"}}
    login(claims("tom@region-a.se"), group_roles=groups)
    assert list(tom.memberships.values_list("role", flat=True)) == ["administrator"]


def test_losing_the_last_group_loses_the_role_and_the_login(region):
    tom = get_user_model().objects.create(username="tom", email="tom@region-a.se")
    Membership.objects.create(user=tom, party=region, role="secretary")
    groups = {REGION_NUMBER: {"iop-sekreterare": "secretary"}}
    with pytest.raises(SsoRefused, match="ingen roll"):
        login(claims("tom@region-a.se", groups=["alla-anstallda"]), group_roles=groups)
    # Refused in one transaction: nothing changed.
    assert list(tom.memberships.values_list("role", flat=True)) == ["secretary"]


def test_the_verified_flag_may_come_from_another_claim(region):
    tom = get_user_model().objects.create(username="tom", email="tom@region-a.se")
    Membership.objects.create(user=tom, party=region, role="administrator")
    entra = {"sub": "1", "email": "tom@region-a.se", "xms_edov": True}
    assert login(entra, email_verified_claim="xms_edov") == tom
    with pytest.raises(SsoRefused, match="har inte bekräftat"):
        login(entra)
