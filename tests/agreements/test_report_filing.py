"""Filing a report: narrative, figures and a file in one form (a file never loses what was
typed), and a check page before handing in."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from agreements.models import ReportStatus
from tests.factories import make_world
from tests.forms_html import fresh_token

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = make_world()
    world.report = world.own["report"]
    obligation = world.own["agreement"].obligations.get()
    obligation.description, obligation.parts = "Antal barn och träffar", ["Verksamhetsberättelse"]
    obligation.save()
    return world


def _post(client, report, **fields):
    report.refresh_from_db()
    return client.post(
        reverse("agreements:report", args=[report.pk]),
        {"text": report.text, "version": report.version, **fields},
    )


def test_a_file_is_attached_with_the_text_typed_in_the_same_form(client, world):
    client.force_login(world.users["coordinator"])
    response = _post(
        client,
        world.report,
        text="Vi har haft 20 träffar.",
        file=SimpleUploadedFile("berattelse.pdf", PDF),
        spara="1",
        **fresh_token(),
    )
    assert response.status_code == 302
    world.report.refresh_from_db()
    assert world.report.text == "Vi har haft 20 träffar."
    assert "berattelse.pdf" in world.report.attachments.values_list("original_name", flat=True)


def test_a_refused_file_keeps_the_text(client, world):
    client.force_login(world.users["coordinator"])
    response = _post(
        client,
        world.report,
        text="Texten finns kvar.",
        file=SimpleUploadedFile("virus.pdf", b"MZ not a pdf"),
        spara="1",
        **fresh_token(),
    )
    assert response.status_code == 302
    world.report.refresh_from_db()
    assert world.report.text == "Texten finns kvar."
    page = client.get(response["Location"]).content.decode()
    assert "Filen måste vara PDF, DOCX eller XLSX." in page and "Texten finns kvar." in page


def test_the_same_form_with_a_file_sent_twice_attaches_it_once(client, world):
    client.force_login(world.users["coordinator"])
    before = world.report.attachments.count()
    world.report.refresh_from_db()
    data = {"text": "Två klick", "version": world.report.version, "spara": "1", **fresh_token()}
    url = reverse("agreements:report", args=[world.report.pk])
    first = client.post(url, data | {"file": SimpleUploadedFile("a.pdf", PDF)})
    again = client.post(url, data | {"file": SimpleUploadedFile("a.pdf", PDF)})
    assert first.status_code == 302
    assert again.status_code == 200  # the page had the old version: the conflict page
    assert world.report.attachments.count() == before + 1


def test_the_check_page_shows_what_is_handed_in_before_it_is(client, world):
    client.force_login(world.users["coordinator"])
    response = _post(client, world.report, text="Vi har haft 20 träffar.", lamna_in="1")
    check = reverse("agreements:report_submit", args=[world.report.pk])
    assert response["Location"] == check
    world.report.refresh_from_db()
    assert world.report.status == ReportStatus.DRAFT  # nothing handed in yet

    page = client.get(check).content.decode()
    for shown in (
        world.report.period_label,
        world.report.due_date.isoformat(),
        "Antal barn och träffar",
        "Verksamhetsberättelse",
        "rapport.pdf",  # the world's attachment
        "Vi har haft 20 träffar.",
        "Region A",  # the obligation's recipient
    ):
        assert shown in page, shown

    response = client.post(check, {"version": world.report.version}, follow=True)
    world.report.refresh_from_db()
    assert world.report.status == ReportStatus.SUBMITTED
    assert "är inlämnad till Region A" in response.content.decode()
    # Handed in: a second post is refused, nothing changes.
    again = client.post(check, {"version": world.report.version}, follow=True)
    assert "kan inte ändras" in again.content.decode()


def test_the_check_page_refuses_an_empty_report_and_a_stale_page(client, world):
    client.force_login(world.users["coordinator"])
    check = reverse("agreements:report_submit", args=[world.report.pk])
    assert 'type="submit"' not in client.get(check).content.decode().split("<main")[-1]
    _post(client, world.report, text="Något", spara="1")
    response = client.post(check, {"version": 1}, follow=True)  # loaded before the save
    world.report.refresh_from_db()
    assert world.report.status == ReportStatus.DRAFT
    assert response.redirect_chain[-1][0] == check


def test_only_the_reporting_coordinator_hands_in(client, world):
    check = reverse("agreements:report_submit", args=[world.report.pk])
    client.force_login(world.users["admin"])
    assert client.get(check).status_code == 403
    assert client.post(check, {"version": 1}).status_code == 403
    client.force_login(world.users["outsider"])
    assert client.get(check).status_code == 404
    client.force_login(world.users["coordinator"])
    assert client.put(check).status_code == 405
