"""A report from expected to approved: not started, draft, submitted (late or not), returned
with a comment or approved; the reporting coordinator sees the outcome."""

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from agreements.due.rules import report_due_date, submitted_late
from agreements.models import Report, ReportStatus
from agreements.services import DomainError
from agreements.services.followup import review_report, save_report, submit_report
from agreements.services.reports import ensure_reports
from tests.factories import make_member, make_world
from tests.forms_html import posted_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_world()


def page(client, user, report):
    client.force_login(user)
    return client.get(reverse("agreements:report", args=[report.pk])).content.decode()


def submit_through_the_page(client, world, report, text="Vi har haft 20 träffar."):
    client.force_login(world.users["coordinator"])
    report.refresh_from_db()
    response = client.post(
        reverse("agreements:report", args=[report.pk]),
        {"text": text, "version": report.version, "lamna_in": "1"},
    )
    # Saved, then the check page; handing in is the post from there.
    check = reverse("agreements:report_submit", args=[report.pk])
    assert response["Location"] == check
    report.refresh_from_db()
    return client.post(check, {"version": report.version})


def test_an_expected_report_is_not_started_until_someone_writes(client, world):
    report = world.own["report"]
    assert report.status == ReportStatus.NOT_STARTED
    client.force_login(world.users["coordinator"])
    listing = client.get(reverse("agreements:reports")).content.decode()
    assert "Ej påbörjad" in listing and "Utkast" not in listing

    client.post(
        reverse("agreements:report", args=[report.pk]),
        {"text": "Första raderna.", "version": report.version, "spara": "1"},
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert "Utkast" in client.get(reverse("agreements:reports")).content.decode()


def test_rows_the_obligations_ask_for_are_created_not_started(world):
    agreement = world.own["agreement"]
    Report.objects.filter(agreement=agreement).delete()
    created = ensure_reports(agreement)
    assert created and {r.status for r in created} == {ReportStatus.NOT_STARTED}


def test_administrator_returns_a_report_and_the_coordinator_completes_it(client, world):
    report = world.own["report"]
    assert submit_through_the_page(client, world, report).status_code == 302

    client.force_login(world.users["admin"])
    url = reverse("agreements:report_review", args=[report.pk])
    report.refresh_from_db()
    loaded = {"version": report.version}
    refused = client.post(url, loaded | {"outcome": "return", "comment": "  "})
    assert refused.status_code == 200
    assert refused.context["form"].errors["comment"] == ["Skriv vad som behöver kompletteras."]
    response = client.post(
        url, loaded | {"outcome": "return", "comment": "Lägg till antalet barn."}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.review_comment, report.reviewed_by) == (
        ReportStatus.RETURNED,
        "Lägg till antalet barn.",
        world.users["admin"],
    )

    # The coordinator sees the outcome and the comment, and can change and submit again.
    seen = page(client, world.users["coordinator"], report)
    assert "Returnerad för komplettering" in seen and "Lägg till antalet barn." in seen
    assert 'name="lamna_in"' in seen
    submit_through_the_page(client, world, report, "Vi har haft 20 träffar med 31 barn.")
    report.refresh_from_db()
    assert (report.status, report.review_comment) == (ReportStatus.SUBMITTED, "")

    client.force_login(world.users["admin"])
    report.refresh_from_db()
    client.post(url, {"outcome": "approve", "comment": "", "version": report.version})
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    seen = page(client, world.users["coordinator"], report)
    assert "Godkänd" in seen and 'name="lamna_in"' not in seen


def test_only_another_party_reviews_and_only_a_submitted_report(client, world):
    report = world.own["report"]
    url = reverse("agreements:report_review", args=[report.pk])
    client.force_login(world.users["coordinator"])
    assert client.post(url, {"outcome": "approve"}).status_code == 403
    client.force_login(world.users["outsider"])
    assert client.post(url, {"outcome": "approve"}).status_code == 404
    client.force_login(world.users["admin"])
    response = client.post(url, {"outcome": "approve", "version": report.version})
    assert response.status_code == 200
    assert "Bara en inlämnad rapport kan granskas." in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.NOT_STARTED


def test_a_report_submitted_after_its_due_date_says_so(world):
    report = world.own["report"]
    coordinator = world.users["coordinator"]
    report.due_date = date(2026, 5, 30)
    report.save()
    saved = save_report(report=report, text="Klar.", figures={}, by=coordinator, version=1)
    # 23:30 UTC on the due date is already the next day in Sweden.
    late = submit_report(
        report=saved,
        by=coordinator,
        version=saved.version,
        now=datetime(2026, 5, 30, 22, 30, tzinfo=UTC),
    )
    assert submitted_late(late, report_due_date(late))
    on_time = Report.objects.get(pk=report.pk)
    on_time.submitted_at = datetime(2026, 5, 30, 21, 30, tzinfo=UTC)
    assert not submitted_late(on_time, report_due_date(on_time))


def test_the_pages_say_a_report_came_in_late(client, world):
    report = world.own["report"]
    Report.objects.filter(pk=report.pk).update(due_date=date(2000, 1, 31))
    submit_through_the_page(client, world, report)
    assert "efter förfallodagen" in page(client, world.users["admin"], report)
    listing = client.get(reverse("agreements:reports")).content.decode()
    assert "efter förfallodagen" in listing

    on_time = world.own["report"]
    Report.objects.filter(pk=on_time.pk).update(due_date=date(2200, 1, 31))
    assert "efter förfallodagen" not in page(client, world.users["admin"], on_time)


def test_a_report_is_reviewed_once(world):
    report = world.own["report"]
    coordinator, admin = world.users["coordinator"], world.users["admin"]
    saved = save_report(report=report, text="Klar.", figures={}, by=coordinator, version=1)
    now = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
    submit_report(report=saved, by=coordinator, version=saved.version, now=now)
    review_report(report=report, approve=True, comment="", by=admin, now=now, version=3)
    with pytest.raises(DomainError):
        review_report(report=report, approve=False, comment="Nej.", by=admin, now=now, version=4)
    with pytest.raises(DomainError):
        save_report(report=report, text="Ändrad.", figures={}, by=coordinator, version=3)


def test_a_review_of_a_text_changed_since_the_page_was_read_is_refused(client, world):
    report = world.own["report"]
    submit_through_the_page(client, world, report, "Vi har haft 20 träffar.")
    client.force_login(world.users["admin"])
    url = reverse("agreements:report_review", args=[report.pk])
    page = client.get(url)
    # Meanwhile another administrator returns it, and the coordinator changes and resubmits.
    report.refresh_from_db()
    other = make_member("admin2_a", world.a, "administrator")
    now = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
    review_report(
        report=report,
        approve=False,
        comment="Antal barn?",
        by=other,
        now=now,
        version=report.version,
    )
    submit_through_the_page(client, world, report, "Vi har haft 20 träffar med 31 barn.")

    client.force_login(world.users["admin"])
    response = client.post(url, posted_form(page, url) | {"outcome": "approve"})

    shown = response.content.decode()
    assert "Någon annan har sparat under tiden" in shown
    assert "Vi har haft 20 träffar med 31 barn." in shown  # the text now to be reviewed
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    again = posted_form(response, url) | {"outcome": "approve"}
    assert client.post(url, again).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
