"""Lost updates: two administrators saving the same agreement, funding or report one after the
other. The second is refused with the first's change shown, and nothing is lost."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from agreements.forms import AgreementForm, AgreementPartyFormSet, posted_name
from agreements.models import Agreement, AgreementParty, CapacityTarget, ReportStatus
from agreements.services import DomainError
from agreements.services.conflicts import EditConflict
from agreements.services.editing import save_agreement
from agreements.services.followup import save_report, submit_report
from funding.forms import FundingLineFormSet
from funding.models import Share
from funding.money import format_kr
from funding.services import save_funding
from tests.factories import make_line, make_member, make_world

pytestmark = pytest.mark.django_db

CONFLICT = "Någon annan har sparat under tiden"


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = make_world()
    world.users["admin2"] = make_member("bertil", world.a, "administrator")
    world.users["admin2"].first_name, world.users["admin2"].last_name = "Bertil", "Berg"
    world.users["admin2"].save()
    return world


# --- What a page posts back ---------------------------------------------------------------


def agreement_data(agreement, **changes):
    """The edit page's fields as loaded from the database now, with changes applied."""
    data = {
        name: "" if getattr(agreement, name) is None else str(getattr(agreement, name))
        for name in AgreementForm._meta.fields
        if name != "signed_digitally"
    }
    parties = list(agreement.parties.all())
    data |= {
        "version": agreement.version,
        "parter-TOTAL_FORMS": len(parties),
        "parter-INITIAL_FORMS": len(parties),
        "parter-MIN_NUM_FORMS": "0",
        "parter-MAX_NUM_FORMS": "1000",
    }
    for i, ap in enumerate(parties):
        data |= {
            f"parter-{i}-id": ap.pk,
            f"parter-{i}-agreement": agreement.pk,
            f"parter-{i}-party": ap.party_id,
            f"parter-{i}-role": ap.role,
            f"parter-{i}-unit": ap.unit,
            f"parter-{i}-short_name": ap.short_name,
        }
    data.update(changes)
    return data


def funding_data(agreement, **changes):
    lines = list(agreement.funding_lines.prefetch_related("shares"))
    data = {
        "version": agreement.funding_version,
        "rader-TOTAL_FORMS": len(lines),
        "rader-INITIAL_FORMS": len(lines),
        "rader-MIN_NUM_FORMS": "0",
        "rader-MAX_NUM_FORMS": "1000",
    }
    for i, line in enumerate(lines):
        amounts = {s.year: s.amount for s in line.shares.all()}
        data |= {
            f"rader-{i}-id": line.pk,
            f"rader-{i}-agreement": agreement.pk,
            f"rader-{i}-party": line.party_id,
            f"rader-{i}-kind": line.kind,
            f"rader-{i}-purpose": line.purpose,
            f"rader-{i}-budget": line.budget,
        }
        for year in agreement.years:
            data[f"rader-{i}-amount_{year}"] = amounts.get(year, "")
    data.update(changes)
    return data


def agreement_forms(pk, data):
    agreement = Agreement.objects.get(pk=pk)
    form = AgreementForm(data, instance=agreement)
    parties = AgreementPartyFormSet(data, instance=agreement, prefix="parter")
    assert form.is_valid(), form.errors
    assert parties.is_valid(), parties.errors
    return form, parties


def save_agreement_as(user, pk, data):
    """Save what the edit page posts, as its view does: the forms validate, the service saves
    their cleaned data."""
    form, parties = agreement_forms(pk, data)
    return save_agreement(
        agreement=form.instance,
        details=form.cleaned_data,
        parties=parties.rows(),
        version=int(data["version"]),
        by=user,
    )


def funding_formset(pk, data):
    agreement = Agreement.objects.get(pk=pk)
    formset = FundingLineFormSet(
        data, instance=agreement, prefix="rader", queryset=agreement.funding_lines.all()
    )
    assert formset.is_valid(), formset.errors
    return formset


def save_funding_as(user, pk, data):
    formset = funding_formset(pk, data)
    return save_funding(
        agreement=formset.instance, lines=formset.rows(), version=int(data["version"]), by=user
    )


def agreement_again(conflict, pk, data):
    """What the page shows after the conflict: the posted data with the other's changes."""
    form, parties = agreement_forms(pk, data)
    return conflict.data(data, posted_name(form, parties))


def funding_again(conflict, pk, data):
    return conflict.data(data, posted_name(formset=funding_formset(pk, data)))


def shown(conflict):
    return {(c.where, c.field, c.before, c.after, c.clash) for c in conflict.changes}


# --- Agreement: service -------------------------------------------------------------------


def test_the_second_save_from_the_same_version_is_refused_with_the_first_change(world):
    agreement = world.own["agreement"]
    anna, bertil = world.users["admin"], world.users["admin2"]
    loaded_by_anna = agreement_data(agreement, title="Annas titel")
    loaded_by_bertil = agreement_data(agreement, notice_months="12")

    save_agreement_as(anna, agreement.pk, loaded_by_anna)
    with pytest.raises(EditConflict) as caught:
        save_agreement_as(bertil, agreement.pk, loaded_by_bertil)

    conflict = caught.value
    assert "Admin_A sparade ändringar" in str(conflict)
    assert ("Uppgifter", "Titel", "Vår överenskommelse", "Annas titel", False) in shown(conflict)
    agreement.refresh_from_db()
    assert (agreement.title, agreement.notice_months, agreement.version) == ("Annas titel", None, 2)

    # Saving again on purpose keeps Anna's title (Bertil never touched it) and adds his change.
    again = agreement_again(conflict, agreement.pk, loaded_by_bertil)
    assert again["title"] == "Annas titel" and again["version"] == "2"
    save_agreement_as(bertil, agreement.pk, again)
    agreement.refresh_from_db()
    assert (agreement.title, agreement.notice_months, agreement.version) == ("Annas titel", 12, 3)
    last = agreement.history.first()
    assert last.history_user == bertil and last.version == 3


def test_a_field_both_changed_is_marked_and_keeps_the_second_persons_value(world):
    agreement = world.own["agreement"]
    first = agreement_data(agreement, title="Först")
    second = agreement_data(agreement, title="Sen")
    save_agreement_as(world.users["admin"], agreement.pk, first)
    with pytest.raises(EditConflict) as caught:
        save_agreement_as(world.users["admin2"], agreement.pk, second)
    assert ("Uppgifter", "Titel", "Vår överenskommelse", "Först", True) in shown(caught.value)
    assert agreement_again(caught.value, agreement.pk, second)["title"] == "Sen"
    assert Agreement.objects.get(pk=agreement.pk).title == "Först"


def test_a_changed_party_is_shown_and_kept(world):
    agreement = world.own["agreement"]
    row = next(i for i, ap in enumerate(agreement.parties.all()) if ap.party == world.b)
    first = agreement_data(agreement, **{f"parter-{row}-unit": "Mottagningen i Umeå"})
    second = agreement_data(agreement, subject="Stöd till barn")
    save_agreement_as(world.users["admin"], agreement.pk, first)
    with pytest.raises(EditConflict) as caught:
        save_agreement_as(world.users["admin2"], agreement.pk, second)
    conflict = caught.value
    assert (
        "Part: Förening B",
        "Enhet i överenskommelsen",
        "–",
        "Mottagningen i Umeå",
        False,
    ) in shown(conflict)
    save_agreement_as(
        world.users["admin2"], agreement.pk, agreement_again(conflict, agreement.pk, second)
    )
    agreement.refresh_from_db()
    assert agreement.subject == "Stöd till barn"
    assert AgreementParty.objects.get(agreement=agreement, party=world.b).unit == (
        "Mottagningen i Umeå"
    )


def test_a_missing_version_is_refused(world):
    agreement = world.own["agreement"]
    with pytest.raises(DomainError, match="versionsuppgift"):
        save_agreement(
            agreement=agreement, details={"title": "Utan"}, parties=[], by=world.users["admin"]
        )
    assert Agreement.objects.get(pk=agreement.pk).title == "Vår överenskommelse"


# --- Funding: service ---------------------------------------------------------------------


def test_a_second_funding_save_sees_the_first_share_change(world):
    agreement = world.own["agreement"]
    line = make_line(agreement, world.b, {}, purpose="Stöd")
    for year, amount in {2026: 100, 2027: 200}.items():
        Share.objects.create(line=line, year=year, amount=amount)  # with history, as the app
    agreement.refresh_from_db()
    i = list(agreement.funding_lines.all()).index(line)
    first = funding_data(agreement, **{f"rader-{i}-amount_2027": "250"})
    second = funding_data(agreement, **{f"rader-{i}-budget": "HSN"})

    save_funding_as(world.users["admin"], agreement.pk, first)
    with pytest.raises(EditConflict) as caught:
        save_funding_as(world.users["admin2"], agreement.pk, second)
    conflict = caught.value
    change = ("Rad: Förening B – Stöd", "Belopp 2027", format_kr(200), format_kr(250), False)
    assert change in shown(conflict)
    assert Share.objects.get(line=line, year=2027).amount == 250
    line.refresh_from_db()
    assert line.budget == ""

    save_funding_as(
        world.users["admin2"], agreement.pk, funding_again(conflict, agreement.pk, second)
    )
    line.refresh_from_db()
    assert line.budget == "HSN"
    assert Share.objects.get(line=line, year=2027).amount == 250
    assert Agreement.objects.get(pk=agreement.pk).funding_version == 3


def test_funding_and_details_are_locked_separately(world):
    agreement = world.own["agreement"]
    details = agreement_data(agreement, title="Ny titel")
    funding = funding_data(agreement)
    save_funding_as(world.users["admin"], agreement.pk, funding)
    save_agreement_as(world.users["admin2"], agreement.pk, details)
    agreement.refresh_from_db()
    assert (agreement.version, agreement.funding_version) == (2, 2)


# --- Report: service ----------------------------------------------------------------------

SUBMITTED_AT = datetime(2026, 5, 20, 10, 0, tzinfo=UTC)


def test_a_second_report_save_is_refused_and_submitting_respects_the_version(world):
    report = world.own["report"]
    target = CapacityTarget.objects.create(
        agreement=report.agreement, description="barn", quantity=70
    )
    coordinator = world.users["coordinator"]
    save_report(report=report, text="Första", figures={target: 30}, by=coordinator, version=1)
    with pytest.raises(EditConflict) as caught:
        save_report(report=report, text="", figures={target: 31}, by=coordinator, version=1)
    assert ("Rapporten", "barn", "–", "30", True) in shown(caught.value)
    assert ("Rapporten", "Redovisning", "–", "Första", False) in shown(caught.value)
    assert caught.value.data({"text": ""})["text"] == "Första"
    with pytest.raises(EditConflict):
        submit_report(report=report, by=coordinator, version=1, now=SUBMITTED_AT)
    report.refresh_from_db()
    assert (report.status, report.text, report.version) == (ReportStatus.DRAFT, "Första", 2)
    submit_report(report=report, by=coordinator, version=2, now=SUBMITTED_AT)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


# --- Through the pages --------------------------------------------------------------------


def two_clients(client_class, world, first="admin", second="admin2"):
    one, two = client_class(), client_class()
    one.force_login(world.users[first])
    two.force_login(world.users[second])
    return one, two


@pytest.fixture
def client_class():
    from django.test import Client

    return Client


def test_two_administrators_edit_the_same_agreement(client_class, world):
    agreement = world.own["agreement"]
    url = reverse("agreements:edit", args=[agreement.pk])
    anna, bertil = two_clients(client_class, world)
    for client in (anna, bertil):
        page = client.get(url)
        assert page.context["version_form"]["version"].value() == 1
        assert 'name="version" value="1"' in page.content.decode()
    anna_posts = agreement_data(agreement, title="Annas titel")
    bertil_posts = agreement_data(agreement, title="Bertils titel", notice_months="12")

    assert anna.post(url, anna_posts).status_code == 302
    response = bertil.post(url, bertil_posts)

    assert response.status_code == 200
    page = response.content.decode()
    assert CONFLICT in page and "Admin_A sparade ändringar" in page
    assert "Annas titel" in page  # the other's change is shown
    assert 'value="Bertils titel"' in page  # his own input stays in the form
    assert 'name="version" value="2"' in page
    agreement.refresh_from_db()
    assert (agreement.title, agreement.notice_months) == ("Annas titel", None)

    # A deliberate second save goes through.
    # The form on the page holds the posted data with the other's changes where he changed none.
    again = response.context["version_form"].data
    assert again["title"] == "Bertils titel" and again["version"] == "2"
    assert bertil.post(url, again).status_code == 302
    agreement.refresh_from_db()
    assert (agreement.title, agreement.notice_months, agreement.version) == ("Bertils titel", 12, 3)


def test_a_page_without_a_version_saves_nothing(client, world):
    agreement = world.own["agreement"]
    client.force_login(world.users["admin"])
    data = agreement_data(agreement, title="Utan version")
    del data["version"]
    response = client.post(reverse("agreements:edit", args=[agreement.pk]), data)
    assert response.status_code == 200
    assert "Sidan saknar versionsuppgift" in response.content.decode()
    assert Agreement.objects.get(pk=agreement.pk).title == "Vår överenskommelse"


def test_two_administrators_edit_the_same_funding(client_class, world):
    agreement = world.own["agreement"]
    line = world.own["line"]
    url = reverse("funding:lines", args=[agreement.pk])
    anna, bertil = two_clients(client_class, world)
    loaded = funding_data(agreement)
    assert bertil.get(url).context["version_form"]["version"].value() == 1
    i = int(next(k for k, v in loaded.items() if k.endswith("-id") and v == line.pk)[6:-3])

    assert anna.post(url, loaded | {f"rader-{i}-amount_2026": "90000"}).status_code == 302
    bertil_posts = loaded | {f"rader-{i}-purpose": "Drift"}
    response = bertil.post(url, bertil_posts)

    assert response.status_code == 200
    page = response.content.decode()
    assert CONFLICT in page and "Belopp 2026" in page and "90" in page
    assert 'value="Drift"' in page
    assert Share.objects.get(line=line, year=2026).amount == 90_000
    # Anna's amount is now in Bertil's form, so saving again keeps it.
    assert f'name="rader-{i}-amount_2026" value="90000"' in page
    assert bertil.post(url, response.context["version_form"].data).status_code == 302
    line.refresh_from_db()
    assert line.purpose == "Drift"
    assert Share.objects.get(line=line, year=2026).amount == 90_000


def test_two_coordinators_edit_the_same_report(client_class, world):
    report = world.own["report"]
    world.users["coordinator2"] = make_member("samord2_b", world.b, "coordinator")
    url = reverse("agreements:report", args=[report.pk])
    first, second = two_clients(client_class, world, "coordinator", "coordinator2")
    assert second.get(url).context["version_form"]["version"].value() == 1

    assert first.post(url, {"text": "Första texten", "spara": "1", "version": 1}).status_code == 302
    response = second.post(url, {"text": "Andra texten", "lamna_in": "1", "version": 1})

    assert response.status_code == 200
    page = response.content.decode()
    assert CONFLICT in page and "Första texten" in page and "Andra texten" in page
    report.refresh_from_db()
    assert (report.text, report.status) == ("Första texten", ReportStatus.DRAFT)
    again = response.context["version_form"].data
    assert again["text"] == "Andra texten" and "lamna_in" in again
    assert second.post(url, again).status_code == 302
    report.refresh_from_db()
    assert (report.text, report.status) == ("Andra texten", ReportStatus.DRAFT)


@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_from_the_same_version_let_exactly_one_through(world):
    """Two requests at the same moment: the row lock makes the second see the first's version."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer at a time and no row locks to race")
    agreement = world.own["agreement"]
    posts = {
        world.users["admin"]: agreement_data(agreement, title="Annas"),
        world.users["admin2"]: agreement_data(agreement, title="Bertils"),
    }
    barrier, results = threading.Barrier(2), []

    def save(user, data):
        try:
            form, parties = agreement_forms(agreement.pk, data)
            barrier.wait()
            save_agreement(
                agreement=form.instance,
                details=form.cleaned_data,
                parties=parties.rows(),
                version=1,
                by=user,
            )
            results.append("saved")
        except EditConflict:
            results.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=item) for item in posts.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(results) == ["conflict", "saved"]
    agreement.refresh_from_db()
    assert agreement.version == 2
