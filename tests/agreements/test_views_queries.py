"""Every list and the dashboard run a constant number of queries, whatever the row count."""

from datetime import date

import pytest
from django.urls import reverse

from agreements.due.invalidation import mark_changed
from agreements.models import (
    Agreement,
    AgreementParty,
    AgreementStatus,
    Decision,
    DecisionCondition,
    Meeting,
    Obligation,
    ObligationKind,
    PartyKind,
    PartyRole,
    Report,
)
from funding.models import FundingLine, Payment, PaymentPlan, Share
from tests.factories import make_member, make_party

pytestmark = pytest.mark.django_db

PAGES = [
    "agreements:dashboard",
    "agreements:list",
    "agreements:reports",
    "agreements:decisions",
    "agreements:parties",
]
# One budget for 1 and for 200 agreements: session, user, memberships, count, the page's
# rows and their prefetches, the dashboard's deadline prefetches.
MAX_QUERIES = {
    "agreements:dashboard": 30,
    "agreements:list": 14,
    "agreements:reports": 12,
    "agreements:decisions": 12,
    "agreements:parties": 12,
}


def bulk_agreements(n, region, city, nonprofit, start=0):
    """n running three-party agreements with obligations, reports, meetings, decisions and
    funding, bulk-created."""
    agreements = Agreement.objects.bulk_create(
        Agreement(
            title=f"Överenskommelse {i}",
            case_number=f"DNR-{i}",
            period_start=date(2026, 1, 1),
            period_end=date(2026 + i % 3, 12, 31),
            notice_months=6,
            status=AgreementStatus.ACTIVE if i % 2 else AgreementStatus.PROPOSED,
        )
        for i in range(start, start + n)
    )
    AgreementParty.objects.bulk_create(
        AgreementParty(agreement=a, party=p, role=role, position=j)
        for a in agreements
        for j, (p, role) in enumerate(
            [(region, PartyRole.PUBLIC), (city, PartyRole.PUBLIC), (nonprofit, PartyRole.NONPROFIT)]
        )
    )
    Obligation.objects.bulk_create(
        Obligation(agreement=a, kind=kind, responsible=nonprofit, min_per_year=2)
        for a in agreements
        for kind in (ObligationKind.TERTIAL_REPORT, ObligationKind.MEETINGS)
    )
    Report.objects.bulk_create(
        Report(agreement=a, party=nonprofit, year=2026, period="T1", due_date=date(2026, 5, 30))
        for a in agreements
    )
    Meeting.objects.bulk_create(Meeting(agreement=a, date=date(2026, 3, 1)) for a in agreements)
    decisions = Decision.objects.bulk_create(
        Decision(organisation=region, title=f"Förslag {a.title}") for a in agreements
    )
    Decision.agreements.through.objects.bulk_create(
        Decision.agreements.through(decision=d, agreement=a)
        for d, a in zip(decisions, agreements, strict=True)
    )
    DecisionCondition.objects.bulk_create(
        DecisionCondition(decision=d, party=city) for d in decisions
    )
    lines = FundingLine.objects.bulk_create(
        FundingLine(agreement=a, party=region, receiver=nonprofit) for a in agreements
    )
    Share.objects.bulk_create(Share(line=line, year=2026, amount=100_000) for line in lines)
    PaymentPlan.objects.bulk_create(PaymentPlan(line=line, bankgiro="403-4849") for line in lines)
    Payment.objects.bulk_create(
        Payment(line=line, year=2026, paid_on=date(2026, 1, 20), amount=50_000) for line in lines
    )
    # Bulk writes bypass the signals: they mark the agreements themselves.
    mark_changed([a.pk for a in agreements], create=True)
    return agreements


@pytest.fixture
def people():
    region = make_party("Region R", kind=PartyKind.REGION)
    city = make_party("Stad S", kind=PartyKind.MUNICIPALITY)
    nonprofit = make_party("Förening F")
    return {
        "parties": (region, city, nonprofit),
        "administrator": make_member("adm", region, "administrator"),
        "coordinator": make_member("sam", nonprofit, "coordinator"),
        "secretary": make_member("sek", region, "secretary"),
    }


@pytest.mark.parametrize("rows", [1, 200])
@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ["administrator", "coordinator", "secretary"])
def test_lists_run_a_constant_number_of_queries(
    client, people, django_assert_max_num_queries, page, rows, role
):
    bulk_agreements(rows, *people["parties"])
    client.force_login(people[role])
    if page == "agreements:dashboard":
        # Bulk-created agreements have no stored due items yet: the first visit computes
        # them (a write, in chunks); the page itself reads them with a fixed set of queries.
        client.get(reverse(page))
    with django_assert_max_num_queries(MAX_QUERIES[page]):
        response = client.get(reverse(page))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [1, 200])
def test_filtered_list_runs_a_constant_number_of_queries(
    client, people, django_assert_max_num_queries, rows
):
    region, city, nonprofit = people["parties"]
    bulk_agreements(rows, region, city, nonprofit)
    client.force_login(people["administrator"])
    query = {
        "q": "Överens",
        "status": "active",
        "party": city.pk,
        "year": 2026,
        "ending_within": 36,
    }
    with django_assert_max_num_queries(MAX_QUERIES["agreements:list"]):
        response = client.get(reverse("agreements:list"), query)
    assert response.status_code == 200
    expected = min(rows // 2, 25) if rows > 1 else 0
    assert response.content.decode().count('class="badge badge--active"') == expected


def test_dashboard_query_count_does_not_grow_with_rows(
    client, people, django_assert_num_queries, monkeypatch
):
    """The same number of queries for 2 agreements (one of each kind) and for 200, exactly."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # A day inside the agreements' period: long after it, they have ended and owe nothing.
    today = date(2026, 11, 25)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: today)
    client.force_login(people["administrator"])
    counts = []
    for start, rows in ((0, 2), (2, 198)):
        bulk_agreements(rows, *people["parties"], start=start)
        client.get(reverse("agreements:dashboard"))  # stores the new agreements' due items
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("agreements:dashboard")).status_code == 200
        counts.append(len(ctx))
    assert counts[0] == counts[1]


def test_dashboard_shows_the_most_urgent_rows_and_links_to_the_whole_group(
    client, people, django_assert_max_num_queries, monkeypatch
):
    """Hundreds of due items: the dashboard shows the first of each group with the count and a
    link; the group's own page shows all of them, page by page, in the same order."""
    from agreements.due.loading import deadlines_for
    from agreements.views.dashboard import SHOWN_PER_GROUP

    bulk_agreements(200, *people["parties"])
    # The non-profit's coordinator hands in the reports: they are what the coordinator does.
    user = people["coordinator"]
    client.force_login(user)
    today = date(2026, 11, 25)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: today)
    reports = [
        d
        for d in deadlines_for(Agreement.objects.all(), today=today, horizon_days=60)
        if d.kind == "tertial_report"
    ]
    assert len(reports) > 2 * SHOWN_PER_GROUP

    page = client.get(reverse("agreements:dashboard")).content.decode()
    section = page[page.index('id="rapporter"') : page.index('id="moten"')]
    assert section.count("<tr class=") == SHOWN_PER_GROUP
    assert f"({len(reports)})" in section
    todo = reverse("agreements:todo", args=["rapporter"])
    assert f'href="{todo}">Visa alla {len(reports)}</a>' in section

    shown = []
    for number in range(1, 100):
        with django_assert_max_num_queries(MAX_QUERIES["agreements:dashboard"]):
            response = client.get(todo, {"sida": number})
        rows = response.context["page"].object_list
        shown += [d.key for d in rows]
        if not response.context["page"].has_next():
            break
    assert shown == [d.key for d in reports]
    assert client.get(reverse("agreements:todo", args=["okand"])).status_code == 404

    # The region's administrator waits for them: the same rows, under "Väntar på andra".
    client.force_login(people["administrator"])
    page = client.get(reverse("agreements:dashboard")).content.decode()
    to_do, waiting = page.split('id="vantar-pa-andra"')
    mine = to_do[to_do.index('id="rapporter"') : to_do.index('id="moten"')]
    assert "Inget just nu." in mine and "<tr class=" not in mine
    # There they are counted, the count linking to the group's page with the rows.
    todo = reverse("agreements:todo", args=["andra-rapporter"])
    assert f'href="{todo}">Rapporter <span class="muted">({len(reports)})</span></a>' in waiting
    assert "<tr class=" not in waiting
    shown = []
    for number in range(1, 100):
        with django_assert_max_num_queries(MAX_QUERIES["agreements:dashboard"]):
            response = client.get(todo, {"sida": number})
        shown += [d.key for d in response.context["page"].object_list]
        if not response.context["page"].has_next():
            break
    assert shown == [d.key for d in reports]
    assert client.get(reverse("agreements:todo", args=["rapporter"])).context["count"] == 0
