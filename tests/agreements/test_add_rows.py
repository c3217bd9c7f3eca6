"""Rows that are not ordered (obligations, targets, exclusions, a proposal's case documents and
conditions, an organisation's contact people) are added several in one save: "Lägg till rad"
shows the page again with one more empty row and everything typed, saving nothing."""

import re

import pytest
from django.urls import reverse

from agreements.models import (
    CapacityTarget,
    CaseDocument,
    ContactPerson,
    Decision,
    DecisionCondition,
    Exclusion,
)
from tests.factories import make_world
from tests.forms_html import posted_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def _login(client, world, role):
    client.force_login(world.users[role])
    return client


def _add_row(client, url, data, prefix):
    """Press the prefix's "Lägg till rad" with data: the page shown again, as it posts."""
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    response = client.post(url, data | {"rad": f"{prefix}-lagg-till"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Formuläret har fel" not in page and "field-error" not in page
    shown = posted_form(response, url)
    assert shown[f"{prefix}-TOTAL_FORMS"] == str(total + 1)
    return shown


def _typed_kept(shown, typed):
    assert {name: shown.get(name) for name in typed} == typed


def _new(data, prefix, n=0):
    """The name prefix of the n-th row after the saved ones."""
    return f"{prefix}-{int(data[f'{prefix}-INITIAL_FORMS']) + n}"


def test_obligations_targets_and_exclusions_take_several_rows_in_one_save(client, world):
    agreement = world.own["agreement"]
    url = reverse("agreements:obligations", args=[agreement.pk])
    data = posted_form(_login(client, world, "admin").get(url), url)
    saved = set(agreement.obligations.values_list("pk", flat=True))
    before = agreement.obligations_version
    o, m, u = (_new(data, p) for p in ("ataganden", "mal", "undantag"))
    typed = {
        f"{o}-kind": "annual_report",
        f"{o}-responsible": str(world.b.pk),
        f"{o}-parts": "Verksamhetsberättelse",
        f"{o}-due_before_month": "3",
        f"{o}-due_before_day": "1",
        f"{m}-description": "barn",
        f"{m}-quantity": "70",
        f"{u}-description": "Skolskjuts",
    }
    data |= typed

    for prefix in ("ataganden", "mal", "undantag"):
        data = _add_row(client, url, data, prefix)
        _typed_kept(data, typed)

    o2, m2, u2 = (_new(data, p, 1) for p in ("ataganden", "mal", "undantag"))
    assert (data[f"{o2}-kind"], data[f"{o2}-description"]) == ("", "")
    assert (data[f"{m2}-description"], data[f"{u2}-description"]) == ("", "")
    assert set(agreement.obligations.values_list("pk", flat=True)) == saved
    assert not CapacityTarget.objects.filter(agreement=agreement, description="barn").exists()
    assert not Exclusion.objects.filter(agreement=agreement).exists()
    agreement.refresh_from_db()
    assert agreement.obligations_version == before
    data |= {
        f"{o2}-kind": "tertial_report",
        f"{o2}-responsible": str(world.b.pk),
        f"{o2}-description": "Kort rapport",
        f"{m2}-description": "familjer",
        f"{m2}-quantity": "20",
        f"{u2}-description": "Måltider",
    }

    response = client.post(url, data)

    assert response.status_code == 302
    added = agreement.obligations.exclude(pk__in=saved)
    assert sorted(added.values_list("kind", "parts")) == [
        ("annual_report", ["Verksamhetsberättelse"]),
        ("tertial_report", []),
    ]
    assert {("barn", 70), ("familjer", 20)} <= set(
        CapacityTarget.objects.filter(agreement=agreement).values_list("description", "quantity")
    )
    assert sorted(e.description for e in Exclusion.objects.filter(agreement=agreement)) == [
        "Måltider",
        "Skolskjuts",
    ]


def test_an_added_row_left_empty_is_ignored_on_save(client, world):
    agreement = world.own["agreement"]
    url = reverse("agreements:obligations", args=[agreement.pk])
    data = posted_form(_login(client, world, "admin").get(url), url)
    data |= {f"{_new(data, 'undantag')}-description": "Skolskjuts"}
    for prefix in ("undantag", "undantag", "mal", "ataganden"):
        data = _add_row(client, url, data, prefix)
    # A new target is offered as approximate, the added row too (and it is still untouched).
    assert data[f"{_new(data, 'mal', 1)}-approximate"] == "on"
    targets = CapacityTarget.objects.filter(agreement=agreement).count()
    obligations = agreement.obligations.count()

    assert client.post(url, data).status_code == 302
    assert CapacityTarget.objects.filter(agreement=agreement).count() == targets
    assert agreement.obligations.count() == obligations
    assert [e.description for e in Exclusion.objects.filter(agreement=agreement)] == ["Skolskjuts"]


def test_adding_a_row_keeps_the_version_so_a_save_after_someone_elses_is_refused(client, world):
    agreement = world.own["agreement"]
    url = reverse("agreements:obligations", args=[agreement.pk])
    data = posted_form(_login(client, world, "admin").get(url), url)
    data |= {f"{_new(data, 'undantag')}-description": "Skolskjuts"}
    data = _add_row(client, url, data, "undantag")
    Exclusion.objects.create(agreement=agreement, description="Annan")
    agreement.obligations_version += 1
    agreement.save(update_fields=["obligations_version"])

    response = client.post(url, data | {f"{_new(data, 'undantag', 1)}-description": "Måltider"})

    assert response.status_code == 200
    assert response.context["conflict"] is not None
    assert [e.description for e in Exclusion.objects.filter(agreement=agreement)] == ["Annan"]


def _proposal_typed(world):
    return {
        "organisation": str(world.a.pk),
        "title": "Överenskommelse om IOP",
        "body": "Hälso- och sjukvårdsnämnden",
        "kind": "agreement",
        "proposal_date": "2026-02-05",
        "chair_title": "Ordförande",
        "punkter-0-text": "Nämnden ingår överenskommelsen.",
        "dokument-0-number": "1",
        "dokument-0-title": "Förslag till överenskommelse",
        "villkor-0-party": str(world.b.pk),
        "villkor-0-body": "Styrelsen",
    }


def test_a_new_proposal_takes_several_case_documents_and_conditions_in_one_save(client, world):
    agreement = world.own["agreement"]
    url = reverse("agreements:proposal_create", args=[agreement.pk])
    data = posted_form(_login(client, world, "secretary").get(url), url)
    typed = _proposal_typed(world)
    data |= typed

    for prefix in ("dokument", "villkor"):
        data = _add_row(client, url, data, prefix)
        _typed_kept(data, typed)

    assert (data["dokument-1-number"], data["dokument-1-title"]) == ("", "")
    assert (data["villkor-1-party"], data["villkor-1-body"]) == ("", "")
    assert not Decision.objects.filter(title=typed["title"]).exists()
    data |= {
        "dokument-1-number": "2",
        "dokument-1-title": "Tjänsteskrivelse",
        "villkor-1-party": str(world.a.pk),
        "villkor-1-body": "Regionstyrelsen",
    }

    response = client.post(url, data)

    decision = Decision.objects.get(title=typed["title"])
    assert response["Location"] == decision.get_absolute_url()
    assert sorted(decision.case_documents.values_list("number", "title")) == [
        (1, "Förslag till överenskommelse"),
        (2, "Tjänsteskrivelse"),
    ]
    assert sorted(decision.conditions.values_list("body", flat=True)) == [
        "Regionstyrelsen",
        "Styrelsen",
    ]
    # The once-token still holds: the same post again makes no second proposal.
    client.post(url, data)
    assert Decision.objects.filter(title=typed["title"]).count() == 1


def test_an_edited_proposal_takes_several_case_documents_in_one_save(client, world):
    agreement = world.own["agreement"]
    create = reverse("agreements:proposal_create", args=[agreement.pk])
    data = posted_form(_login(client, world, "secretary").get(create), create)
    assert client.post(create, data | _proposal_typed(world)).status_code == 302
    decision = Decision.objects.get(title="Överenskommelse om IOP")
    url = reverse("agreements:proposal_edit", args=[decision.pk])
    data = posted_form(client.get(url), url)
    typed = {"dokument-1-number": "2", "dokument-1-title": "Tjänsteskrivelse"}
    data |= typed | {"chair_title": "Vice ordförande"}

    data = _add_row(client, url, data, "dokument")

    _typed_kept(data, typed | {"chair_title": "Vice ordförande"})
    assert CaseDocument.objects.filter(decision=decision).count() == 1
    decision.refresh_from_db()
    assert decision.chair_title == "Ordförande"
    data |= {"dokument-2-number": "3", "dokument-2-title": "Protokollsutdrag"}
    assert client.post(url, data).status_code == 302
    assert sorted(decision.case_documents.values_list("number", flat=True)) == [1, 2, 3]
    assert DecisionCondition.objects.filter(decision=decision).count() == 1


def test_an_organisation_takes_several_contact_people_in_one_save(client, world):
    party = world.a
    url = reverse("agreements:party_edit", args=[party.pk])
    data = posted_form(_login(client, world, "admin").get(url), url)
    typed = {"kontakter-0-name": "Anna Andersson", "kontakter-0-email": "anna@example.se"}
    data |= typed | {"name": "Region A (nytt namn)"}

    data = _add_row(client, url, data, "kontakter")

    _typed_kept(data, typed | {"name": "Region A (nytt namn)"})
    assert (data["kontakter-1-name"], data["kontakter-1-email"]) == ("", "")
    assert not ContactPerson.objects.filter(party=party).exists()
    party.refresh_from_db()
    assert party.name == "Region A"
    data |= {"kontakter-1-name": "Bo Berg", "kontakter-1-phone": "070-123 45 67"}

    assert client.post(url, data).status_code == 302
    assert sorted(party.contacts.values_list("name", flat=True)) == ["Anna Andersson", "Bo Berg"]


@pytest.mark.parametrize(
    "name, role, prefix",
    [
        ("agreements:obligations", "admin", "ataganden"),
        ("agreements:obligations", "admin", "mal"),
        ("agreements:proposal_create", "secretary", "dokument"),
        ("agreements:proposal_create", "secretary", "villkor"),
        ("agreements:party_edit", "admin", "kontakter"),
        ("funding:lines", "admin", "rader"),
    ],
)
def test_adding_a_row_to_an_odd_or_hostile_post_saves_nothing_and_is_no_error(
    client, world, name, role, prefix
):
    args = [world.a.pk] if name == "agreements:party_edit" else [world.own["agreement"].pk]
    url = reverse(name, args=args)
    data = posted_form(_login(client, world, role).get(url), url)
    agreement = world.own["agreement"]
    counts = (agreement.obligations, agreement.decisions, agreement.funding_lines)
    before = [q.count() for q in counts] + [world.a.version]
    button = {"rad": f"{prefix}-lagg-till"}
    for posted in (
        button,
        data | button | {f"{prefix}-TOTAL_FORMS": "a\x00b"},
        data | button | {f"{prefix}-TOTAL_FORMS": "99999", f"{prefix}-0-id": "x\x00"},
        data | button | {f"{prefix}-INITIAL_FORMS": "-3"},
    ):
        assert client.post(url, posted).status_code in (200, 400)
    world.a.refresh_from_db()
    assert [q.count() for q in counts] + [world.a.version] == before


@pytest.mark.parametrize(
    "name, role, prefixes",
    [
        ("agreements:obligations", "admin", ["ataganden", "mal", "undantag"]),
        ("agreements:proposal_create", "secretary", ["punkter", "dokument", "villkor"]),
        ("agreements:party_edit", "admin", ["kontakter"]),
        ("funding:lines", "admin", ["rader"]),
    ],
)
def test_every_list_of_rows_offers_a_button_for_one_more_row(client, world, name, role, prefixes):
    args = [world.a.pk] if name == "agreements:party_edit" else [world.own["agreement"].pk]
    page = _login(client, world, role).get(reverse(name, args=args)).content.decode()
    buttons = re.findall(r'<button [^>]*name="rad" value="([a-z]+)-lagg-till"', page)
    assert buttons == prefixes
    # Enter in a field sends the form with its first submit button: that one saves.
    form = page[page.index('<form method="post"') :]
    first = re.search(r"<button [^>]*>", form).group(0)
    assert 'type="submit"' in first and "name=" not in first, first
