"""Organisations own their records: an organisation's administrators and coordinators change
it (until it has any, the organisation that registered it), partners see it and propose
corrections the owner accepts or rejects, changes of bankgiro and organisationsnummer are
listed with who and when, and a stale save is refused with the conflict page."""

import importlib
from datetime import date

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from agreements.models import (
    Agreement,
    AgreementParty,
    ContactPerson,
    CorrectionStatus,
    Membership,
    Party,
    PartyCorrection,
    PartyKind,
    PartyRole,
)
from agreements.services.organisations import ORGANISATION_FIELDS
from tests.factories import (
    make_agreement,
    make_member,
    make_party,
    make_world,
    org_number,
    party_form_data,
)
from tests.forms_html import fresh_token

pytestmark = pytest.mark.django_db

CONFLICT = "Någon annan har sparat under tiden"


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = make_world()
    world.b.bankgiro, world.b.email = "403-4849", "kansli@b.example.se"
    world.b.save()
    return world


def as_user(world, role):
    client = Client()
    client.force_login(world.users[role] if isinstance(role, str) else role)
    return client


def edit(client, party, data):
    return client.post(reverse("agreements:party_edit", args=[party.pk]), data)


# --- Who changes a record -------------------------------------------------------------------


def test_a_region_cannot_change_a_nonprofits_record_by_making_it_a_party(world):
    region = as_user(world, "admin")
    data = party_form_data(
        world.b, name="Kapad förening", bankgiro="5050-1055", email="x@region.se"
    )
    assert region.get(reverse("agreements:party_edit", args=[world.b.pk])).status_code == 403
    assert edit(region, world.b, data).status_code == 403
    world.b.refresh_from_db()
    assert (world.b.name, world.b.bankgiro, world.b.email) == (
        "Förening B",
        "403-4849",
        "kansli@b.example.se",
    )
    # Nor does a third party that joins the agreement later get the right.
    third = make_party("Kommun F", kind=PartyKind.MUNICIPALITY)
    AgreementParty.objects.create(
        agreement=world.own["agreement"], party=third, role=PartyRole.PUBLIC, position=5
    )
    third_admin = as_user(world, make_member("admin_f", third, "administrator"))
    assert edit(third_admin, world.b, data).status_code == 403
    page = third_admin.get(reverse("agreements:party", args=[world.b.pk])).content.decode()
    assert reverse("agreements:party_edit", args=[world.b.pk]) not in page
    assert reverse("agreements:party_correct", args=[world.b.pk]) in page


def test_the_nonprofits_own_coordinator_edits_its_record(world):
    coordinator = as_user(world, "coordinator")
    assert coordinator.get(reverse("agreements:party_edit", args=[world.b.pk])).status_code == 200
    response = edit(coordinator, world.b, party_form_data(world.b, name="Förening B i Umeå"))
    assert response.status_code == 302
    world.b.refresh_from_db()
    assert world.b.name == "Förening B i Umeå" and world.b.version == 2
    assert world.b.history.first().history_user == world.users["coordinator"]


def test_an_organisations_own_administrator_edits_its_record(world):
    response = edit(as_user(world, "admin"), world.a, party_form_data(world.a, city="Umeå"))
    assert response.status_code == 302
    assert Party.objects.get(pk=world.a.pk).city == "Umeå"


def test_a_secretary_reads_but_does_not_change_the_record(world):
    secretary = as_user(world, "secretary")
    assert edit(secretary, world.a, party_form_data(world.a, city="Umeå")).status_code == 403
    assert Party.objects.get(pk=world.a.pk).city == ""


def test_the_registrar_changes_a_new_organisation_until_it_has_users_of_its_own(world):
    region = as_user(world, "admin")
    number = org_number()
    response = region.post(
        reverse("agreements:party_create"),
        {"name": "Förening Ny", "kind": "nonprofit", "org_number": number},
    )
    new = Party.objects.get(org_number=number)
    assert response.status_code == 302 and new.registered_by == world.a
    # The registrar sees it (before any agreement) and changes it; nobody else sees it.
    assert region.get(reverse("agreements:party", args=[new.pk])).status_code == 200
    assert edit(region, new, party_form_data(new, city="Lycksele")).status_code == 302
    assert (
        as_user(world, "outsider").get(reverse("agreements:party", args=[new.pk])).status_code
        == 404
    )
    # Once it has a coordinator of its own, the record is theirs.
    AgreementParty.objects.create(
        agreement=world.own["agreement"], party=new, role=PartyRole.OTHER, position=5
    )
    own = as_user(world, make_member("samord_ny", new, "coordinator"))
    assert edit(region, new, party_form_data(new, city="Skellefteå")).status_code == 403
    assert edit(own, new, party_form_data(new, city="Skellefteå")).status_code == 302
    assert Party.objects.get(pk=new.pk).city == "Skellefteå"


def test_an_administrator_of_several_organisations_says_which_registers(world):
    Membership.objects.create(user=world.users["admin"], party=world.c, role="administrator")
    region = as_user(world, "admin")
    data = {"name": "Förening Två", "kind": "nonprofit", "org_number": org_number()}
    response = region.post(reverse("agreements:party_create"), data)
    assert response.status_code == 200 and "registered_by" in response.context["form"].errors
    response = region.post(reverse("agreements:party_create"), data | {"registered_by": world.c.pk})
    assert response.status_code == 302
    assert Party.objects.get(name="Förening Två").registered_by == world.c


# --- Adding an existing organisation to an agreement ---------------------------------------


def new_agreement(world, **parties):
    data = {
        "title": "Med ny part",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
        "parter-TOTAL_FORMS": "2",
        "parter-INITIAL_FORMS": "0",
        "parter-MIN_NUM_FORMS": "0",
        "parter-MAX_NUM_FORMS": "1000",
        "parter-0-party": world.a.pk,
        "parter-0-role": "public",
        "parter-1-role": "nonprofit",
    }
    data |= fresh_token()
    return data | {f"parter-1-{name}": value for name, value in parties.items()}


def test_other_tenants_organisations_are_not_listed_but_found_by_exact_number(world):
    region = as_user(world, "admin")
    page = region.get(reverse("agreements:create")).content.decode()
    assert "Förening B" in page
    for stranger in ("Kommun C", "Förening D", "Förening E"):
        assert stranger not in page
    # Posting another tenant's organisation by its id is an invalid choice ...
    response = region.post(reverse("agreements:create"), new_agreement(world, party=world.d.pk))
    assert response.status_code == 200
    assert not Agreement.objects.filter(title="Med ny part").exists()
    # ... a number no organisation has is refused ...
    response = region.post(
        reverse("agreements:create"), new_agreement(world, org_number=org_number())
    )
    assert response.status_code == 200
    assert response.context["parties"].forms[1].errors["org_number"] == [
        "Ingen organisation har det organisationsnumret. Kontrollera numret, eller registrera "
        "organisationen under Organisationer."
    ]
    # ... and its exact organisationsnummer adds it.
    response = region.post(
        reverse("agreements:create"), new_agreement(world, org_number=world.d.org_number)
    )
    assert response.status_code == 302
    added = Agreement.objects.get(title="Med ny part")
    assert {ap.party for ap in added.parties.all()} == {world.a, world.d}


# --- Corrections ----------------------------------------------------------------------------


def propose(client, party, **changes):
    data = {name: getattr(party, name) for name in ORGANISATION_FIELDS}
    data |= changes
    return client.post(reverse("agreements:party_correct", args=[party.pk]), data)


def test_a_partner_proposes_a_correction_and_the_owner_accepts_it(world):
    region = as_user(world, "admin")
    response = propose(region, world.b, bankgiro="5050-1055", message="Nytt bankgiro enligt brev")
    correction = PartyCorrection.objects.get()
    assert response.status_code == 302 and response["Location"] == correction.get_absolute_url()
    assert correction.values == {"bankgiro": "5050-1055"}
    assert correction.before == {"bankgiro": "403-4849"}
    assert correction.organisation == world.a
    assert Party.objects.get(pk=world.b.pk).bankgiro == "403-4849"  # nothing changed yet

    coordinator = as_user(world, "coordinator")
    page = coordinator.get(reverse("agreements:party", args=[world.b.pk])).content.decode()
    assert correction.get_absolute_url() in page and "Region A" in page
    page = coordinator.get(correction.get_absolute_url()).content.decode()
    assert "5050-1055" in page and "Nytt bankgiro enligt brev" in page
    # The proposer may not answer it.
    assert region.post(correction.get_absolute_url(), {"decision": "accept"}).status_code == 403

    response = coordinator.post(correction.get_absolute_url(), {"decision": "accept"})
    assert response.status_code == 302
    world.b.refresh_from_db()
    assert world.b.bankgiro == "5050-1055" and world.b.version == 2
    assert world.b.history.first().history_user == world.users["coordinator"]
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.ACCEPTED
    assert correction.decided_by == world.users["coordinator"]
    # Answered once.
    coordinator.post(correction.get_absolute_url(), {"decision": "reject"})
    correction.refresh_from_db()
    assert correction.status == CorrectionStatus.ACCEPTED


def test_the_owner_rejects_a_correction_with_a_reply_the_proposer_reads(world):
    region = as_user(world, "admin")
    propose(region, world.b, name="Förening Bee")
    correction = PartyCorrection.objects.get()
    coordinator = as_user(world, "coordinator")
    response = coordinator.post(
        correction.get_absolute_url(), {"decision": "reject", "reply": "Namnet stämmer."}
    )
    assert response.status_code == 302
    assert Party.objects.get(pk=world.b.pk).name == "Förening B"
    page = region.get(correction.get_absolute_url()).content.decode()
    assert "Avslagen" in page and "Namnet stämmer." in page


def test_a_correction_that_changes_nothing_is_refused(world):
    response = propose(as_user(world, "admin"), world.b)
    assert response.status_code == 200
    assert "Förslaget ändrar ingenting" in response.content.decode()
    assert not PartyCorrection.objects.exists()


def test_a_correction_is_seen_by_the_owner_and_the_proposing_organisation_only(world):
    propose(as_user(world, "admin"), world.b, city="Umeå")
    correction = PartyCorrection.objects.get()
    for role in ("admin", "secretary", "coordinator"):
        assert as_user(world, role).get(correction.get_absolute_url()).status_code == 200
    # Another partner of the same agreement, and an outsider: not found.
    third = make_party("Kommun F", kind=PartyKind.MUNICIPALITY)
    AgreementParty.objects.create(
        agreement=world.own["agreement"], party=third, role=PartyRole.PUBLIC, position=5
    )
    third_admin = make_member("admin_f", third, "administrator")
    for user in (third_admin, world.users["outsider"]):
        assert as_user(world, user).get(correction.get_absolute_url()).status_code == 404


# --- The change log -------------------------------------------------------------------------


def test_bankgiro_and_org_number_changes_are_listed_with_who_and_when(world):
    coordinator = as_user(world, "coordinator")
    number = org_number()
    edit(coordinator, world.b, party_form_data(world.b, bankgiro="5050-1055"))
    edit(coordinator, world.b, party_form_data(world.b, org_number=number, city="Umeå"))
    page = as_user(world, "admin").get(reverse("agreements:party", args=[world.b.pk]))
    changes = page.context["changes"]
    # Newest first; the last is the fixture's own save, made without a user.
    assert [(c.field, c.before, c.after, c.who) for c in changes][:2] == [
        ("Organisationsnummer", world.b.org_number, number, "Samord_B"),
        ("Bankgiro", "403-4849", "5050-1055", "Samord_B"),
    ]
    text = page.content.decode()
    assert "5050-1055" in text and "403-4849" in text and "Samord_B" in text


# --- Stale saves ----------------------------------------------------------------------------


def test_a_stale_save_of_a_record_is_refused_with_the_conflict_page(world):
    other = make_member("samord_b2", world.b, "coordinator")
    first, second = as_user(world, "coordinator"), as_user(world, other)
    url = reverse("agreements:party_edit", args=[world.b.pk])
    for client in (first, second):
        assert 'name="version" value="1"' in client.get(url).content.decode()
    first_posts = party_form_data(world.b, name="Förening B Umeå")
    second_posts = party_form_data(world.b, phone="090-12 34 56")

    assert first.post(url, first_posts).status_code == 302
    response = second.post(url, second_posts)
    assert response.status_code == 200
    page = response.content.decode()
    assert CONFLICT in page and "Förening B Umeå" in page
    assert 'name="version" value="2"' in page
    assert Party.objects.get(pk=world.b.pk).phone == ""
    # Saving again keeps both changes.
    assert second.post(url, response.context["version_form"].data).status_code == 302
    world.b.refresh_from_db()
    assert (world.b.name, world.b.phone, world.b.version) == (
        "Förening B Umeå",
        "090-12 34 56",
        3,
    )


def test_contact_people_are_edited_with_the_record_and_a_stale_save_refused(world):
    coordinator = as_user(world, "coordinator")
    data = party_form_data(world.b)
    data |= {
        "kontakter-TOTAL_FORMS": "1",
        "kontakter-0-name": "Kim Berg",
        "kontakter-0-email": "kim@b.example.se",
    }
    assert edit(coordinator, world.b, data).status_code == 302
    contact = ContactPerson.objects.get(party=world.b)
    assert contact.email == "kim@b.example.se"
    page = as_user(world, "admin").get(reverse("agreements:party", args=[world.b.pk]))
    assert "Kim Berg" in page.content.decode()

    stale = party_form_data(world.b, **{"kontakter-0-phone": "070-111 22 33"})
    assert (
        edit(
            coordinator, world.b, party_form_data(world.b, **{"kontakter-0-title": "Ordf"})
        ).status_code
        == 302
    )
    response = edit(coordinator, world.b, stale)
    assert response.status_code == 200 and CONFLICT in response.content.decode()
    contact.refresh_from_db()
    assert (contact.title, contact.phone) == ("Ordf", "")


def test_a_page_without_a_version_saves_nothing(world):
    data = party_form_data(world.b, name="Utan version")
    del data["version"]
    response = edit(as_user(world, "coordinator"), world.b, data)
    assert response.status_code == 200
    assert "Sidan saknar versionsuppgift" in response.content.decode()
    assert Party.objects.get(pk=world.b.pk).name == "Förening B"


# --- Existing rows ---------------------------------------------------------------------------


def test_the_migration_gives_an_organisation_without_users_its_first_agreements_registrar():
    fill = importlib.import_module("agreements.migrations.0015_fill_party_registered_by")
    region = make_party("Region", kind=PartyKind.REGION)
    town = make_party("Kommun", kind=PartyKind.MUNICIPALITY)
    make_member("admin_region", region, "administrator")
    make_member("admin_kommun", town, "administrator")
    orphan, claimed, alone = make_party("Förening utan"), make_party("Förening med"), make_party()
    make_member("samord_med", claimed, "coordinator")
    make_agreement(town, orphan, start=date(2027, 1, 1))  # later
    first = make_agreement(orphan, region, claimed, start=date(2020, 1, 1))
    assert first.parties.first().party == orphan
    fill.fill_registered_by(apps, None)
    registrars = dict(Party.objects.values_list("pk", "registered_by"))
    assert registrars[orphan.pk] == region.pk  # the first agreement's administered party
    assert registrars[claimed.pk] is None  # has users of its own
    assert registrars[alone.pk] is None  # no agreement: the operator only
    assert registrars[region.pk] is None and registrars[town.pk] is None


def test_the_admin_lists_organisations_only_the_operator_changes(client, superuser, world):
    registered = make_party("Förening registrerad", registered_by=world.a)
    client.force_login(superuser)
    url = reverse("admin:agreements_party_changelist")
    page = client.get(url, {"registered_by__isempty": "1"}).content.decode()
    assert "Förening D" in page and registered.name not in page


def test_in_the_demo_each_organisation_keeps_its_own_record(client, demo):
    users = get_user_model().objects
    srk = Party.objects.get(name="Svenska Röda Korset")
    malmo = Party.objects.get(name="Malmö stad")
    for username, party, status in [
        ("rodakorset", srk, 200),
        ("region.vasterbotten", srk, 403),
        ("region.skane", srk, 403),
        ("region.skane", malmo, 200),  # registered it; Malmö has no users of its own
        ("sekreterare.skane", malmo, 403),
    ]:
        client.force_login(users.get(username=username))
        url = reverse("agreements:party_edit", args=[party.pk])
        assert client.get(url).status_code == status, (username, party.name)
