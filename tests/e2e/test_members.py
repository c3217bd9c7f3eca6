"""An administrator invites a colleague by e-mail, the colleague joins through the link, and
is later removed: logged out at once, their history kept."""

import re

import pytest
from playwright.sync_api import expect

from agreements.models import Membership, PartyKind
from tests.factories import make_party

from .conftest import shot
from .test_journey import log_in, make_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_invite_join_and_remove_a_member(new_page, transactional_db, mailoutbox):
    region = make_party("Region Nord", kind=PartyKind.REGION)
    make_login("anna.admin", region, "administrator")
    anna = new_page()
    log_in(anna, "anna.admin")

    anna.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Medlemmar").click()
    expect(anna.get_by_role("heading", level=1)).to_have_text("Medlemmar")
    anna.get_by_role("link", name="Bjud in").click()
    anna.get_by_label("E-postadress").fill("Bo.Berg@example.se")
    anna.get_by_label("Nämndsekreterare").check()
    anna.get_by_role("button", name="Skicka inbjudan").click()
    expect(anna.get_by_text("En inbjudan är skickad till bo.berg@example.se.")).to_be_visible()
    shot(anna, "members-invited")

    # The link names SITE_URL; the test server answers at another address.
    link = re.search(r"https?://\S+?(/inbjudan/\S+/)", mailoutbox[0].body).group(1)
    bo = new_page()
    bo.goto(link)
    expect(bo.get_by_role("heading", level=1)).to_have_text("Gå med i Region Nord")
    bo.get_by_label("Förnamn").fill("Bo")
    bo.get_by_label("Efternamn").fill("Berg")
    bo.locator("#id_password1").fill("ett-långt-lösen-42")
    bo.get_by_label("Lösenordet igen").fill("ett-långt-lösen-42")
    bo.get_by_role("button", name="Skapa konto och gå med").click()
    expect(bo.get_by_role("heading", level=1)).to_have_text("Region Nord")
    expect(bo.get_by_text("Du är nu med i Region Nord")).to_be_visible()

    anna.reload()
    anna.get_by_role("link", name="Ta bort Bo Berg").click()
    expect(anna.get_by_role("heading", level=1)).to_contain_text("Ta bort Bo Berg")
    anna.get_by_role("button", name="Ta bort ur organisationen").click()
    expect(anna.get_by_text("Bo Berg är borttagen ur organisationen.")).to_be_visible()
    assert not Membership.objects.filter(user__username="bo.berg@example.se").exists()

    bo.reload()
    expect(bo.get_by_role("heading", level=1)).to_have_text("Logga in")
    # Anna sees the whole story on the organisation's page.
    anna.goto(f"/organisationer/{region.pk}/")
    expect(anna.get_by_text("Bjöds in som nämndsekreterare")).to_be_visible()
    expect(anna.get_by_text("Togs bort (nämndsekreterare)")).to_be_visible()
