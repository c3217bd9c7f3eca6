"""The agreement's dossier (akt.zip): what it holds, for whom, in how many queries."""

import csv
import hashlib
import io
import zipfile
from datetime import date, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from agreements.documents.dossier import write_dossier
from agreements.models import (
    AgreementEvent,
    CapacityTarget,
    Decision,
    DecisionCondition,
    DecisionOutcome,
    DocumentKind,
    EventKind,
    IssuedDocument,
    Meeting,
    Report,
    ReportAttachment,
    ReportFigure,
)
from funding.models import PaymentPlan
from funding.services import register_payment
from tests.factories import make_agreement, make_line, make_world

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(datetime(2026, 3, 2, 9, 30))


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return make_world()


def issue(agreement, by, *, kind=DocumentKind.AGREEMENT, decision=None, version=1, pdf=None):
    pdf = pdf or f"%PDF-1.4 {agreement.pk} {kind} {version}\n".encode()
    return IssuedDocument.objects.create(
        agreement=agreement,
        decision=decision,
        kind=kind,
        version=version,
        identifier=f"IOP-{agreement.pk}",
        pdf=pdf,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        issued_by=by,
        issued_at=timezone.make_aware(datetime(2026, 2, version, 12)),
    )


def download(client, user, agreement):
    client.force_login(user)
    response = client.get(reverse("agreements:dossier", args=[agreement.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert f'filename="akt-{agreement.pk}.zip"' in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment")
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def read_csv(archive, name):
    text = archive.read(name).decode("utf-8")
    assert text.startswith("\ufeff"), "a BOM, for Swedish Excel"
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def dossier_of(agreement, user):
    file = io.BytesIO()
    write_dossier(agreement=agreement, user=user, now=NOW, file=file)
    file.seek(0)
    return zipfile.ZipFile(file)


def test_the_dossier_holds_documents_decisions_reports_payments_funding_and_history(client, world):
    agreement, admin = world.own["agreement"], world.users["admin"]
    first, second = issue(agreement, admin), issue(agreement, admin, version=2)
    proposal = issue(agreement, admin, kind=DocumentKind.PROPOSAL, decision=world.own["decision"])
    decision = world.own["decision"]
    Decision.objects.filter(pk=decision.pk).update(
        outcome=DecisionOutcome.APPROVED, decided_on=date(2026, 2, 20), paragraph="190"
    )
    DecisionCondition.objects.create(decision=decision, party=world.b, body="Styrelsen")
    line = world.own["line"]
    PaymentPlan.objects.create(
        line=line, installments_per_year=1, first_month=3, due_day=1, bankgiro="5050-1055"
    )
    register_payment(
        line=line, year=2026, paid_on=date(2026, 3, 1), amount=24_500, reference="F-1", by=admin
    )
    target = CapacityTarget.objects.create(agreement=agreement, quantity=40, description="platser")
    ReportFigure.objects.create(report=world.own["report"], target=target, value=38)
    AgreementEvent.objects.create(
        agreement=agreement,
        kind=EventKind.CREATED,
        party=world.a,
        user=admin,
        at=NOW - timedelta(days=30),
    )

    archive = download(client, world.users["coordinator"], agreement)

    report = world.own["report"]
    folder = f"rapporter/2026-T1-{report.pk}"
    proposal_name = f"dokument/beslutsforslag-{decision.pk}-v1-2026-02-01.pdf"
    assert sorted(archive.namelist()) == sorted(
        [
            "dokument/overenskommelse-v1-2026-02-01.pdf",
            "dokument/overenskommelse-v2-2026-02-02.pdf",
            proposal_name,
            "beslut.csv",
            "rapporter.csv",
            f"{folder}/rapport.pdf",
            "betalningar.csv",
            "finansiering.csv",
            "handelser.csv",
            "moten.csv",
            "innehall.txt",
            "SHA256SUMS",
        ]
    )
    assert archive.read("dokument/overenskommelse-v2-2026-02-02.pdf") == bytes(second.pdf)
    assert archive.read("dokument/overenskommelse-v1-2026-02-01.pdf") == bytes(first.pdf)
    assert archive.read(proposal_name) == bytes(proposal.pdf)
    assert archive.read(f"{folder}/rapport.pdf") == b"%PDF-1.4\n"

    decisions = read_csv(archive, "beslut.csv")
    assert decisions[0][:7] == [
        "Organisation", "Beslutande organ", "Ärende", "Diarienummer", "Beslutsdatum",
        "Paragraf", "Utfall",
    ]  # fmt: skip
    assert decisions[1][:7] == [
        "Region A", "Hälso- och sjukvårdsnämnden", decision.title, "", "2026-02-20", "190",
        "Bifall",
    ]  # fmt: skip
    assert decisions[1][8] == "Förening B Styrelsen: Väntar på beslut"

    reports = read_csv(archive, "rapporter.csv")
    row = dict(zip(reports[0], reports[1], strict=True))
    assert row["År"] == "2026"
    assert row["Period"] == "Tertial 1 (jan–apr)"
    assert row["Rapporterande part"] == "Förening B"
    assert row["Status"] == "Ej påbörjad"
    assert row["Ska lämnas senast"] == "2026-05-30"
    assert row["Utfall mot målen"] == "ca 40 platser: 38"
    assert row["Bilagor"] == f"{folder}/rapport.pdf"

    payments = read_csv(archive, "betalningar.csv")
    assert payments[0] == [
        "Betalningsdag", "Betalare", "Mottagare", "Ändamål", "Avser år", "Belopp (kr)",
        "Referens", "Bankgiro",
    ]  # fmt: skip
    # The factory's payment, then the one registered: by payment day.
    assert payments[1][0] == "2026-01-01"
    assert payments[2] == ["2026-03-01", "Region A", "", "", "2026", "24500", "F-1", "5050-1055"]

    funding = read_csv(archive, "finansiering.csv")
    assert funding[0] == [
        "Part", "Mottagare", "Ändamål", "Slag", "Budget", "År", "Belopp efter uppräkning (kr)",
        "Beloppet bygger på",
    ]  # fmt: skip
    assert [[r[0], r[5], r[6], r[7]] for r in funding[1:]] == [
        ["Region A", "2026", "100000", "fast belopp"]
    ]

    events = read_csv(archive, "handelser.csv")
    assert events[1] == ["2026-01-31 09:30", "Registrerade överenskommelsen", "", "Region A",
                         "Admin_A"]  # fmt: skip

    index = archive.read("innehall.txt").decode()
    assert f"Akt för överenskommelsen: {agreement.title}" in index
    assert "Diarienummer: –" in index
    assert "Skapad av: Samord_B" in index
    assert set(archive.namelist()) - {"innehall.txt", "SHA256SUMS"} <= set(index.splitlines())
    # SHA256SUMS holds only `sha256sum -c` lines: one per other file, each matching.
    listed = {}
    for line in archive.read("SHA256SUMS").decode().splitlines():
        digest, sep, name = line.partition("  ")
        assert sep and len(digest) == 64, line
        listed[name] = digest
    assert set(listed) == set(archive.namelist()) - {"SHA256SUMS"}
    for name, digest in listed.items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest


def test_the_index_says_when_in_stockholm_time(world):
    archive = dossier_of(world.own["agreement"], world.users["admin"])
    # 09:30 in Stockholm, stored as 08:30 UTC.
    assert "Skapad: 2026-03-02 09:30 (Europe/Stockholm)" in archive.read("innehall.txt").decode()
    assert archive.getinfo("beslut.csv").date_time == (2026, 3, 2, 9, 30, 0)
    # Texts deflated; uploaded files (compressed already, most of them) stored as they are.
    for info in archive.infolist():
        stored = info.filename.startswith("rapporter/")
        assert info.compress_type == (zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)


def test_the_link_is_on_the_agreement_page(client, world):
    client.force_login(world.users["secretary"])
    agreement = world.own["agreement"]
    page = client.get(reverse("agreements:detail", args=[agreement.pk])).content.decode()
    assert reverse("agreements:dossier", args=[agreement.pk]) in page
    assert "Ladda ner akten (zip)" in page


def test_another_organisations_agreement_is_not_found(client, world):
    client.force_login(world.users["outsider"])
    response = client.get(reverse("agreements:dossier", args=[world.own["agreement"].pk]))
    assert response.status_code == 404


def test_only_get_is_answered(client, world):
    client.force_login(world.users["admin"])
    url = reverse("agreements:dossier", args=[world.own["agreement"].pk])
    assert client.post(url).status_code == 405


def test_a_proposal_stored_with_an_agreement_the_user_does_not_see_is_left_out(client, world):
    """A decision covering two agreements is seen by the parties of both; its proposal is
    stored with the agreement it was issued for, and downloaded only by those who see that
    one (get_issued_document_for). The dossier follows the same rule."""
    admin, coordinator = world.users["admin"], world.users["coordinator"]
    own = world.own["agreement"]
    elsewhere = make_agreement(world.a, world.d, title="A och D")
    decision = world.own["decision"]
    decision.agreements.add(elsewhere)
    proposal = issue(elsewhere, admin, kind=DocumentKind.PROPOSAL, decision=decision)
    issue(elsewhere, admin)  # the other agreement's own version: never in this dossier

    download_url = reverse("documents:download", args=[proposal.pk])
    client.force_login(coordinator)
    assert client.get(download_url).status_code == 404
    names = download(client, coordinator, own).namelist()
    assert not [n for n in names if n.startswith("dokument/")]

    client.force_login(admin)
    assert client.get(download_url).status_code == 200
    names = download(client, admin, own).namelist()
    assert [n for n in names if n.startswith("dokument/")] == [
        f"dokument/beslutsforslag-{decision.pk}-v1-2026-02-01.pdf"
    ]


def test_nothing_of_another_agreement_is_in_the_dossier(world):
    admin = world.users["admin"]
    other = make_agreement(world.a, world.d, title="A och D")
    other_line = make_line(other, world.a, {2026: 5000})
    register_payment(line=other_line, year=2026, paid_on=date(2026, 2, 1), amount=777, by=admin)
    Report.objects.create(agreement=other, party=world.d, year=2026, period="T2",
                          due_date=date(2026, 9, 30))  # fmt: skip
    archive = dossier_of(world.own["agreement"], admin)
    assert "777" not in archive.read("betalningar.csv").decode()
    assert len(read_csv(archive, "rapporter.csv")) == 2
    assert "Förening D" not in archive.read("finansiering.csv").decode()


def test_a_tampered_version_and_a_missing_file_are_named_not_included(world):
    admin, agreement = world.users["admin"], world.own["agreement"]
    document = issue(agreement, admin)
    IssuedDocument.objects.filter(pk=document.pk).update(pdf=b"%PDF-1.4 changed\n")
    world.own["attachment"].file.delete(save=False)
    archive = dossier_of(agreement, admin)
    assert not [n for n in archive.namelist() if n.endswith(".pdf")]
    index = archive.read("innehall.txt").decode()
    assert "Utelämnade filer:" in index
    assert "dokument/overenskommelse-v1-2026-02-01.pdf: stämmer inte med" in index
    assert "rapport.pdf: filen kunde inte läsas ur lagringen" in index


def test_files_of_the_same_name_are_kept_apart(world):
    report = world.own["report"]
    attachment = ReportAttachment(
        report=report,
        original_name="../../rapport.pdf",
        content_type="application/pdf",
        size=5,
        uploaded_by=world.users["coordinator"],
    )
    attachment.file.save("andra.pdf", ContentFile(b"%PDF2"), save=False)
    attachment.save()
    archive = dossier_of(world.own["agreement"], world.users["admin"])
    folder = f"rapporter/2026-T1-{report.pk}"
    assert archive.read(f"{folder}/rapport.pdf") == b"%PDF-1.4\n"
    assert archive.read(f"{folder}/rapport-2.pdf") == b"%PDF2"
    assert all(".." not in name for name in archive.namelist())


def test_names_differing_only_in_case_or_too_long_to_unpack_are_kept_apart(world):
    """Windows and macOS unpack Rapport.pdf and rapport.pdf into one file; ext4 and NTFS take
    255 bytes of a name."""
    report = world.own["report"]
    for name, data in [("RAPPORT.pdf", b"%PDF upper"), ("ö" * 250 + ".pdf", b"%PDF long")]:
        attachment = ReportAttachment(
            report=report, original_name=name, content_type="application/pdf", size=5,
            uploaded_by=world.users["coordinator"],
        )  # fmt: skip
        attachment.file.save("x.pdf", ContentFile(data), save=False)
        attachment.save()
    archive = dossier_of(world.own["agreement"], world.users["admin"])
    folder = f"rapporter/2026-T1-{report.pk}"
    assert archive.read(f"{folder}/rapport.pdf") == b"%PDF-1.4\n"
    assert archive.read(f"{folder}/RAPPORT-2.pdf") == b"%PDF upper"
    (long,) = [n for n in archive.namelist() if "ööö" in n]
    assert archive.read(long) == b"%PDF long"
    assert long.endswith(".pdf") and len(long.rpartition("/")[2].encode()) <= 200


def test_a_line_break_in_a_title_adds_no_line_to_the_index(world):
    agreement = world.own["agreement"]
    fake = f"{'0' * 64}  beslut.csv"
    agreement.title = f"Titel\n{fake}"
    agreement.save()
    archive = dossier_of(agreement, world.users["admin"])
    assert fake not in archive.read("innehall.txt").decode().splitlines()
    one_line = f"Akt för överenskommelsen: Titel {'0' * 64} beslut.csv"
    assert one_line in archive.read("innehall.txt").decode().splitlines()


def test_an_amount_not_yet_known_is_a_gap_in_the_funding_not_a_0(world):
    agreement = world.own["agreement"]
    make_line(agreement, world.b, {}, purpose="Lokaler", amount_pending=True)
    rows = read_csv(dossier_of(agreement, world.users["admin"]), "finansiering.csv")
    (pending,) = [r for r in rows if r[2] == "Lokaler"]
    assert pending[0] == "Förening B"
    assert pending[5:] == ["", "", "Belopp ej fastställt"]


def test_the_minutes_of_the_meetings_are_in_the_dossier(world):
    agreement = world.own["agreement"]
    Meeting.objects.create(
        agreement=agreement, date=date(2026, 2, 10), called_by=world.a,
        participants="Anna, Bo", minutes="Vi gick igenom tertial 1.",
    )  # fmt: skip
    rows = read_csv(dossier_of(agreement, world.users["admin"]), "moten.csv")
    assert rows[0] == ["Datum", "Kallad av", "Deltagare", "Minnesanteckningar"]
    assert ["2026-02-10", "Region A", "Anna, Bo", "Vi gick igenom tertial 1."] in rows[1:]


def test_a_superuser_made_dossier_names_the_superuser(world):
    root = get_user_model().objects.create_superuser("root", "root@example.se", "x")
    archive = dossier_of(world.own["agreement"], root)
    assert "Skapad av: root" in archive.read("innehall.txt").decode()


def grow(world, n):
    """n more of every kind of row the dossier lists, on the own agreement."""
    agreement, admin = world.own["agreement"], world.users["admin"]
    coordinator = world.users["coordinator"]
    for i in range(n):
        issue(agreement, admin, version=i + 2)
        decision = Decision.objects.create(organisation=world.a, body=f"Nämnd {i}")
        decision.agreements.add(agreement)
        DecisionCondition.objects.create(decision=decision, party=world.b)
        issue(agreement, admin, kind=DocumentKind.PROPOSAL, decision=decision, version=i + 1)
        report = Report.objects.create(
            agreement=agreement, party=world.b, year=2027 + i, period="T2",
            due_date=date(2027 + i, 9, 30),
        )  # fmt: skip
        target = CapacityTarget.objects.create(agreement=agreement, quantity=i, description="x")
        ReportFigure.objects.create(report=report, target=target, value=i)
        attachment = ReportAttachment(
            report=report, original_name=f"b{i}.pdf", content_type="application/pdf", size=3,
            uploaded_by=coordinator,
        )  # fmt: skip
        attachment.file.save(f"b{i}.pdf", ContentFile(b"pdf"), save=False)
        attachment.save()
        line = make_line(agreement, world.a, {2026: 10_000, 2027: 10_000}, purpose=f"Del {i}")
        register_payment(line=line, year=2026, paid_on=date(2026, 2, 1), amount=100, by=admin)
        AgreementEvent.objects.create(agreement=agreement, kind=EventKind.CHANGED, user=admin)
        Meeting.objects.create(agreement=agreement, date=date(2026, 1, 1 + i), called_by=world.a)


QUERIES = 15


def test_the_dossier_takes_the_same_queries_however_many_rows(world, django_assert_max_num_queries):
    user = get_user_model().objects.get(pk=world.users["coordinator"].pk)
    agreement = world.own["agreement"]
    # The user's memberships, the documents, 2 for the decisions, 3 for the reports, their
    # attachments, the payments, 4 for the funding, the history, the meetings.
    with django_assert_max_num_queries(QUERIES):
        small = dossier_of(agreement, user)
    grow(world, 12)
    user = get_user_model().objects.get(pk=user.pk)
    with django_assert_max_num_queries(QUERIES):
        large = dossier_of(agreement, user)
    assert len(large.namelist()) == len(small.namelist()) + 12 * 3
