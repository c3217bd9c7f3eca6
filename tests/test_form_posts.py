"""Nothing is lost or done twice: every form of the app's pages that writes is one of these.

- An edit form (EDIT_FORMS) refuses a stale save, one from a page loaded before someone else
  saved, with the conflict page, and keeps what the other saved.
- A create form (CREATE_FORMS) sent twice as it stands (a double click, a resent request)
  creates one row, and the repeat is answered with the first result.
- Every other URL that takes a POST is named in OTHER_POSTS with why it needs neither.

The URL list comes from the role × URL matrix, so a new form without a row here fails
test_every_form_that_writes_is_classified.
"""

from dataclasses import dataclass, field
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.models import (
    Agreement,
    AgreementStatus,
    Decision,
    DecisionOutcome,
    DecisionRecord,
    DueOverride,
    Invitation,
    Meeting,
    Membership,
    Party,
    PartyCorrection,
    Report,
    ResourceContribution,
    Role,
    Signatory,
)
from agreements.services.followup import save_report, submit_report
from agreements.services.lifecycle import record_decision
from funding.models import FundingLine, IndexSeries, IndexValue, Payment, PaymentPlan, Share
from tests.agreements.test_access import EXPECTED
from tests.factories import make_member, make_world
from tests.forms_html import posted_form

pytestmark = pytest.mark.django_db

CONFLICT = "Någon annan har sparat under tiden"


@dataclass(frozen=True)
class EditForm:
    """An edit page: its URL name, the world's object it edits, who edits it, one text field
    to change (its posted name) and how to read that field back from the database.

    A page that only confirms (nothing to type) has no field: the other person's save is
    then made on another page (other), and is what saved reads back. A choice's field takes
    the two values theirs and mine, and shows a saved value as shows(value) says."""

    name: str
    obj: str
    role: str
    field: str | None
    saved: object  # function(pk of obj) -> the field's value in the database
    fill: dict = field(default_factory=dict)  # what a person must fill in on a fresh page
    marks: tuple = ()
    setup: object = None  # function(world), to make the form possible
    other: object = None  # function(client, world): their save "Deras ändring" elsewhere
    theirs: str = "Deras ändring"
    mine: str = "Min ändring"
    shows: object = str  # function(a saved value) -> how the conflict page shows it

    def __str__(self):
        return f"{self.name}-{self.role}"


def _recorded(world):
    record_decision(
        decision=world.own["decision"],
        version=1,
        body="Nämnden",
        decided_on=date(2026, 2, 1),
        paragraph="12",
        outcome=DecisionOutcome.APPROVED,
        by=world.users["secretary"],
        today=date(2026, 3, 1),
    )


def _index_value(world):
    series = IndexSeries.objects.create(name="Eget index", owner=world.a)
    world.own["index_value"] = IndexValue.objects.create(
        series=series,
        year=2027,
        percent="2.000",
        status="final",
        published_on=date(2027, 3, 1),
        source="Egen beräkning",
    )


def _active(world):
    world.own["agreement"].status = AgreementStatus.ACTIVE
    world.own["agreement"].save()


def _line_paid_to_b(world):
    world.own["line"].receiver = world.b
    world.own["line"].save()


def _submitted(world):
    report = world.own["report"]
    report = save_report(
        report=report, text="Klar.", figures={}, by=world.users["coordinator"], version=1
    )
    submit_report(
        report=report, by=world.users["coordinator"], version=report.version, now=timezone.now()
    )


def _secretary_membership(world):
    world.own["membership"] = Membership.objects.get(user=world.users["secretary"])


def _share_after_the_period(world):
    line = world.own["line"]
    Share.objects.create(line=line, year=line.agreement.period_end.year + 1, amount=5)


def _purpose_changed_on_the_funding_page(client, world):
    url = reverse("funding:lines", args=[world.own["agreement"].pk])
    data = posted_form(client.get(url), url)
    data["rader-0-purpose"] = "Deras ändring"
    assert client.post(url, data).status_code == 302


EDIT_FORMS = [
    EditForm(
        "agreements:edit", "agreement", "admin", "title", lambda pk: _get(Agreement, pk).title
    ),
    EditForm(
        "agreements:obligations",
        "agreement",
        "admin",
        "ataganden-0-description",
        lambda pk: _get(Agreement, pk).obligations.get().description,
    ),
    EditForm(
        "agreements:sections",
        "agreement",
        "admin",
        "avsnitt-0-heading",
        lambda pk: _get(Agreement, pk).sections.get().heading,
    ),
    EditForm(
        "agreements:signatories",
        "agreement",
        "admin",
        "undertecknare-0-name",
        lambda pk: Signatory.objects.get(agreement_party__agreement_id=pk).name,
        fill={"undertecknare-0-title": "Direktör"},
    ),
    EditForm(
        "agreements:contributions",
        "agreement",
        "admin",
        "bidrag-0-description",
        lambda pk: ResourceContribution.objects.get(agreement_party__agreement_id=pk).description,
    ),
    EditForm(
        "funding:lines",
        "agreement",
        "admin",
        "rader-0-purpose",
        lambda pk: FundingLine.objects.get(agreement_id=pk).purpose,
    ),
    EditForm(
        "agreements:report", "report", "coordinator", "text", lambda pk: _get(Report, pk).text
    ),
    EditForm(
        "agreements:meeting", "meeting", "admin", "minutes", lambda pk: _get(Meeting, pk).minutes
    ),
    EditForm(
        "agreements:meeting",
        "meeting",
        "coordinator",
        "minutes",
        lambda pk: _get(Meeting, pk).minutes,
    ),
    EditForm(
        "agreements:proposal_edit",
        "decision",
        "secretary",
        "title",
        lambda pk: _get(Decision, pk).title,
    ),
    EditForm(
        "agreements:decision_record",
        "decision",
        "secretary",
        "summary",
        lambda pk: _get(Decision, pk).summary,
        fill={"decided_on": "2026-03-01", "bekrafta": "1"},
    ),
    EditForm(
        "agreements:decision_correct",
        "decision",
        "admin",
        "summary",
        lambda pk: _get(Decision, pk).summary,
        fill={"reason": "Fel i protokollet", "bekrafta": "1"},
        setup=_recorded,
    ),
    EditForm(
        "funding:payment", "payment", "admin", "reference", lambda pk: _get(Payment, pk).reference
    ),
    EditForm(
        "agreements:party_edit",
        "own_party",
        "admin",
        "name",
        lambda pk: _get(Party, pk).name,
    ),
    EditForm(
        "funding:index_value",
        "index_value",
        "admin",
        "source",
        lambda pk: _get(IndexValue, pk).source,
        fill={"reason": "Fel källa"},
        setup=_index_value,
    ),
    EditForm(
        "funding:plan",
        "line",
        "admin",
        "reference",
        lambda pk: PaymentPlan.objects.get(line_id=pk).reference,
        fill={"bankgiro": "5050-1055"},
        setup=_line_paid_to_b,
    ),
    EditForm(
        "funding:outside_shares",
        "agreement",
        "admin",
        None,
        lambda pk: FundingLine.objects.get(agreement_id=pk).purpose,
        setup=_share_after_the_period,
        other=_purpose_changed_on_the_funding_page,
    ),
    EditForm(
        "agreements:report_review",
        "report",
        "admin",
        "comment",
        lambda pk: _get(Report, pk).review_comment,
        fill={"outcome": "return"},
        setup=_submitted,
    ),
    EditForm(
        "agreements:member_role",
        "membership",
        "admin",
        "role",
        lambda pk: _get(Membership, pk).role,
        setup=_secretary_membership,
        theirs=Role.ADMINISTRATOR,
        mine=Role.COORDINATOR,
        shows=lambda role: str(Role(role).label),
    ),
]


@dataclass(frozen=True)
class CreateForm:
    """A create form: its URL name, the page that shows it (and the world's object both are
    about), who sends it, what a person fills in, and the model of the row it creates."""

    name: str
    page: str
    obj: str | None
    role: str
    fill: object  # function(world) -> {posted name: value}
    model: type
    setup: object = None  # function(world), to make the form possible
    upload: bool = False
    query: object = None  # function(world) -> the page's query string, where it needs one

    def __str__(self):
        return self.name


CREATE_FORMS = [
    CreateForm(
        "agreements:create",
        "agreements:create",
        None,
        "admin",
        lambda w: {
            "title": "Ny överenskommelse",
            "period_start": "2027-01-01",
            "period_end": "2027-12-31",
            "parter-1-party": w.b.pk,
            "parter-1-role": "nonprofit",
        },
        Agreement,
    ),
    CreateForm(
        "agreements:successor",
        "agreements:successor",
        "agreement",
        "admin",
        lambda w: {"relation": "continues"},
        Agreement,
        setup=_active,
    ),
    CreateForm(
        "agreements:proposal_create",
        "agreements:proposal_create",
        "agreement",
        "secretary",
        lambda w: {"body": "Nämnden"},
        Decision,
    ),
    CreateForm(
        "agreements:meeting_create",
        "agreements:meeting_create",
        "agreement",
        "admin",
        lambda w: {"date": "2026-09-15"},
        Meeting,
    ),
    CreateForm(
        "agreements:decision_record",
        "agreements:decision_record",
        "decision",
        "secretary",
        lambda w: {"decided_on": "2026-03-01", "bekrafta": "1"},
        DecisionRecord,
    ),
    CreateForm(
        "agreements:decision_correct",
        "agreements:decision_correct",
        "decision",
        "secretary",
        lambda w: {"paragraph": "13", "reason": "Fel paragraf", "bekrafta": "1"},
        DecisionRecord,
        setup=_recorded,
    ),
    CreateForm(
        "agreements:party_correct",
        "agreements:party_correct",
        "partner",
        "admin",
        lambda w: {"city": "Umeå", "message": "Ny adress"},
        PartyCorrection,
    ),
    CreateForm(
        "agreements:due_items",
        "agreements:due_items",
        "agreement",
        "coordinator",
        lambda w: {"action": "closed", "reason": "Görs inte i år"},
        DueOverride,
        setup=_active,
        query=lambda w: f"?nyckel=report:{w.own['agreement'].pk}:2026:T1",
    ),
    CreateForm(
        "funding:payments",
        "funding:payments",
        "agreement",
        "admin",
        lambda w: {
            "line": w.own["line"].pk,
            "year": "2026",
            "paid_on": "2026-03-01",
            "amount": "500",
        },
        Payment,
    ),
    CreateForm(
        "agreements:member_invite",
        "agreements:member_invite",
        "own_party",
        "admin",
        lambda w: {"email": "ny.medlem@example.se", "role": "coordinator"},
        Invitation,
    ),
]

# Every other URL that takes a POST, and why it needs neither.
OTHER_POSTS = {
    "agreements:report_create": "opens the period's report, or the one that exists",
    "agreements:attachment_delete": "a second delete finds nothing to delete",
    "agreements:report_submit": (
        "hands in the report as the check page showed it (its version): a repeat finds it "
        "handed in and is refused"
    ),
    "agreements:party_create": "a second organisation with the same number is refused",
    "agreements:move": "a step is refused unless the agreement is in a status it starts from",
    "documents:issue": "a create form; tested with the demo's complete documents below",
    "funding:index_values": "a value for the same year and status is refused",
    "funding:index_series": "a value for the same year and status is refused",
    "funding:index_value_withdraw": "the value is gone after the first: a repeat answers 404",
    "agreements:correction": "a proposal is answered once; a repeat is refused",
    "feeds:manage": "replaces or revokes the user's own link",
    "two_factor:setup": "confirms the pending app once: a repeat finds none, goes to the overview",
    "two_factor:verify": "checks a code, each of which works once (tests/test_two_factor.py)",
    "two_factor:regenerate": "replaces the user's own recovery codes, as feeds:manage the link",
    "two_factor:remove": "a second removal finds nothing to remove and goes to the overview",
    "agreements:member_remove": (
        "removes once: a stale page (Membership.version) or a repeat finds the member changed "
        "or gone and is refused"
    ),
    "agreements:invitation_revoke": "revokes a pending invitation once; a repeat is refused",
    "agreements:party_letterhead": (
        "an edit of one choice and a file: a stale page (Party.version) is refused with the "
        "conflict message (tests/agreements/test_letterhead.py)"
    ),
}


def _get(model, pk):
    return model.objects.get(pk=pk)


@pytest.fixture
def world(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    world = make_world()
    world.own["own_party"] = world.a
    world.own["partner"] = world.b  # the non-profit party, with a coordinator of its own
    world.users["admin2"] = make_member("admin2_a", world.a, "administrator")
    return world


def test_every_form_that_writes_is_classified():
    posts = {name for name, (_kind, _get_roles, post_roles) in EXPECTED.items() if post_roles}
    edits, creates = {c.name for c in EDIT_FORMS}, {c.name for c in CREATE_FORMS}
    assert (edits | creates).isdisjoint(OTHER_POSTS)
    assert posts == edits | creates | set(OTHER_POSTS)


@pytest.mark.parametrize(
    "case", [pytest.param(case, marks=case.marks, id=str(case)) for case in EDIT_FORMS]
)
def test_every_edit_form_refuses_a_stale_save_with_the_conflict_page(client, world, case):
    if case.setup is not None:
        case.setup(world)
    pk = world.own[case.obj].pk
    url = reverse(case.name, args=[pk])
    client.force_login(world.users[case.role])
    # The same page open twice (two tabs, or two people): the second saves first.
    mine = posted_form(client.get(url), url) | case.fill
    if case.other is None:
        theirs = posted_form(client.get(url), url) | case.fill
        theirs[case.field] = case.theirs
        response = client.post(url, theirs)
        assert response.status_code == 302, response.content.decode()
    else:
        case.other(client, world)
    assert case.saved(pk) == case.theirs

    if case.field is not None:
        mine[case.field] = case.mine
    response = client.post(url, mine)

    assert response.status_code in (200, 400)
    page = response.content.decode()
    assert CONFLICT in page
    assert case.shows(case.theirs) in page  # what they saved is shown
    if case.field is not None:
        assert posted_form(response, url)[case.field] == case.mine  # and mine is still there
    assert case.saved(pk) == case.theirs


def test_a_deliberate_save_after_the_conflict_goes_through(client, world):
    meeting = world.own["meeting"]
    url = reverse("agreements:meeting", args=[meeting.pk])
    client.force_login(world.users["admin"])
    mine = posted_form(client.get(url), url)
    theirs = posted_form(client.get(url), url)
    theirs["participants"] = "Anna, Bertil"
    client.post(url, theirs)
    mine["minutes"] = "Vi gick igenom T1."
    response = client.post(url, mine)
    assert CONFLICT in response.content.decode()

    # The page now holds their participants and my minutes: saving again keeps both.
    again = posted_form(response, url)
    assert (again["participants"], again["minutes"]) == ("Anna, Bertil", "Vi gick igenom T1.")
    assert client.post(url, again).status_code == 302
    meeting.refresh_from_db()
    assert (meeting.participants, meeting.minutes, meeting.version) == (
        "Anna, Bertil",
        "Vi gick igenom T1.",
        3,
    )
    assert meeting.date == date(2026, 1, 1)


# --- Create forms ---------------------------------------------------------------------------


def _create_page(client, world, case):
    if case.setup is not None:
        case.setup(world)
    args = [world.own[case.obj].pk] if case.obj else []
    url = reverse(case.name, args=args)
    client.force_login(world.users[case.role])
    page = reverse(case.page, args=args) + (case.query(world) if case.query else "")
    data = posted_form(client.get(page), url)
    return url, data | case.fill(world)


def _send(client, url, data, case):
    if case.upload:
        from django.core.files.uploadedfile import SimpleUploadedFile

        data = data.copy()
        data["file"] = SimpleUploadedFile("rapport.pdf", b"%PDF-1.4\n%%EOF\n")
    return client.post(url, data)


@pytest.mark.parametrize("case", CREATE_FORMS, ids=str)
def test_every_create_form_answers_a_repeated_submit_with_the_first_result(client, world, case):
    url, data = _create_page(client, world, case)
    before = case.model.objects.count()

    first = _send(client, url, data, case)
    again = _send(client, url, data, case)

    assert first.status_code == 302, first.content.decode()
    assert again.status_code == 302
    assert again["Location"] == first["Location"]
    assert case.model.objects.count() == before + 1


def test_the_same_form_with_other_values_is_another_submission(client, world):
    case = next(c for c in CREATE_FORMS if c.name == "funding:payments")
    url, data = _create_page(client, world, case)
    client.post(url, data)
    # Back to the page as the browser kept it, another amount: a second payment on purpose.
    data["amount"] = "600"
    assert client.post(url, data).status_code == 302
    amounts = Payment.objects.filter(line=world.own["line"]).values_list("amount", flat=True)
    assert sorted(amounts) == [500, 600, 1000]


def test_a_refused_submit_can_be_corrected_and_sent_again(client, world):
    case = next(c for c in CREATE_FORMS if c.name == "funding:payments")
    url, data = _create_page(client, world, case)
    data["amount"] = "999999"  # more than the year's amount: refused, nothing claimed
    response = client.post(url, data)
    assert response.status_code == 400 and "överstiger" in response.content.decode()
    data["amount"] = "500"
    assert client.post(url, data).status_code == 302
    assert Payment.objects.filter(amount=500).count() == 1


def test_a_create_form_without_its_token_creates_nothing(client, world):
    case = next(c for c in CREATE_FORMS if c.name == "funding:payments")
    url, data = _create_page(client, world, case)
    del data["submit_token"]
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Ladda om sidan" in response.content.decode()
    assert Payment.objects.filter(line=world.own["line"]).count() == 1  # the world's own


def test_another_users_token_is_not_answered_with_their_result(client, world):
    from django.test import Client

    case = next(c for c in CREATE_FORMS if c.name == "funding:payments")
    url, data = _create_page(client, world, case)
    client.post(url, data)
    other = Client()
    other.force_login(world.users["admin2"])
    response = other.post(url, data)
    assert response.status_code == 400
    assert "redan skickat" in response.content.decode()
    assert Payment.objects.filter(amount=500).count() == 1
