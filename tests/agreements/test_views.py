"""The browser app's pages: forms show the models' rules beside the field, flows work."""

import io
import zipfile
from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from agreements.models import (
    Agreement,
    AgreementParty,
    AgreementStatus,
    CapacityTarget,
    Decision,
    DecisionOutcome,
    Meeting,
    Party,
    PartyKind,
    Report,
    ReportAttachment,
    ReportStatus,
)
from funding.models import FundingLine, Share
from tests.factories import make_agreement, make_line, make_party, make_world, org_number
from tests.forms_html import fresh_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_world()


def login(client, world, role):
    client.force_login(world.users[role])
    return client


def field_errors(response, form="form"):
    return response.context[form].errors


# --- Agreements ---------------------------------------------------------------------------


def agreement_post(world, **overrides):
    data = {
        "title": "Tre parter",
        "case_number": "RS 2026/1",
        "subject": "",
        "period_start": "2026-01-01",
        "period_end": "2028-12-31",
        "extension_months": "",
        "notice_months": "9",
        "contributions_intro": "",
        "renegotiation_text": "",
        "parter-TOTAL_FORMS": "3",
        "parter-INITIAL_FORMS": "0",
        "parter-MIN_NUM_FORMS": "0",
        "parter-MAX_NUM_FORMS": "1000",
        **fresh_token(),
    }
    for i, (party, role) in enumerate(
        [(world.a, "public"), (world.c, "public"), (world.b, "nonprofit")]
    ):
        data[f"parter-{i}-party"] = party.pk
        data[f"parter-{i}-role"] = role
    # Kommun C shares no agreement with A: it is not offered in the list, but found by number.
    data["parter-1-party"] = ""
    data["parter-1-org_number"] = world.c.org_number
    data.update(overrides)
    return data


def test_administrator_creates_a_three_party_agreement(client, world):
    login(client, world, "admin")
    response = client.post(reverse("agreements:create"), agreement_post(world))
    agreement = Agreement.objects.get(title="Tre parter")
    assert response.status_code == 302
    assert response["Location"] == reverse("funding:lines", args=[agreement.pk])
    assert [ap.party for ap in agreement.parties.all()] == [world.a, world.c, world.b]
    assert agreement.status == AgreementStatus.DRAFT


def test_end_before_start_is_shown_beside_the_end_date_and_nothing_is_saved(client, world):
    login(client, world, "admin")
    before = Agreement.objects.count()
    response = client.post(
        reverse("agreements:create"), agreement_post(world, period_end="2025-12-31")
    )
    assert response.status_code == 200
    assert field_errors(response)["period_end"] == ["Slutdatum kan inte ligga före startdatum."]
    assert Agreement.objects.count() == before
    # The user's input is kept.
    assert 'value="Tre parter"' in response.content.decode()


def test_the_same_party_twice_is_refused(client, world):
    login(client, world, "admin")
    response = client.post(
        reverse("agreements:create"),
        agreement_post(world, **{"parter-1-party": world.a.pk, "parter-1-org_number": ""}),
    )
    assert response.status_code == 200
    assert not Agreement.objects.filter(title="Tre parter").exists()


def test_own_organisation_must_be_party(client, world):
    login(client, world, "admin")
    data = agreement_post(
        world,
        **{"parter-0-party": "", "parter-0-org_number": world.d.org_number},
        **{"parter-0-role": "nonprofit"},
    )
    response = client.post(reverse("agreements:create"), data)
    assert response.status_code == 200
    assert "Din organisation måste vara part" in response.content.decode()


def test_a_refused_edit_keeps_what_was_saved(client, world):
    agreement = world.own["agreement"]
    login(client, world, "admin")
    data = {
        "title": "Nytt namn",
        "period_start": "2026-01-01",
        "period_end": "2020-01-01",
        "version": agreement.version,
        "parter-TOTAL_FORMS": "2",
        "parter-INITIAL_FORMS": "2",
        "parter-MIN_NUM_FORMS": "0",
        "parter-MAX_NUM_FORMS": "1000",
    }
    for i, ap in enumerate(agreement.parties.all()):
        data |= {
            f"parter-{i}-id": ap.pk,
            f"parter-{i}-agreement": agreement.pk,
            f"parter-{i}-party": ap.party_id,
            f"parter-{i}-role": ap.role,
        }
    response = client.post(reverse("agreements:edit", args=[agreement.pk]), data)
    assert response.status_code == 200
    agreement.refresh_from_db()
    assert agreement.title == "Vår överenskommelse"
    data["period_end"] = "2028-12-31"
    response = client.post(reverse("agreements:edit", args=[agreement.pk]), data)
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.title == "Nytt namn"


# --- Funding lines and shares -------------------------------------------------------------


def funding_post(agreement, rows, initial=0):
    data = {
        "version": agreement.funding_version,
        "rader-TOTAL_FORMS": str(len(rows)),
        "rader-INITIAL_FORMS": str(initial),
        "rader-MIN_NUM_FORMS": "0",
        "rader-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"rader-{i}-{key}"] = value
    return data


def test_shares_are_saved_per_year(client, world):
    agreement = make_agreement(world.a, world.c, world.b)
    login(client, world, "admin")
    rows = [
        {"party": world.a.pk, "kind": "cash", "amount_2026": "400000", "amount_2027": "400000"},
        {"party": world.b.pk, "kind": "cash", "amount_2026": "270000"},
    ]
    response = client.post(
        reverse("funding:lines", args=[agreement.pk]), funding_post(agreement, rows)
    )
    assert response.status_code == 302
    shares = Share.objects.filter(line__agreement=agreement).order_by("line__party__name", "year")
    assert [(s.line.party, s.year, s.amount) for s in shares] == [
        (world.b, 2026, 270000),
        (world.a, 2026, 400000),
        (world.a, 2027, 400000),
    ]


def test_a_negative_share_is_shown_beside_its_year(client, world):
    agreement = world.own["agreement"]
    login(client, world, "admin")
    rows = [{"party": world.a.pk, "kind": "cash", "purpose": "Nytt", "amount_2026": "-5"}]
    response = client.post(
        reverse("funding:lines", args=[agreement.pk]), funding_post(agreement, rows)
    )
    assert response.status_code == 200
    errors = response.context["formset"].forms[0].errors
    assert errors["amount_2026"] == ["Beloppet kan inte vara negativt."]


def test_a_share_for_a_non_party_is_refused(client, world):
    agreement = world.own["agreement"]
    login(client, world, "admin")
    rows = [{"party": world.d.pk, "kind": "cash", "amount_2026": "5"}]
    response = client.post(
        reverse("funding:lines", args=[agreement.pk]),
        funding_post(agreement, [{}] * 0 + rows),
    )
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors["party"] == [
        "Organisationen är inte part i överenskommelsen."
    ]
    assert not FundingLine.objects.filter(agreement=agreement, party=world.d).exists()


def test_a_duplicate_funding_line_is_refused_and_existing_shares_stay(client, world):
    agreement = world.own["agreement"]
    line = world.own["line"]
    login(client, world, "admin")
    rows = [
        {"id": line.pk, "agreement": agreement.pk, "party": world.a.pk, "kind": "cash",
         "amount_2026": "999"},
        {"party": world.a.pk, "kind": "cash", "amount_2027": "5"},
    ]  # fmt: skip
    response = client.post(
        reverse("funding:lines", args=[agreement.pk]), funding_post(agreement, rows, 1)
    )
    assert response.status_code == 200
    assert response.context["formset"].total_error_count()
    assert [s.amount for s in line.shares.all()] == [100_000]


def test_a_share_outside_the_period_cannot_be_entered(client, world):
    agreement = world.own["agreement"]
    login(client, world, "admin")
    response = client.get(reverse("funding:lines", args=[agreement.pk]))
    fields = response.context["formset"].forms[0].fields
    assert "amount_2028" in fields and "amount_2029" not in fields


# --- Organisations ------------------------------------------------------------------------


def test_org_number_with_a_wrong_check_digit_is_shown_beside_the_field(client, world):
    login(client, world, "admin")
    response = client.post(
        reverse("agreements:party_create"),
        {"name": "Ny förening", "kind": "nonprofit", "org_number": "802002-8712"},
    )
    assert response.status_code == 200
    assert "kontrollsiffran stämmer inte" in field_errors(response)["org_number"][0]
    number = org_number()
    response = client.post(
        reverse("agreements:party_create"),
        {"name": "Ny förening", "kind": "nonprofit", "org_number": number.replace("-", "")},
    )
    assert response.status_code == 302
    assert Party.objects.get(name="Ny förening").org_number == number


def test_a_personnummer_is_refused_as_org_number_beside_the_field(client, world):
    login(client, world, "admin")
    before = Party.objects.count()
    response = client.post(
        reverse("agreements:party_create"),
        {"name": "Kim Andersson", "kind": "nonprofit", "org_number": "880320-0016"},
    )
    assert response.status_code == 200
    assert field_errors(response)["org_number"] == [
        "Numret är ett personnummer, inte ett organisationsnummer. En part i en IOP är en "
        "organisation: ange organisationens nummer."
    ]
    assert Party.objects.count() == before


def test_a_secretary_does_not_edit_organisations(client, world):
    login(client, world, "secretary")
    assert client.get(reverse("agreements:party_edit", args=[world.a.pk])).status_code == 403


# --- Reports ------------------------------------------------------------------------------


def test_coordinator_files_a_tertial_report_and_it_becomes_read_only(client, world):
    agreement = world.own["agreement"]
    target = CapacityTarget.objects.create(agreement=agreement, description="barn", quantity=70)
    login(client, world, "coordinator")
    response = client.post(
        reverse("agreements:report_create"),
        {"agreement": agreement.pk, "year": 2026, "period": "T2"},
    )
    report = Report.objects.get(agreement=agreement, year=2026, period="T2")
    assert response["Location"] == reverse("agreements:report", args=[report.pk])
    assert report.party == world.b

    url = reverse("agreements:report", args=[report.pk])
    client.post(url, {"text": "Utkast", f"target_{target.pk}": "31", "spara": "1", "version": 1})
    report.refresh_from_db()
    assert (report.status, report.text) == (ReportStatus.DRAFT, "Utkast")
    assert report.figures.get().value == 31

    client.post(url, {"text": "Klart", f"target_{target.pk}": "35", "lamna_in": "1", "version": 2})
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT  # saved; handed in from the check page
    client.post(reverse("agreements:report_submit", args=[report.pk]), {"version": 3})
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.submitted_by == world.users["coordinator"]

    client.post(url, {"text": "Ändrat i efterhand", "spara": "1", "version": 4})
    report.refresh_from_db()
    assert report.text == "Klart"
    page = client.get(url).content.decode()
    assert "Inlämnad" in page and "Samord_B" in page
    assert "<textarea" not in page


def test_picking_an_existing_period_opens_the_report(client, world):
    login(client, world, "coordinator")
    report = world.own["report"]
    response = client.post(
        reverse("agreements:report_create"),
        {"agreement": report.agreement_id, "year": report.year, "period": report.period},
    )
    assert response["Location"] == reverse("agreements:report", args=[report.pk])


def test_administrator_reads_but_cannot_edit_a_report(client, world):
    login(client, world, "admin")
    url = reverse("agreements:report", args=[world.own["report"].pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"text": "x"}).status_code == 403


def test_a_report_submitted_without_a_recorded_submitter_shows(client, world):
    report = world.own["report"]
    Report.objects.filter(pk=report.pk).update(
        status=ReportStatus.SUBMITTED,
        submitted_at=datetime(2026, 3, 2, 10, tzinfo=UTC),
        submitted_by=None,
    )
    login(client, world, "admin")
    assert client.get(reverse("agreements:report", args=[report.pk])).status_code == 200


def docx_bytes():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def upload(client, report, name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    report.refresh_from_db()
    return client.post(
        reverse("agreements:report", args=[report.pk]),
        {
            "text": report.text,
            "version": report.version,
            "file": SimpleUploadedFile(name, content),
            **fresh_token(),
        },
        follow=True,
    )


def test_attachments_are_checked_by_content_not_name(client, world):
    report = world.own["report"]
    login(client, world, "coordinator")
    upload(client, report, "verksamhet.docx", docx_bytes())
    upload(client, report, "skadlig.pdf", b"MZ\x90\x00 not a pdf")
    response = upload(client, report, "tabell.xlsx", b"PK\x03\x04 broken zip")
    names = list(report.attachments.values_list("original_name", flat=True))
    assert "verksamhet.docx" in names
    assert "skadlig.pdf" not in names and "tabell.xlsx" not in names
    assert "Filen måste vara PDF, DOCX eller XLSX." in response.content.decode()
    stored = report.attachments.get(original_name="verksamhet.docx")
    assert stored.file.name.endswith(".docx") and "verksamhet" not in stored.file.name


def test_an_attachment_is_named_and_downloaded_by_its_checked_type(client, world):
    report = world.own["report"]
    login(client, world, "coordinator")
    upload(client, report, "evil.html", b"%PDF-1.7\n")
    upload(client, report, "Verksamhet 2026.DOCX", docx_bytes())
    names = set(report.attachments.values_list("original_name", flat=True))
    assert {"evil.pdf", "Verksamhet 2026.docx"} <= names
    # A file stored before names followed the type downloads under its type's extension too.
    older = world.own["attachment"]
    older.original_name = "rapport.html"
    older.save()
    response = client.get(reverse("agreements:attachment", args=[older.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="rapport.pdf"'
    page = client.get(reverse("agreements:report", args=[report.pk])).content.decode()
    assert "rapport.pdf" in page and "rapport.html" not in page


def test_attachment_size_is_limited(client, world, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    login(client, world, "coordinator")
    response = upload(client, world.own["report"], "stor.pdf", b"%PDF-1.7\n" + b"0" * 200)
    assert "för stor" in response.content.decode()


def test_attachment_is_served_only_through_the_access_check(client, world):
    own, other = world.own["attachment"], world.other["attachment"]
    login(client, world, "admin")
    response = client.get(reverse("agreements:attachment", args=[own.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment")
    assert client.get(reverse("agreements:attachment", args=[other.pk])).status_code == 404
    # Files are not published under MEDIA_URL.
    assert client.get("/media/" + own.file.name).status_code == 404


def test_submitted_report_attachments_cannot_be_removed(client, world):
    report = world.own["report"]
    report.status = ReportStatus.SUBMITTED
    report.text = "Klart"
    from django.utils import timezone

    report.submitted_at = timezone.now()
    report.save()
    login(client, world, "coordinator")
    client.post(reverse("agreements:attachment_delete", args=[world.own["attachment"].pk]))
    assert ReportAttachment.objects.filter(pk=world.own["attachment"].pk).exists()


# --- Decisions ----------------------------------------------------------------------------


def proposal_post(world, **extra):
    data = {
        "organisation": world.a.pk,
        "title": "Överenskommelse om IOP",
        "body": "Hälso- och sjukvårdsnämnden",
        "kind": "agreement",
        "proposal_date": "2026-02-05",
        "chair_title": "Ordförande",
        "punkter-TOTAL_FORMS": "1",
        "punkter-INITIAL_FORMS": "0",
        "punkter-MIN_NUM_FORMS": "0",
        "punkter-MAX_NUM_FORMS": "1000",
        "punkter-0-text": "Nämnden ingår överenskommelsen.",
        "dokument-TOTAL_FORMS": "0",
        "dokument-INITIAL_FORMS": "0",
        "dokument-MIN_NUM_FORMS": "0",
        "dokument-MAX_NUM_FORMS": "1000",
        "villkor-TOTAL_FORMS": "1",
        "villkor-INITIAL_FORMS": "0",
        "villkor-MIN_NUM_FORMS": "0",
        "villkor-MAX_NUM_FORMS": "1000",
        "villkor-0-party": world.b.pk,
        "villkor-0-body": "Styrelsen",
        **fresh_token(),
        "agreements": [world.own["agreement"].pk],
    }
    data.update(extra)
    return data


def test_secretary_prepares_a_proposal_and_records_the_decision(client, world):
    agreement = world.own["agreement"]
    login(client, world, "secretary")
    response = client.post(
        reverse("agreements:proposal_create", args=[agreement.pk]), proposal_post(world)
    )
    decision = Decision.objects.get(title="Överenskommelse om IOP")
    assert response["Location"] == decision.get_absolute_url()
    assert decision.items.get().text == "Nämnden ingår överenskommelsen."
    assert decision.conditions.get().party == world.b
    assert list(decision.agreements.all()) == [agreement]

    response = client.post(
        reverse("agreements:decision_record", args=[decision.pk]),
        {
            "body": "Hälso- och sjukvårdsnämnden",
            "decided_on": "2026-03-01",
            "paragraph": "15",
            "outcome": "approved",
            "version": decision.version,
            "bekrafta": "1",
            **fresh_token(),
        },
    )
    decision.refresh_from_db()
    assert (decision.outcome, decision.reference) == (DecisionOutcome.APPROVED, "2026-03-01 § 15")


def test_recording_without_a_date_shows_the_error_beside_the_field(client, world):
    login(client, world, "secretary")
    response = client.post(
        reverse("agreements:decision_record", args=[world.own["decision"].pk]),
        {"body": "Nämnden", "decided_on": "", "outcome": "approved"},
    )
    assert response.status_code == 200
    assert field_errors(response)["decided_on"]


def test_a_decided_proposal_cannot_be_edited(client, world):
    decision = world.own["decision"]
    decision.outcome = DecisionOutcome.APPROVED
    decision.decided_on = date(2026, 1, 1)
    decision.save()
    login(client, world, "secretary")
    response = client.get(reverse("agreements:proposal_edit", args=[decision.pk]))
    assert response.status_code == 302


# --- Meetings and payments ----------------------------------------------------------------


def test_coordinator_writes_minutes_but_not_the_date(client, world):
    meeting = world.own["meeting"]
    login(client, world, "coordinator")
    client.post(
        reverse("agreements:meeting", args=[meeting.pk]),
        {"minutes": "Vi gick igenom T1.", "date": "2030-01-01", "version": meeting.version},
    )
    meeting.refresh_from_db()
    assert meeting.minutes == "Vi gick igenom T1."
    assert meeting.date == world.own["agreement"].period_start


def test_administrator_registers_a_meeting_and_a_payment(client, world):
    agreement = world.own["agreement"]
    login(client, world, "admin")
    client.post(
        reverse("agreements:meeting_create", args=[agreement.pk]),
        {"date": "2026-09-15", "called_by": world.b.pk, **fresh_token()},
    )
    assert Meeting.objects.filter(agreement=agreement, date=date(2026, 9, 15)).exists()
    response = client.post(
        reverse("funding:payments", args=[agreement.pk]),
        {
            "line": world.own["line"].pk,
            "year": 2026,
            "paid_on": "2026-02-01",
            "amount": "0",
            **fresh_token(),
        },
    )
    assert response.status_code == 400
    assert field_errors(response)["amount"] == ["Beloppet måste vara större än noll."]


# --- Lists, life cycle through the page, chrome -------------------------------------------


def test_list_search_and_filters(client, world):
    a = world.a
    older = make_agreement(
        a, world.b, title="Läxhjälp", start=date(2020, 1, 1), end=date(2022, 12, 31)
    )
    older.case_number = "RS 2019/77"
    older.save()
    login(client, world, "admin")
    url = reverse("agreements:list")

    def titles(**query):
        return [x.title for x in client.get(url, query).context["page"]]

    assert titles(q="2019/77") == ["Läxhjälp"]
    assert titles(q="förening b") == ["Vår överenskommelse", "Läxhjälp"]
    assert titles(year=2021) == ["Läxhjälp"]
    assert titles(status="draft", party=world.b.pk) == ["Vår överenskommelse", "Läxhjälp"]
    assert titles(q="Deras") == []  # another organisation's agreement is never found


def test_list_search_finds_by_any_field_in_any_case(client, world):
    red_cross = make_party("Svenska Röda Korset")
    helped = make_agreement(world.a, red_cross, title="Läxhjälp", case_number="ks 2026/5")
    make_agreement(world.a, world.b, title="Röda rummet")
    login(client, world, "admin")

    def titles(q):
        page = client.get(reverse("agreements:list"), {"q": q}).context["page"]
        return sorted(x.title for x in page)

    assert titles("Röda") == ["Läxhjälp", "Röda rummet"]  # a party's name, a title
    assert titles("röda korset") == ["Läxhjälp"]
    assert titles("läxhjälp") == ["Läxhjälp"]
    # Every letter's case, not only A–Z's, on SQLite as on PostgreSQL.
    assert titles("RÖDA KORSET") == ["Läxhjälp"]
    assert titles("LÄXHJÄLP") == ["Läxhjälp"]
    assert titles("ks 2026/_") == []  # % and _ are searched for as such
    assert titles("KS 2026/5") == ["Läxhjälp"]
    # Found by its title and its party's name alike: listed once.
    helped.title = "Röda Korsets läxhjälp"
    helped.save()
    assert titles("röda korset") == ["Röda Korsets läxhjälp"]


def test_list_paginates(client, world):
    for _ in range(30):
        make_agreement(world.a, world.b)
    login(client, world, "admin")
    first = client.get(reverse("agreements:list"))
    second = client.get(reverse("agreements:list"), {"sida": 2})
    assert len(first.context["page"]) == 25 and len(second.context["page"]) == 6


def test_moves_through_the_page(client, world):
    agreement = world.own["agreement"]
    login(client, world, "admin")
    client.post(reverse("agreements:move", args=[agreement.pk, "propose"]))
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.PROPOSED
    response = client.post(reverse("agreements:move", args=[agreement.pk, "decide"]), follow=True)
    assert "Beslut om bifall saknas från: Region A" in response.content.decode()


def test_successor_through_the_page(client, world):
    agreement = world.own["agreement"]
    agreement.status = AgreementStatus.ACTIVE
    agreement.save()
    login(client, world, "admin")
    response = client.post(
        reverse("agreements:successor", args=[agreement.pk]),
        {"relation": "continues", **fresh_token()},
    )
    successor = agreement.successors.get()
    assert response["Location"] == reverse("agreements:edit", args=[successor.pk])
    assert successor.parties.count() == AgreementParty.objects.filter(agreement=agreement).count()


def test_pages_have_logout_as_a_post_button_and_a_language_switch(client, world):
    login(client, world, "coordinator")
    page = client.get(reverse("agreements:dashboard")).content.decode()
    assert f'action="{reverse("logout")}" method="post"' in page
    assert 'name="language" value="en"' in page
    assert "style=" not in page and "<script>" not in page
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get("/").content.decode()
    assert client.get(reverse("logout")).status_code == 405
    assert client.post(reverse("logout")).status_code == 302
    assert client.get("/").status_code == 302


def test_login_page_has_labelled_fields(client, db):
    page = client.get(reverse("login")).content.decode()
    assert '<label for="id_username">' in page and '<label for="id_password">' in page
    assert 'class="skip-link" href="#main"' in page


def test_dashboard_shows_overdue_report_with_a_link(client, world):
    agreement = world.own["agreement"]
    agreement.status = AgreementStatus.ACTIVE
    agreement.save()
    login(client, world, "admin")
    # The coordinator's report the administrator waits for: counted, its group page lists it.
    page = client.get(reverse("agreements:dashboard")).content.decode()
    group = reverse("agreements:todo", args=["andra-rapporter"])
    assert f'<a href="{group}">Rapporter' in page
    assert agreement.get_absolute_url() in client.get(group).content.decode()


def test_detail_shows_everything_of_the_agreement(client, world):
    login(client, world, "coordinator")
    page = client.get(world.own["agreement"].get_absolute_url()).content.decode()
    for text in ["Region A", "Förening B", "Beslut", "Rapporter", "Samverkansmöten", "Betalningar"]:
        assert text in page
    assert "Deras överenskommelse" not in page


def test_demo_users_see_their_organisations_agreements(client, demo):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    client.force_login(users.get(username="rodakorset"))
    assert len(client.get(reverse("agreements:list")).context["page"]) == 4
    client.force_login(users.get(username="region.vasterbotten"))
    assert len(client.get(reverse("agreements:list")).context["page"]) == 1


def test_party_kind_choices_are_swedish(client, world):
    login(client, world, "admin")
    page = client.get(reverse("agreements:party_create")).content.decode()
    assert "Idéburen organisation" in page
    assert PartyKind.NONPROFIT.label == "Idéburen organisation"


def test_existing_lines_are_shown_with_their_shares(client, world):
    agreement = world.own["agreement"]
    make_line(agreement, world.b, {2026: 5, 2027: 6}, purpose="Egen insats")
    login(client, world, "admin")
    response = client.get(reverse("funding:lines", args=[agreement.pk]))
    forms = response.context["formset"].forms
    assert [f.initial.get("amount_2027", f["amount_2027"].initial) for f in forms[:2]] == [None, 6]


def test_dashboard_report_rows_lead_to_where_the_report_is_dealt_with(client, world):
    from django.utils import timezone

    from agreements.models import Obligation, ObligationKind

    year = timezone.localdate().year - 1
    agreement = make_agreement(
        world.a, world.b, start=date(year, 1, 1), end=date(year + 2, 12, 31), status="active"
    )
    Obligation.objects.create(
        agreement=agreement, kind=ObligationKind.TERTIAL_REPORT, responsible=world.b
    )
    filed = Report.objects.create(
        agreement=agreement, party=world.b, year=year, period="T1", due_date=date(year, 5, 30)
    )
    login(client, world, "coordinator")
    page = client.get(reverse("agreements:dashboard")).content.decode()
    assert f'href="{reverse("agreements:report", args=[filed.pk])}"' in page
    pick = f"{reverse('agreements:report_create')}?overenskommelse={agreement.pk}&amp;ar={year}"
    assert f'href="{pick}&amp;period=T2"' in page
    login(client, world, "admin")
    page = client.get(reverse("agreements:todo", args=["andra-rapporter"])).content.decode()
    assert f'href="{agreement.get_absolute_url()}#rapporter"' in page


def test_simple_forms_offer_a_way_back(client, world):
    agreement = world.own["agreement"]
    login(client, world, "admin")
    page = client.get(reverse("funding:payment", args=[world.own["payment"].pk])).content.decode()
    assert f'href="{reverse("funding:payments", args=[agreement.pk])}">Avbryt' in page
    page = client.get(reverse("agreements:party_edit", args=[world.a.pk])).content.decode()
    assert f'href="{reverse("agreements:party", args=[world.a.pk])}">Avbryt' in page
    login(client, world, "secretary")
    page = client.get(reverse("agreements:decision_record", args=[world.own["decision"].pk]))
    assert ">Fortsätt</button>" in page.content.decode()  # to the check before recording


def test_secretary_edits_a_proposal_with_its_items(client, world):
    decision = world.own["decision"]
    login(client, world, "secretary")
    data = proposal_post(world, title="Ändrat ärende", version=decision.version)
    data.pop("organisation")
    response = client.post(reverse("agreements:proposal_edit", args=[decision.pk]), data)
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.title == "Ändrat ärende"
    assert decision.items.get().number == 1  # numbered by its place, not typed


def test_secretary_links_a_proposal_to_several_agreements_of_the_organisation(client, world):
    decision = world.own["decision"]
    second = make_agreement(world.a, make_party("Förening F"), title="Andra")
    # Region A is party to this one, but not as a public party: not a choice.
    as_partner = make_agreement(make_party("Kommun G", kind="municipality"), title="Tredje")
    as_partner.parties.create(party=world.a, role="nonprofit", position=1)
    login(client, world, "secretary")
    url = reverse("agreements:proposal_edit", args=[decision.pk])
    page = client.get(url).content.decode()
    assert "Andra (2026–2028)" in page and "Tredje" not in page
    assert "Deras överenskommelse" not in page

    data = proposal_post(world, version=decision.version)
    data["agreements"].append(second.pk)
    data.pop("organisation")
    assert client.post(url, data).status_code == 302
    assert set(decision.agreements.all()) == {world.own["agreement"], second}
    decision.refresh_from_db()
    data["version"] = decision.version

    # Another organisation's agreement, one where A is no public party, or none: refused.
    for chosen in ([world.other["agreement"].pk], [as_partner.pk], []):
        response = client.post(url, data | {"agreements": chosen})
        assert response.status_code == 200
        assert field_errors(response)["agreements"]
    assert set(decision.agreements.all()) == {world.own["agreement"], second}


def test_a_condition_reads_the_same_on_the_decision_and_the_agreement_page(client, world):
    decision = world.own["decision"]
    condition = decision.conditions.create(party=world.b, body="Styrelsen")
    login(client, world, "secretary")
    pages = [
        reverse("agreements:decision", args=[decision.pk]),
        reverse("agreements:detail", args=[world.own["agreement"].pk]),
    ]
    for url in pages:
        assert ">Väntar på beslut</span>" in client.get(url).content.decode(), url
    condition.satisfied_by = Decision.objects.create(
        organisation=world.b, outcome=DecisionOutcome.APPROVED, decided_on=date(2026, 1, 1)
    )
    condition.save()
    for url in pages:
        page = client.get(url).content.decode()
        assert ">Uppfyllt</span>" in page and ">Väntar på beslut</span>" not in page, url


def _vasterbotten_line():
    from funding.models import FundingLine

    return FundingLine.objects.get(agreement__parties__party__name="Region Västerbotten")


def test_app_payment_form_refuses_overpayment_and_saves_nothing(client, demo):
    from django.contrib.auth import get_user_model

    from funding.models import Payment

    line = _vasterbotten_line()
    client.force_login(get_user_model().objects.get(username="region.vasterbotten"))
    url = reverse("funding:payments", args=[line.agreement_id])
    data = {
        "line": line.pk,
        "year": 2026,
        "paid_on": "2026-01-20",
        "amount": 1_726_001,
        "reference": "825-V10050",
        "note": "",
        **fresh_token(),
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Betalningen överstiger beloppet för 2026" in response.content.decode()
    assert not Payment.objects.exists()
    data["amount"] = 1_726_000
    assert client.post(url, data).status_code == 302
    assert Payment.objects.get().amount == 1_726_000


def test_app_payment_edit_refuses_overpayment_and_keeps_the_saved_amount(client, demo):
    from django.contrib.auth import get_user_model

    from funding.services import register_payment

    line = _vasterbotten_line()
    payment = register_payment(
        line=line, year=2026, paid_on=date(2026, 1, 20), amount=1_000_000, reference="825-V10050"
    )
    register_payment(line=line, year=2026, paid_on=date(2026, 2, 20), amount=700_000)
    client.force_login(get_user_model().objects.get(username="region.vasterbotten"))
    data = {
        "line": line.pk,
        "year": 2026,
        "paid_on": "2026-01-20",
        "amount": 1_100_000,
        "reference": "825-V10050",
        "note": "",
        "version": payment.version,
    }
    response = client.post(reverse("funding:payment", args=[payment.pk]), data)
    assert response.status_code == 400
    assert "överstiger" in response.content.decode()
    payment.refresh_from_db()
    assert payment.amount == 1_000_000
    data["amount"] = 1_026_000
    assert client.post(reverse("funding:payment", args=[payment.pk]), data).status_code == 302
    payment.refresh_from_db()
    assert payment.amount == 1_026_000


def test_app_payment_to_closed_agreement_is_refused(client, demo):
    from django.contrib.auth import get_user_model

    from funding.models import Payment

    line = _vasterbotten_line()
    line.agreement.status = "terminated"
    line.agreement.save()
    client.force_login(get_user_model().objects.get(username="region.vasterbotten"))
    data = {
        "line": line.pk,
        "year": 2026,
        "paid_on": "2026-01-20",
        "amount": 10,
        "reference": "",
        "note": "",
        **fresh_token(),
    }
    response = client.post(reverse("funding:payments", args=[line.agreement_id]), data)
    assert response.status_code == 400
    assert "inga fler betalningar" in response.content.decode()
    assert not Payment.objects.exists()


def test_detail_names_public_parties_without_an_approved_decision(client, world):
    from agreements.models import Decision, DecisionOutcome

    agreement = world.own["agreement"]
    login(client, world, "admin")
    url = reverse("agreements:detail", args=[agreement.pk])
    response = client.get(url)
    assert response.context["missing_decisions"] == [world.a]
    assert response.context["roles"] == {"administrator"}
    rejected = Decision.objects.create(
        organisation=world.a, outcome=DecisionOutcome.REJECTED, decided_on=date(2025, 12, 1)
    )
    rejected.agreements.add(agreement)
    assert client.get(url).context["missing_decisions"] == [world.a]
    approved = Decision.objects.create(
        organisation=world.a, outcome=DecisionOutcome.APPROVED, decided_on=date(2025, 12, 2)
    )
    approved.agreements.add(agreement)
    response = client.get(url)
    assert response.context["missing_decisions"] == []
    decided = [d for d in response.context["decisions"] if d.decided_on]
    assert decided == [approved, rejected]


def test_organisation_page_lists_its_agreements_newest_first(client, world):
    # Created after the world's agreement, so with a higher id, yet older.
    older = make_agreement(world.a, world.b, start=date(2020, 1, 1), end=date(2021, 12, 31))
    newer = make_agreement(world.a, world.b, start=date(2030, 1, 1), end=date(2031, 12, 31))
    login(client, world, "admin")
    response = client.get(reverse("agreements:party", args=[world.b.pk]))
    shown = [ap.agreement for ap in response.context["agreement_roles"]]
    assert shown == [newer, world.own["agreement"], older]


def test_edit_page_offers_every_party_row_and_one_more(client, world):
    agreement = world.own["agreement"]
    login(client, world, "admin")
    page = client.get(reverse("agreements:edit", args=[agreement.pk])).content.decode()
    assert 'name="parter-TOTAL_FORMS" value="3"' in page
    for row in range(3):
        assert f'name="parter-{row}-party"' in page


def test_coordinator_registers_a_meeting_and_changes_those_its_organisation_called(client, world):
    agreement = world.own["agreement"]
    login(client, world, "coordinator")
    detail = client.get(agreement.get_absolute_url()).content.decode()
    assert reverse("agreements:meeting_create", args=[agreement.pk]) in detail
    response = client.post(
        reverse("agreements:meeting_create", args=[agreement.pk]),
        {
            "date": "2026-09-15",
            "called_by": world.b.pk,
            "participants": "Förening B",
            **fresh_token(),
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(agreement=agreement, date=date(2026, 9, 15))
    assert meeting.called_by == world.b
    # The organisation called it: its coordinator corrects the date, not only the minutes.
    client.post(
        reverse("agreements:meeting", args=[meeting.pk]),
        {
            "date": "2026-09-16",
            "called_by": world.b.pk,
            "minutes": "Vi gick igenom T2.",
            "version": meeting.version,
        },
    )
    meeting.refresh_from_db()
    assert (meeting.date, meeting.minutes) == (date(2026, 9, 16), "Vi gick igenom T2.")


def test_coordinator_may_not_move_a_meeting_another_party_called(client, world):
    meeting = world.own["meeting"]
    meeting.called_by = world.a
    meeting.save()
    login(client, world, "coordinator")
    client.post(
        reverse("agreements:meeting", args=[meeting.pk]),
        {
            "date": "2030-01-01",
            "called_by": world.b.pk,
            "minutes": "Anteckningar.",
            "version": meeting.version,
        },
    )
    meeting.refresh_from_db()
    assert (meeting.date, meeting.called_by, meeting.minutes) == (
        world.own["agreement"].period_start,
        world.a,
        "Anteckningar.",
    )
