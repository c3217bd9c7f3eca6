"""An administrator invites a colleague by e-mail, the colleague joins through the link, and
is later removed: logged out at once, their history kept. An invited coordinator files their
organisation's report on the day they join."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from agreements.models import Membership, PartyKind, Report, ReportStatus
from tests.factories import make_agreement, make_party

from .conftest import shot
from .test_journey import log_in, make_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def invitation_link(mail):
    """The invitation's path: the link names SITE_URL, the test server answers elsewhere."""
    return re.search(r"https?://\S+?(/inbjudan/\S+/)", mail.body).group(1)


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

    bo = new_page()
    bo.goto(invitation_link(mailoutbox[0]))
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


def test_an_invited_coordinator_joins_and_hands_in_a_report(new_page, transactional_db, mailoutbox):
    region = make_party("Region Nord", kind=PartyKind.REGION)
    nonprofit = make_party("Föreningen Stöd")
    agreement = make_agreement(region, nonprofit, title="Stöd till barn", status="active")
    report = Report.objects.create(
        agreement=agreement, party=region, year=2026, period="T1", due_date=date(2026, 5, 30)
    )
    make_login("anna.admin", region, "administrator")
    anna = new_page()
    log_in(anna, "anna.admin")
    anna.goto(f"/organisationer/{region.pk}/medlemmar/bjud-in/")
    anna.get_by_label("E-postadress").fill("cilla.ek@example.se")
    anna.get_by_label("Samordnare").check()
    anna.get_by_role("button", name="Skicka inbjudan").click()
    expect(anna.get_by_text("En inbjudan är skickad till cilla.ek@example.se.")).to_be_visible()

    cilla = new_page()
    cilla.goto(invitation_link(mailoutbox[0]))
    cilla.get_by_label("Förnamn").fill("Cilla")
    cilla.get_by_label("Efternamn").fill("Ek")
    cilla.locator("#id_password1").fill("ett-långt-lösen-42")
    cilla.get_by_label("Lösenordet igen").fill("ett-långt-lösen-42")
    cilla.get_by_role("button", name="Skapa konto och gå med").click()
    expect(cilla.get_by_text("Du är nu med i Region Nord")).to_be_visible()

    # Her organisation's agreement, its report, the check page, handed in.
    cilla.get_by_role("navigation", name="Huvudmeny").get_by_role(
        "link", name="Överenskommelser"
    ).click()
    cilla.get_by_role("link", name="Stöd till barn").click()
    expect(cilla.get_by_role("heading", level=1)).to_have_text("Stöd till barn")
    cilla.locator("#rapporter").get_by_role("link", name=report.period_label).click()
    expect(cilla.get_by_role("heading", level=1)).to_have_text(f"Rapport {report.period_label}")
    cilla.get_by_label("Redovisning").fill("Regionen har följt upp insatsen med föreningen.")
    cilla.get_by_role("button", name="Granska och lämna in").click()
    expect(cilla.get_by_role("heading", level=1)).to_have_text("Kontrollera och lämna in")
    expect(cilla.get_by_text("Regionen har följt upp insatsen med föreningen.")).to_be_visible()
    cilla.get_by_role("button", name="Lämna in", exact=True).click()
    expect(cilla.get_by_text(re.compile("är inlämnad till"))).to_be_visible()
    shot(cilla, "members-invited-coordinator-reported")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.submitted_by.get_full_name() == "Cilla Ek"
    assert report.text == "Regionen har följt upp insatsen med föreningen."
