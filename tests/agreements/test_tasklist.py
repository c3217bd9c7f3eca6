"""An agreement's task list: the status of each part, what blocks proposing, issuing and
signing, links to the forms that complete each part, and the same links from the gaps of the
document previews."""

import re
from datetime import date

import pytest
from django.db import connection
from django.db.models import prefetch_related_objects
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements.documents import agreement_document, proposal_document
from agreements.documents.context import AGREEMENT_PREFETCH
from agreements.models import (
    Agreement,
    AgreementParty,
    AgreementSection,
    AgreementStatus,
    Decision,
    DecisionOutcome,
    Obligation,
    ObligationKind,
    PartyKind,
    Signatory,
)
from agreements.tasklist import COMPLETE, INCOMPLETE, NOT_STARTED, TASK_PREFETCH, task_list
from funding.models import PaymentPlan
from tests.factories import make_agreement, make_line, make_member, make_party

ADDRESS = {"address_line": "Box 1", "postal_code": "901 89", "city": "Umeå"}


@pytest.fixture
def region(db):
    return make_party("Region Norr", kind=PartyKind.REGION, **ADDRESS)


@pytest.fixture
def forening(db):
    return make_party("Föreningen Hopp")


@pytest.fixture
def users(region, forening):
    outsider_org = make_party("Kommun Söder", kind=PartyKind.MUNICIPALITY)
    return {
        "admin": make_member("admin_norr", region, "administrator"),
        "secretary": make_member("sekr_norr", region, "secretary"),
        "coordinator": make_member("samord_hopp", forening, "coordinator"),
        "outsider": make_member("admin_soder", outsider_org, "administrator"),
    }


@pytest.fixture
def draft(region, forening):
    return make_agreement(region, forening, title="Stöd till Hopp")


def half_fill(agreement, region):
    """Text, one signatory and the region's amounts; no notice period, no payment plan."""
    agreement.subject = "Stöd till föreningens verksamhet."
    agreement.save()
    AgreementSection.objects.create(agreement=agreement, heading="Bakgrund", body="Text.")
    own = AgreementParty.objects.get(agreement=agreement, party=region)
    Signatory.objects.create(agreement_party=own, name="Ada Ek", title="Regiondirektör")
    return make_line(agreement, region, {2026: 100_000, 2027: 100_000, 2028: 100_000})


def tasks_of(agreement):
    agreement = Agreement.objects.get(pk=agreement.pk)
    prefetch_related_objects([agreement], *AGREEMENT_PREFETCH, *TASK_PREFETCH)
    return task_list(agreement)


def statuses(tasklist):
    return {task.key: task.status for task in tasklist.tasks}


def by_key(items):
    return {item.key: item for item in items}


def test_a_fresh_draft_has_its_parties_started_and_nothing_else(draft, forening):
    tasklist = tasks_of(draft)
    assert statuses(tasklist) == {
        "parties": INCOMPLETE,  # the non-profit's postal address is missing
        "text": NOT_STARTED,
        "funding": NOT_STARTED,
        "uplift": NOT_STARTED,
        "payment_plan": NOT_STARTED,
        "signatories": NOT_STARTED,
        "followup": NOT_STARTED,
        "decision": NOT_STARTED,
        "documents": NOT_STARTED,
    }
    tasks = by_key(tasklist.tasks)
    assert tasks["parties"].problems == [f"Postadress saknas för {forening.name}"]
    assert "Finansiering saknas" in tasks["funding"].problems
    assert tasks["signatories"].problems == ["Undertecknare saknas"]
    assert tasks["decision"].problems == ["Beslut om bifall saknas från Region Norr"]
    steps = by_key(tasklist.steps)
    assert str(steps["propose"].label) == "Kan föreslås"
    assert steps["propose"].blockers == []
    assert str(steps["issue"].label) == "Kan inte utfärdas än"
    # Issuing is blocked by exactly the gaps issue_document refuses on.
    assert steps["issue"].blockers == agreement_document(draft)["warnings"]
    assert str(steps["sign"].label) == "Kan inte undertecknas än"
    assert steps["sign"].blockers == [
        "Steget går inte från status Utkast.",
        "Beslut om bifall saknas från: Region Norr.",
    ]


def test_a_half_filled_agreement_shows_what_is_still_missing(draft, region, forening):
    forening.address_line, forening.city = "Storgatan 1", "Umeå"
    forening.save()
    half_fill(draft, region)
    tasklist = tasks_of(draft)
    assert statuses(tasklist) == {
        "parties": COMPLETE,
        "text": INCOMPLETE,  # no notice period
        "funding": COMPLETE,
        "uplift": NOT_STARTED,
        "payment_plan": NOT_STARTED,  # the region pays cash and has no plan
        "signatories": COMPLETE,
        "followup": NOT_STARTED,
        "decision": NOT_STARTED,
        "documents": NOT_STARTED,
    }
    tasks = by_key(tasklist.tasks)
    assert tasks["text"].problems == ["Uppsägningstid saknas"]
    assert tasks["payment_plan"].problems == ["Betalningsplan saknas för Region Norr"]


def test_a_complete_agreement_can_be_issued_and_waits_for_its_decision(demo):
    agreement = Agreement.objects.get(parties__party__name="Region Västerbotten")
    tasklist = tasks_of(agreement)
    found = statuses(tasklist)
    for key in ("parties", "text", "funding", "uplift", "payment_plan", "signatories"):
        assert found[key] == COMPLETE, key
    assert found["followup"] == COMPLETE
    assert found["documents"] == NOT_STARTED  # nothing issued yet
    steps = by_key(tasklist.steps)
    assert str(steps["issue"].label) == "Kan utfärdas"
    assert steps["issue"].blockers == []


def test_decision_part_is_complete_once_every_public_party_has_approved(draft, region, forening):
    forening.address_line = "Storgatan 1"
    forening.save()
    decision = Decision.objects.create(
        organisation=region, outcome=DecisionOutcome.PROPOSED, title="Förslag"
    )
    decision.agreements.add(draft)
    tasks = by_key(tasks_of(draft).tasks)
    assert tasks["decision"].status == INCOMPLETE
    # The proposal's own gaps are listed under the decision too.
    assert "Beslutsförslaget från Region Norr: Handläggare saknas" in tasks["decision"].problems
    decision.outcome, decision.decided_on, decision.body = "approved", date(2026, 1, 5), "RS"
    decision.save()
    Agreement.objects.filter(pk=draft.pk).update(status=AgreementStatus.DECIDED)
    tasklist = tasks_of(draft)
    assert by_key(tasklist.tasks)["decision"].status == COMPLETE
    steps = by_key(tasklist.steps)
    assert steps["propose"].done and str(steps["propose"].label) == "Föreslagen"
    assert str(steps["sign"].label) == "Kan undertecknas"


# --- The page ------------------------------------------------------------------------------


def page(client, user, agreement):
    client.force_login(user)
    return client.get(reverse("agreements:tasks", args=[agreement.pk]))


def links(html):
    return set(re.findall(r'href="([^"]+)"', html))


def part_link(html, key):
    """The link of the part's name on the task list, or None."""
    item = re.search(
        rf'id="del-{key}">(.*?)</li>\s*(?:<li class="task-list__item"|</ul>)', html, re.S
    )
    found = re.search(r'<a class="task-list__link" href="([^"]+)"', item.group(1))
    return found.group(1) if found else None


def test_parts_link_to_the_forms_that_complete_them(client, users, draft, region, forening):
    line = half_fill(draft, region)
    html = page(client, users["admin"], draft).content.decode()
    expected = {
        "parties": reverse("agreements:party_correct", args=[forening.pk]),
        "text": reverse("agreements:edit", args=[draft.pk]),  # the notice period is missing
        "funding": reverse("funding:lines", args=[draft.pk]),
        "uplift": reverse("funding:lines", args=[draft.pk]),
        "payment_plan": reverse("funding:plan", args=[line.pk]),
        "signatories": reverse("agreements:signatories", args=[draft.pk]),
        "followup": reverse("agreements:obligations", args=[draft.pk]),
        "decision": None,  # a proposal is prepared by a secretary, not the administrator
        "documents": reverse("documents:agreement_preview", args=[draft.pk]),
    }
    assert {key: part_link(html, key) for key in expected} == expected
    edit = reverse("agreements:edit", args=[draft.pk])
    assert f'<a href="{edit}">Uppsägningstid saknas</a>' in html
    # A partner's address is not the administrator's to change: a correction is proposed.
    assert reverse("agreements:party_edit", args=[forening.pk]) not in html
    secretary = page(client, users["secretary"], draft).content.decode()
    assert part_link(secretary, "decision") == reverse(
        "agreements:proposal_create", args=[draft.pk]
    )
    assert part_link(secretary, "text") is None
    assert part_link(secretary, "documents") is not None


@pytest.mark.parametrize("role", ["admin", "secretary", "coordinator"])
def test_every_link_shown_opens_for_the_user(client, users, draft, region, role):
    half_fill(draft, region)
    Decision.objects.create(
        organisation=region, outcome=DecisionOutcome.PROPOSED, title="Förslag"
    ).agreements.add(draft)
    response = page(client, users[role], draft)
    assert response.status_code == 200
    shown = [url for url in links(response.content.decode()) if url.startswith("/")]
    assert shown
    for url in shown:
        # A menu entry may send on to the user's one organisation (Medlemmar).
        assert client.get(url, follow=True).status_code == 200, url


def test_a_missing_approval_links_only_for_the_secretaries_of_that_party(
    client, users, region, forening
):
    kommun = make_party("Kommun Väster", kind=PartyKind.MUNICIPALITY, **ADDRESS)
    agreement = make_agreement(region, kommun, forening)
    html = page(client, users["secretary"], agreement).content.decode()
    create = reverse("agreements:proposal_create", args=[agreement.pk])
    assert f'<a href="{create}">Beslut om bifall saknas från Region Norr</a>' in html
    assert "<li>Beslut om bifall saknas från Kommun Väster</li>" in html


def test_a_user_of_an_organisation_not_party_gets_404(client, users, draft):
    assert page(client, users["outsider"], draft).status_code == 404


def test_the_page_answers_405_to_post_and_sends_anonymous_to_login(client, users, draft):
    url = reverse("agreements:tasks", args=[draft.pk])
    assert client.get(url).status_code == 302
    client.force_login(users["admin"])
    assert client.post(url).status_code == 405


def test_the_detail_page_and_the_preview_link_to_the_task_list(client, users, draft):
    client.force_login(users["coordinator"])
    tasks = reverse("agreements:tasks", args=[draft.pk])
    assert tasks in client.get(draft.get_absolute_url()).content.decode()
    preview = client.get(reverse("documents:agreement_preview", args=[draft.pk]))
    assert tasks in preview.content.decode()


def test_markup_in_a_gap_is_shown_as_text(client, users, draft):
    AgreementSection.objects.create(agreement=draft, heading="<script>x</script>")
    html = page(client, users["admin"], draft).content.decode()
    assert "Text saknas under &lt;script&gt;x&lt;/script&gt;" in html
    assert "<script>x" not in html


def _grow(agreement, region, forening, n):
    """n sections, signatories, obligations and paid lines (each with its plan)."""
    own = AgreementParty.objects.get(agreement=agreement, party=region)
    for i in range(n):
        AgreementSection.objects.create(agreement=agreement, heading=f"Avsnitt {i}", position=i)
        Signatory.objects.create(agreement_party=own, name=f"Namn {i}", title="Chef", position=i)
        Obligation.objects.create(
            agreement=agreement, kind=ObligationKind.TERTIAL_REPORT, responsible=forening
        )
        line = make_line(agreement, region, {2026: 1000 + i}, purpose=f"Del {i}", receiver=forening)
        PaymentPlan.objects.create(line=line, bankgiro="5050-1055")


@pytest.mark.parametrize("language", ["sv", "en"])
def test_the_page_reads_a_constant_number_of_queries(
    client, users, region, forening, django_assert_max_num_queries, settings, language
):
    small = make_agreement(region, forening)
    large = make_agreement(region, forening)
    _grow(small, region, forening, 1)
    _grow(large, region, forening, 15)
    client.force_login(users["admin"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("agreements:tasks", args=[small.pk])).status_code == 200
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(reverse("agreements:tasks", args=[large.pk])).status_code == 200


def test_an_english_reader_gets_the_gaps_in_english_for_no_more_queries(
    client, users, draft, region, settings, django_assert_max_num_queries
):
    decision = Decision.objects.create(
        organisation=region, outcome=DecisionOutcome.PROPOSED, title="Förslag"
    )
    decision.agreements.add(draft)
    client.force_login(users["admin"])
    url = reverse("agreements:tasks", args=[draft.pk])
    with CaptureQueriesContext(connection) as swedish:
        page = client.get(url).content.decode()
    assert "Undertecknare saknas" in page
    assert "Beslutsförslaget från Region Norr: Handläggare saknas" in page

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with django_assert_max_num_queries(len(swedish.captured_queries)):
        page = client.get(url).content.decode()
    assert "Signatory missing" in page
    assert "The decision proposal from Region Norr: Case officer missing" in page
    assert "saknas" not in page


# --- Gap links in the document previews ----------------------------------------------------


def test_each_gap_of_the_agreement_preview_links_to_its_form(client, users, draft, forening):
    AgreementSection.objects.create(agreement=draft, heading="Syfte")
    client.force_login(users["admin"])
    html = client.get(reverse("documents:agreement_preview", args=[draft.pk])).content.decode()
    sections = reverse("agreements:sections", args=[draft.pk])
    assert f'<li><a href="{sections}">Text saknas under Syfte</a></li>' in html
    signatories = reverse("agreements:signatories", args=[draft.pk])
    assert f'<li><a href="{signatories}">Undertecknare saknas</a></li>' in html
    # The placeholders in the document itself stay plain text, as in the PDF.
    assert '<span class="placeholder">[Undertecknare saknas]</span>' in html
    # A coordinator may not change the text: the gap is listed without a link.
    client.force_login(users["coordinator"])
    html = client.get(reverse("documents:agreement_preview", args=[draft.pk])).content.decode()
    assert "<li>Text saknas under Syfte</li>" in html
    assert sections not in html


def test_each_gap_of_the_proposal_preview_links_to_the_proposal_form(client, users, draft, region):
    decision = Decision.objects.create(
        organisation=region, outcome=DecisionOutcome.PROPOSED, title="Förslag"
    )
    decision.agreements.add(draft)
    edit = reverse("agreements:proposal_edit", args=[decision.pk])
    client.force_login(users["secretary"])
    html = client.get(reverse("documents:proposal_preview", args=[decision.pk])).content.decode()
    assert f'<li><a href="{edit}">Handläggare saknas</a></li>' in html
    client.force_login(users["admin"])
    html = client.get(reverse("documents:proposal_preview", args=[decision.pk])).content.decode()
    assert "<li>Handläggare saknas</li>" in html
    lines = reverse("funding:lines", args=[draft.pk])
    assert f'<li><a href="{lines}">Finansiering saknas</a></li>' in html


def test_every_gap_of_the_demo_documents_names_its_form(demo):
    warnings = [w for a in Agreement.objects.all() for w in agreement_document(a)["warnings"]]
    warnings += [w for d in Decision.objects.all() for w in proposal_document(d)["warnings"]]
    assert warnings
    assert [w for w in warnings if w.target is None] == []
