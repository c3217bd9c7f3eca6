"""Single sign-on through a real OpenID Connect provider (tests/sso/conftest.py)."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model

from agreements.models import Membership, Party, PartyKind
from iop.sso.backend import SSO_BACKEND, SSO_PROVIDER_SESSION_KEY

from .conftest import REGION_NUMBER, sso_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def region():
    return Party.objects.create(name="Region A", kind=PartyKind.REGION, org_number=REGION_NUMBER)


def make_user(username, email, party, role="administrator"):
    user = get_user_model().objects.create(username=username, email=email)
    if party is not None:
        Membership.objects.create(user=user, party=party, role=role)
    return user


def test_a_user_with_the_verified_address_is_logged_in(client, provider, region):
    anna = make_user("anna", "anna.andersson@region-a.se", region)
    response = sso_login(client, "anna")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(anna.pk)
    assert client.session[BACKEND_SESSION_KEY] == SSO_BACKEND
    assert client.session[SSO_PROVIDER_SESSION_KEY] == "test"
