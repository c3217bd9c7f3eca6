"""The order of a decision proposal's items, and of the agreements it covers, is changed on its
page with the same move-up and move-down buttons as an agreement's sections, and the decision's
page, the preview and the printed proposal follow it."""

import pytest
from django.urls import reverse

from agreements.models import DecisionItem
from agreements.services.lifecycle import link_agreements
from tests.documents.helpers import in_order, pdf_text
from tests.factories import make_agreement, make_party, make_world
from tests.forms_html import posted_form

pytestmark = pytest.mark.django_db

ITEMS = ["Nämnden ingår överenskommelsen.", "Uppdra åt direktören.", "Justera omedelbart."]


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def secretary(client, world):
    client.force_login(world.users["secretary"])
    return client


def _with_items(world):
    decision = world.own["decision"]
    for number, text in enumerate(ITEMS, start=1):
        DecisionItem.objects.create(decision=decision, number=number, text=text)
    return decision


def _pdf(client, decision):
    response = client.get(reverse("documents:proposal_pdf", args=[decision.pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return pdf_text(body)


def test_moving_an_item_renumbers_the_items_and_the_printed_proposal_follows(secretary, world):
    decision = _with_items(world)
    url = reverse("agreements:proposal_edit", args=[decision.pk])
    data = posted_form(secretary.get(url), url)
    data["punkter-2-text"] = "Justera paragrafen omedelbart."  # typed, not saved yet

    response = secretary.post(url, data | {"rad": "punkter-upp-2"})

    assert response.status_code == 200
    page = response.content.decode()
    assert in_order(page, [ITEMS[0], "Justera paragrafen omedelbart.", ITEMS[1]])
    assert list(decision.items.values_list("text", flat=True)) == ITEMS  # nothing saved
    assert secretary.post(url, posted_form(response, url)).status_code == 302
    assert list(decision.items.values_list("number", "text")) == [
        (1, ITEMS[0]),
        (2, "Justera paragrafen omedelbart."),
        (3, ITEMS[1]),
    ]
    text = _pdf(secretary, decision)
    assert in_order(text, [ITEMS[0], "Justera paragrafen omedelbart.", ITEMS[1]])


def test_an_item_added_moved_to_the_top_and_one_removed_are_numbered_in_order(secretary, world):
    decision = _with_items(world)
    url = reverse("agreements:proposal_edit", args=[decision.pk])
    data = posted_form(secretary.get(url), url)
    data |= {"punkter-3-text": "Godkänna budgeten.", "punkter-1-DELETE": "on"}
    for _ in range(3):
        data = posted_form(secretary.post(url, data | {"rad": "punkter-upp-3"}), url)

    assert secretary.post(url, data).status_code == 302

    assert list(decision.items.values_list("number", "text")) == [
        (1, "Godkänna budgeten."),
        (2, ITEMS[0]),
        (3, ITEMS[2]),
    ]
    preview = secretary.get(reverse("documents:proposal_preview", args=[decision.pk]))
    assert in_order(preview.content.decode(), ["Godkänna budgeten.", ITEMS[0], ITEMS[2]])


@pytest.fixture
def decision(world):
    """The proposal of Region A covering three agreements, listed neither by title nor by id."""
    decision = world.own["decision"]
    agreements = {
        title: make_agreement(world.a, make_party(f"Förening {title}"), title=title)
        for title in ("Läxhjälp", "Fritidsgård", "Stödsamtal")
    }
    link_agreements(
        decision=decision,
        agreements=[agreements["Läxhjälp"], agreements["Stödsamtal"], agreements["Fritidsgård"]],
    )
    return decision


def _listed(decision):
    return [a.title for a in decision.agreements_in_order()]


def _covered(titles):
    """The proposal's sentence listing the agreements it covers, in this order."""
    return [f"Förslaget gäller 3 överenskommelser: {titles[0]} med", *titles[1:]]


def test_moving_an_agreement_up_lists_it_earlier_on_every_page(secretary, decision):
    url = reverse("agreements:proposal_edit", args=[decision.pk])
    page = secretary.get(url)
    assert in_order(page.content.decode(), ["Läxhjälp (", "Stödsamtal (", "Fritidsgård ("])

    response = secretary.post(url, posted_form(page, url) | {"rad": "overenskommelser-upp-1"})

    assert response.status_code == 200
    assert in_order(response.content.decode(), ["Stödsamtal (", "Läxhjälp (", "Fritidsgård ("])
    assert _listed(decision) == ["Läxhjälp", "Stödsamtal", "Fritidsgård"]  # nothing saved
    assert secretary.post(url, posted_form(response, url)).status_code == 302
    order = ["Stödsamtal", "Läxhjälp", "Fritidsgård"]
    assert _listed(decision) == order
    detail = secretary.get(reverse("agreements:decision", args=[decision.pk]))
    assert in_order(detail.content.decode(), [f"{title} (" for title in order])
    preview = secretary.get(reverse("documents:proposal_preview", args=[decision.pk]))
    assert in_order(preview.content.decode(), _covered(order))


def test_moving_an_agreement_down_twice_lists_it_last_in_the_printed_proposal(secretary, decision):
    url = reverse("agreements:proposal_edit", args=[decision.pk])
    data = posted_form(secretary.get(url), url)
    for place in (0, 1):
        moved = secretary.post(url, data | {"rad": f"overenskommelser-ned-{place}"})
        data = posted_form(moved, url)

    assert secretary.post(url, data).status_code == 302

    order = ["Stödsamtal", "Fritidsgård", "Läxhjälp"]
    assert _listed(decision) == order
    assert in_order(_pdf(secretary, decision), _covered(order))


def test_an_agreement_ticked_on_the_page_is_listed_last(secretary, world, decision):
    added = make_agreement(world.a, make_party("Förening Ärla"), title="Ärlan")
    url = reverse("agreements:proposal_edit", args=[decision.pk])
    data = posted_form(secretary.get(url), url)
    data["agreements"] = [*data["agreements"], str(added.pk)]

    assert secretary.post(url, data).status_code == 302

    assert _listed(decision) == ["Läxhjälp", "Stödsamtal", "Fritidsgård", "Ärlan"]
