"""Issuing freezes a document: numbered versions, byte-identical after edits, hash-checked."""

import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from agreements.models import DocumentKind, IssuedDocument, Party
from agreements.services import DomainError
from agreements.services.documents import issue_document
from funding.models import PaymentPlan
from tests.factories import party_form_data

from .helpers import (
    pdf_pages,
    pdf_text,
    skane_agreement,
    skane_proposal,
    vasterbotten_agreement,
)

pytestmark = pytest.mark.django_db


def user(username):
    return get_user_model().objects.get(username=username)


def test_issued_agreement_stays_byte_identical_after_edits(demo, client):
    agreement = vasterbotten_agreement()
    first = issue_document(
        agreement=agreement, kind=DocumentKind.AGREEMENT, by=user("region.vasterbotten")
    )
    original = bytes(first.pdf)
    assert first.version == 1 and first.replaces is None
    assert first.sha256 == hashlib.sha256(original).hexdigest() and first.size == len(original)

    agreement.subject = "Ett helt nytt ändamål."
    agreement.notice_months = 3
    agreement.save()
    line = agreement.funding_lines.get()
    line.shares.update(amount=2_000_000)
    party = line.party
    party.name = "Region Västerbotten (nytt namn)"
    party.save()

    first.refresh_from_db()
    assert bytes(first.pdf) == original
    client.force_login(user("region.vasterbotten"))
    response = client.get(reverse("documents:download", args=[first.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content if response.streaming else [response.content]) == (
        original
    )
    assert "attachment" in response["Content-Disposition"]
    old_text = pdf_text(original)
    assert "Vid uppsägning gäller nio månaders uppsägningstid." in old_text
    assert "1 726 000 kr per år" in old_text

    second = issue_document(
        agreement=agreement, kind=DocumentKind.AGREEMENT, by=user("region.vasterbotten")
    )
    assert second.version == 2 and second.replaces == first
    new_text = pdf_text(second.pdf)
    assert "Ett helt nytt ändamål." in new_text
    assert "Vid uppsägning gäller tre månaders uppsägningstid." in new_text
    assert "2 000 000 kr per år" in new_text
    first.refresh_from_db()
    assert bytes(first.pdf) == original


def test_a_later_bankgiro_change_leaves_an_issued_document_as_printed(demo, client):
    agreement = vasterbotten_agreement()
    issued = issue_document(
        agreement=agreement, kind=DocumentKind.AGREEMENT, by=user("region.vasterbotten")
    )
    original = bytes(issued.pdf)
    assert "bankgiro 403-4849" in pdf_text(original)
    # The Red Cross's own coordinator changes its record; its payment plan follows.
    srk = Party.objects.get(org_number="802002-8711")
    client.force_login(user("rodakorset"))
    data = party_form_data(srk, name="Röda Korset", bankgiro="5050-1055")
    response = client.post(reverse("agreements:party_edit", args=[srk.pk]), data)
    assert response.status_code == 302
    assert PaymentPlan.objects.filter(line__receiver=srk).update(bankgiro="5050-1055") == 1

    issued.refresh_from_db()
    assert bytes(issued.pdf) == original
    response = client.get(reverse("documents:download", args=[issued.pk]))
    assert response.content == original
    text = pdf_text(response.content)
    assert "bankgiro 403-4849" in text and "5050-1055" not in text
    assert "Svenska Röda Korset" in text
    # What is printed now (the preview, a new version) shows the new bankgiro.
    response = client.get(reverse("documents:agreement_pdf", args=[agreement.pk]))
    assert "bankgiro 5050-1055" in pdf_text(response.content)


def test_every_page_of_an_issued_document_shows_identifier_and_version(demo):
    issued = issue_document(
        agreement=skane_agreement(),
        kind=DocumentKind.PROPOSAL,
        decision=skane_proposal(),
        by=user("sekreterare.skane"),
    )
    assert issued.identifier == skane_proposal().document_identifier
    pages = pdf_pages(issued.pdf)
    assert len(pages) == 3
    for page in pages:
        assert f"{issued.identifier} · Version 1, utfärdad" in page
        assert "Utkast" not in page


def test_versions_are_numbered_per_agreement_and_kind(demo):
    agreement, by = vasterbotten_agreement(), user("region.vasterbotten")
    issue_document(agreement=agreement, kind=DocumentKind.AGREEMENT, by=by)
    issue_document(agreement=agreement, kind=DocumentKind.AGREEMENT, by=by)
    proposal = issue_document(
        agreement=skane_agreement(),
        kind=DocumentKind.PROPOSAL,
        decision=skane_proposal(),
        by=user("sekreterare.skane"),
    )
    versions = list(
        IssuedDocument.objects.filter(agreement=agreement).values_list("version", flat=True)
    )
    assert sorted(versions) == [1, 2]
    assert proposal.version == 1


def test_document_with_missing_data_is_not_issued(demo):
    with pytest.raises(DomainError, match="Uppsägningstid saknas"):
        issue_document(
            agreement=skane_agreement(), kind=DocumentKind.AGREEMENT, by=user("region.skane")
        )
    assert not IssuedDocument.objects.exists()


def test_proposal_must_belong_to_the_agreement(demo):
    with pytest.raises(DomainError):
        issue_document(
            agreement=vasterbotten_agreement(),
            kind=DocumentKind.PROPOSAL,
            decision=skane_proposal(),
            by=user("sekreterare.skane"),
        )


def test_tampered_stored_file_is_refused(demo, client):
    issued = issue_document(
        agreement=vasterbotten_agreement(),
        kind=DocumentKind.AGREEMENT,
        by=user("region.vasterbotten"),
    )
    tampered = bytearray(issued.pdf)
    tampered[len(tampered) // 2] ^= 0xFF  # one flipped byte, same size
    tampered = bytes(tampered)
    IssuedDocument.objects.filter(pk=issued.pk).update(pdf=tampered)

    client.force_login(user("region.vasterbotten"))
    response = client.get(reverse("documents:download", args=[issued.pk]))
    assert response.status_code == 409
    assert response["Content-Type"].startswith("text/html")
    assert "stämmer inte med kontrollsumman" in response.content.decode()


def test_truncated_stored_file_is_refused(demo, client):
    issued = issue_document(
        agreement=vasterbotten_agreement(),
        kind=DocumentKind.AGREEMENT,
        by=user("region.vasterbotten"),
    )
    IssuedDocument.objects.filter(pk=issued.pk).update(pdf=bytes(issued.pdf)[:-10])
    client.force_login(user("region.vasterbotten"))
    response = client.get(reverse("documents:download", args=[issued.pk]))
    assert response.status_code == 409
