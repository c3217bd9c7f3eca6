"""An agreement's text, signatories and listed resource contributions, entered in the app's
own pages by an administrator without staff rights: several rows in one save, rows added and
moved without losing what was typed, and the printed document holding what was entered."""

from datetime import date

import pytest
from django.urls import reverse

from agreements.models import (
    STANDARD_SECTION_HEADINGS,
    AgreementParty,
    AgreementSection,
    ResourceContribution,
    Signatory,
)
from agreements.services import DomainError
from agreements.services.parts import save_signatories
from tests.documents.helpers import in_order, pdf_text
from tests.factories import make_agreement, make_member, make_party, make_world
from tests.forms_html import posted_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def admin(client, world):
    assert not world.users["admin"].is_staff
    client.force_login(world.users["admin"])
    return client


def _page(client, name, agreement):
    url = reverse(f"agreements:{name}", args=[agreement.pk])
    response = client.get(url)
    assert response.status_code == 200
    return url, posted_form(response, url)


def _pdf(client, agreement):
    response = client.get(reverse("documents:agreement_pdf", args=[agreement.pk]))
    assert response.status_code == 200
    return pdf_text(
        b"".join(response.streaming_content) if response.streaming else response.content
    )


def test_several_sections_are_saved_in_one_save_in_the_order_shown(admin, world):
    agreement = world.own["agreement"]
    url, data = _page(admin, "sections", agreement)
    data |= {"avsnitt-0-heading": "Bakgrund", "avsnitt-0-body": "Så började det."}
    response = admin.post(url, data | {"rad": "avsnitt-lagg-till"})
    assert response.status_code == 200
    assert AgreementSection.objects.filter(agreement=agreement).count() == 0  # nothing saved
    data = posted_form(response, url)
    assert data["avsnitt-0-body"] == "Så började det."  # what was typed is still there
    assert data["avsnitt-TOTAL_FORMS"] == "2"
    data |= {"avsnitt-1-heading": "Målgrupp", "avsnitt-1-body": "Barn och unga."}

    response = admin.post(url, data)

    assert response.status_code == 302
    assert [(s.heading, s.body) for s in agreement.sections.all()] == [
        ("Bakgrund", "Så började det."),
        ("Målgrupp", "Barn och unga."),
    ]


def test_moving_a_row_shows_it_moved_and_the_save_keeps_that_order(admin, world):
    agreement = world.own["agreement"]
    for i, heading in enumerate(["Syfte", "Målgrupp", "Värdegrund"]):
        AgreementSection.objects.create(agreement=agreement, position=i, heading=heading)
    url, data = _page(admin, "sections", agreement)
    data["avsnitt-2-body"] = "Respekt och tillit."  # typed, not saved yet
    third = data["avsnitt-2-id"]

    response = admin.post(url, data | {"rad": "avsnitt-upp-2"})

    page = response.content.decode()
    assert in_order(page, ["Syfte", "Värdegrund", "Respekt och tillit.", "Målgrupp"])
    assert [s.heading for s in agreement.sections.all()] == ["Syfte", "Målgrupp", "Värdegrund"]
    data = posted_form(response, url)
    # A new section typed into the extra row and moved to the top, then saved.
    data |= {"avsnitt-3-heading": "Bakgrund", "avsnitt-3-body": "Historien."}
    for _ in range(3):
        data = posted_form(admin.post(url, data | {"rad": "avsnitt-upp-3"}), url)
    assert admin.post(url, data).status_code == 302
    assert [s.heading for s in agreement.sections.all()] == [
        "Bakgrund",
        "Syfte",
        "Värdegrund",
        "Målgrupp",
    ]
    assert agreement.sections.get(pk=third).body == "Respekt och tillit."
    text = _pdf(admin, agreement)
    assert in_order(text, ["Bakgrund", "Historien.", "Syfte", "Värdegrund", "Målgrupp"])


def test_a_removed_section_is_gone_and_an_empty_one_is_a_gap_in_the_document(admin, world):
    agreement = world.own["agreement"]
    AgreementSection.objects.create(agreement=agreement, position=0, heading="Bort", body="x")
    AgreementSection.objects.create(agreement=agreement, position=1, heading="Målgrupp")
    url, data = _page(admin, "sections", agreement)
    assert admin.post(url, data | {"avsnitt-0-DELETE": "on"}).status_code == 302
    assert [s.heading for s in agreement.sections.all()] == ["Målgrupp"]
    preview = admin.get(reverse("documents:agreement_preview", args=[agreement.pk]))
    assert "Text saknas under Målgrupp" in preview.content.decode()


def test_signatories_of_every_party_are_entered_and_printed_party_by_party(admin, world):
    agreement = world.own["agreement"]
    region, nonprofit = (ap.pk for ap in agreement.parties.order_by("position"))
    url, data = _page(admin, "signatories", agreement)
    # One empty row offered per party, each with its party chosen.
    assert (data["undertecknare-0-agreement_party"], data["undertecknare-1-agreement_party"]) == (
        str(region),
        str(nonprofit),
    )
    data |= {"undertecknare-1-name": "Ulrika Wickman", "undertecknare-1-title": "Avdelningschef"}
    data = posted_form(admin.post(url, data | {"rad": "undertecknare-lagg-till"}), url)
    data |= {
        "undertecknare-2-agreement_party": str(nonprofit),
        "undertecknare-2-name": "Ulrika Modéer",
        "undertecknare-2-title": "Generalsekreterare",
        "undertecknare-0-name": "Pia Näsvall",
        "undertecknare-0-title": "Hälso- och sjukvårdsdirektör",
    }
    response = admin.post(url, data)
    assert response.status_code == 302, response.content.decode()

    assert [
        (s.agreement_party_id, s.name)
        for s in Signatory.objects.order_by("agreement_party__position", "position")
    ] == [
        (region, "Pia Näsvall"),
        (nonprofit, "Ulrika Wickman"),
        (nonprofit, "Ulrika Modéer"),
    ]
    text = _pdf(admin, agreement)
    assert in_order(
        text,
        [
            "Pia Näsvall",
            "Hälso- och sjukvårdsdirektör",
            "Region A",
            "Ulrika Wickman",
            "Ulrika Modéer",
            "Generalsekreterare",
            "Förening B",
        ],
    )


def test_listed_contributions_and_what_the_agreement_leaves_to_other_rules_print(admin, world):
    agreement = world.own["agreement"]
    url, data = _page(admin, "contributions", agreement)
    data |= {
        "bidrag-0-description": "Regionens regelverk för sjukresor gäller för resor dit.",
        "bidrag-1-description": "Lokaler, material och tolkkostnader.",
    }
    data = posted_form(admin.post(url, data | {"rad": "bidrag-lagg-till"}), url)
    data |= {
        "bidrag-2-agreement_party": data["bidrag-1-agreement_party"],
        "bidrag-2-description": "Stöd till anhöriga.",
    }
    assert admin.post(url, data).status_code == 302
    assert ResourceContribution.objects.count() == 3

    text = _pdf(admin, agreement)
    assert in_order(
        text,
        [
            "Region As resursbidrag",
            "Regionens regelverk för sjukresor gäller för resor dit.",
            "Förening Bs resursbidrag",
            "Lokaler, material och tolkkostnader.",
            "Stöd till anhöriga.",
        ],
    )


def test_an_untouched_offered_row_saves_nothing(admin, world):
    agreement = world.own["agreement"]
    url, data = _page(admin, "contributions", agreement)
    assert admin.post(url, data).status_code == 302
    assert ResourceContribution.objects.count() == 0


def test_a_row_with_a_missing_field_is_refused_beside_it_and_nothing_is_saved(admin, world):
    agreement = world.own["agreement"]
    url, data = _page(admin, "signatories", agreement)
    response = admin.post(url, data | {"undertecknare-0-name": "Pia Näsvall"})
    assert response.status_code == 200
    assert "Formuläret har fel" in response.content.decode()
    assert response.context["rows"].forms[0].errors["title"]
    assert Signatory.objects.count() == 0


def test_a_party_of_another_agreement_cannot_be_chosen(admin, world):
    agreement = world.own["agreement"]
    foreign = AgreementParty.objects.get(agreement=world.other["agreement"], position=0)
    url, data = _page(admin, "signatories", agreement)
    data |= {
        "undertecknare-0-agreement_party": str(foreign.pk),
        "undertecknare-0-name": "Någon",
        "undertecknare-0-title": "Direktör",
    }
    response = admin.post(url, data)
    assert response.status_code == 200
    assert response.context["rows"].forms[0].errors["agreement_party"]
    with pytest.raises(DomainError):
        save_signatories(
            agreement=agreement,
            signatories=[{"agreement_party": foreign, "name": "N", "title": "T"}],
            version=agreement.signatories_version,
            by=world.users["admin"],
        )
    assert Signatory.objects.count() == 0


def test_a_new_agreement_starts_from_its_organisations_latest_sections(admin, world):
    older = make_agreement(world.a, make_party(), title="Äldre", start=date(2020, 1, 1))
    AgreementSection.objects.create(agreement=older, position=0, heading="Gammal", body="Förr")
    latest = world.own["agreement"]
    AgreementSection.objects.create(agreement=latest, position=1, heading="Syfte", body="Mål.")
    AgreementSection.objects.create(agreement=latest, position=0, heading="Bakgrund", body="Så.")
    created = _create(admin, world)
    assert [(s.heading, s.body) for s in created.sections.all()] == [
        ("Bakgrund", "Så."),
        ("Syfte", "Mål."),
    ]


def test_a_first_agreement_starts_from_the_standard_headings(client, world):
    newcomer_org = make_party("Kommun Ny", kind="municipality")
    newcomer = make_member("admin_ny", newcomer_org, "administrator")
    client.force_login(newcomer)
    created = _create(client, world, own=newcomer_org)
    assert [s.heading for s in created.sections.all()] == STANDARD_SECTION_HEADINGS
    assert "Vårdgivaransvar" in STANDARD_SECTION_HEADINGS


def _create(client, world, own=None):
    own = own or world.a
    url = reverse("agreements:create")
    data = posted_form(client.get(url), url)
    data |= {
        "title": "Ny överenskommelse",
        "period_start": "2027-01-01",
        "period_end": "2029-12-31",
        "parter-0-party": str(own.pk),
        "parter-0-role": "public",
        "parter-1-org_number": world.b.org_number,
        "parter-1-role": "nonprofit",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()
    return own.agreement_roles.get(agreement__title="Ny överenskommelse").agreement


def test_the_pages_read_their_rows_in_a_constant_number_of_queries(
    admin, world, django_assert_max_num_queries
):
    agreement = world.own["agreement"]
    parties = list(agreement.parties.all())
    for i in range(30):
        Signatory.objects.create(
            agreement_party=parties[i % 2], name=f"N{i}", title="T", position=i
        )
    url = reverse("agreements:signatories", args=[agreement.pk])
    with django_assert_max_num_queries(15):
        assert admin.get(url).status_code == 200


def test_parties_are_added_several_in_one_save_without_losing_what_was_typed(admin, world):
    agreement = world.own["agreement"]
    third, fourth = make_party("Kommun Tre", kind="municipality"), make_party("Förening Fyra")
    url = reverse("agreements:edit", args=[agreement.pk])
    data = posted_form(admin.get(url), url)
    data |= {
        "title": "Fyrpartsöverenskommelse",
        "parter-2-org_number": third.org_number,
        "parter-2-role": "public",
        "parter-2-unit": "Socialtjänsten",
    }

    response = admin.post(url, data | {"rad": "parter-lagg-till"})

    assert response.status_code == 200
    assert "Formuläret har fel" not in response.content.decode()
    data = posted_form(response, url)
    assert (data["title"], data["parter-2-unit"], data["parter-TOTAL_FORMS"]) == (
        "Fyrpartsöverenskommelse",
        "Socialtjänsten",
        "4",
    )
    agreement.refresh_from_db()
    assert (agreement.title, agreement.parties.count()) == ("Vår överenskommelse", 2)
    data |= {"parter-3-org_number": fourth.org_number, "parter-3-role": "nonprofit"}
    assert admin.post(url, data).status_code == 302
    assert [(ap.party.name, ap.unit) for ap in agreement.parties.all()][2:] == [
        ("Kommun Tre", "Socialtjänsten"),
        ("Förening Fyra", ""),
    ]


def test_a_new_agreement_takes_a_row_more_for_its_parties(admin, world):
    url = reverse("agreements:create")
    data = posted_form(admin.get(url), url)
    total = int(data["parter-TOTAL_FORMS"])
    response = admin.post(url, data | {"title": "Ny", "rad": "parter-lagg-till"})
    data = posted_form(response, url)
    assert (data["title"], int(data["parter-TOTAL_FORMS"])) == ("Ny", total + 1)
    assert not world.a.agreement_roles.filter(agreement__title="Ny").exists()


@pytest.mark.parametrize(
    "action",
    ["avsnitt-upp-0", "avsnitt-ned-9999", "avsnitt-upp-99999", "annat-lagg-till", "x\x00", ""],
)
def test_a_row_button_with_an_odd_value_or_no_management_form_is_no_error(admin, world, action):
    agreement = world.own["agreement"]
    AgreementSection.objects.create(agreement=agreement, position=0, heading="Syfte")
    url, data = _page(admin, "sections", agreement)
    for posted in (data, {"rad": "avsnitt-lagg-till"}):
        response = admin.post(url, posted | {"rad": action} if action else posted)
        assert response.status_code in (200, 302, 400)
    assert [s.heading for s in agreement.sections.all()] == ["Syfte"]


def test_moving_a_party_changes_the_order_the_document_prints_the_parties_in(admin, world):
    agreement = world.own["agreement"]
    url = reverse("agreements:edit", args=[agreement.pk])
    data = posted_form(admin.get(url), url)
    data["parter-1-unit"] = "Styrelsen"  # typed, not saved yet

    response = admin.post(url, data | {"rad": "parter-upp-1"})

    assert response.status_code == 200
    assert in_order(response.content.decode(), ["Förening B", "Styrelsen", "Region A"])
    assert [ap.party for ap in agreement.parties.all()] == [world.a, world.b]  # nothing saved
    assert admin.post(url, posted_form(response, url)).status_code == 302
    assert [(ap.party, ap.unit) for ap in agreement.parties.all()] == [
        (world.b, "Styrelsen"),
        (world.a, ""),
    ]
    text = _pdf(admin, agreement)
    assert "mellan Förening B och Region A" in text
    assert in_order(text, ["Förening B", "Region A"])


def test_a_party_added_and_moved_up_is_saved_in_its_place(admin, world):
    agreement = world.own["agreement"]
    third = make_party("Kommun Tre", kind="municipality")
    url = reverse("agreements:edit", args=[agreement.pk])
    data = posted_form(admin.get(url), url)
    data |= {"parter-2-org_number": third.org_number, "parter-2-role": "public"}
    data = posted_form(admin.post(url, data | {"rad": "parter-upp-2"}), url)

    assert admin.post(url, data).status_code == 302

    assert [ap.party for ap in agreement.parties.all()] == [world.a, third, world.b]
    preview = admin.get(reverse("documents:agreement_preview", args=[agreement.pk]))
    assert "mellan Region A, Kommun Tre och Förening B" in preview.content.decode()
