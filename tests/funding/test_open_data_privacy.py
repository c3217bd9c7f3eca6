"""The anonymous open data holds no personal data: no contact people, e-mail addresses or
telephone numbers, and never a person's number, not even from a row saved before
organisation numbers were checked for it."""

import json
import re

import pytest
from django.urls import reverse
from stdnum.se import personnummer

from agreements.models import ContactPerson, Party, PartyKind
from tests.factories import make_agreement, make_line, make_party

pytestmark = pytest.mark.django_db

PERSONNUMMER = "880320-0016"
DIGIT_RUNS = re.compile(r"\d[\d\-+ ]{8,14}\d")


@pytest.fixture
def published():
    """An active agreement of a region, a non-profit with contact people, and a sole trader
    saved (as before the check) with a personnummer as its organisation number."""
    region = make_party("Region Norr", kind=PartyKind.REGION, email="info@norr.example.se")
    club = make_party("Förening Syd", email="kansli@syd.example.se", phone="070-123 45 67")
    ContactPerson.objects.create(
        party=club, name="Kim Andersson", email="kim@syd.example.se", phone="070-765 43 21"
    )
    trader = make_party("Kim Anderssons firma")
    Party.objects.filter(pk=trader.pk).update(org_number=PERSONNUMMER)
    agreement = make_agreement(
        region,
        club,
        trader,
        status="active",
        title=f"Stöd enligt ansökan från {PERSONNUMMER}",
        case_number="19880320-0016",
    )
    for party in (region, club, trader):
        make_line(agreement, party, {2026: 1000})
    return agreement


def published_texts(client):
    json_text = client.get(reverse("funding:public_json")).content.decode()
    csv_text = client.get(reverse("funding:public_csv")).content.decode("utf-8-sig")
    return json_text, csv_text


def test_open_data_never_prints_a_persons_number(client, published):
    for text in published_texts(client):
        assert "0320-0016" not in text and "8803200016" not in text
        assert not [run for run in DIGIT_RUNS.findall(text) if personnummer.is_valid(run)]
        assert "Kim Anderssons firma" not in text  # a sole trader is named after a person


def test_open_data_prints_no_contact_people_e_mail_or_telephone(client, published):
    for text in published_texts(client):
        for personal in ("Kim Andersson", "@", "kansli", "070-123 45 67", "070-765 43 21"):
            assert personal not in text


def test_open_data_keeps_the_organisations_and_amounts(client, published):
    data = json.loads(client.get(reverse("funding:public_json")).content)
    (agreement,) = data["agreements"]
    names = [p["name"] for p in agreement["parties"]]
    assert names[:2] == ["Region Norr", "Förening Syd"]
    assert agreement["parties"][2]["org_number"] == ""
    assert agreement["years"][0]["total"] == 3000
