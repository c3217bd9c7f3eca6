"""Benchmark the main pages on the synthetic data set (`make bench`) against budgets.

For a region administrator of the largest region and a coordinator of the busiest non-profit,
each main page that exists is fetched with Django's test client N times: median and p95 in
milliseconds, the number of SQL queries and the time spent executing them (sql: on PostgreSQL
the round trips until the driver holds each result; the rest is Python, reading the rows
included). The Django admin's changelist of agreements, as a superuser, is timed the same way.
Each page is then held to its budget, measured against a baseline in the same run: an
interactive page at most a quarter of the admin changelist; the agreement PDF at most 1.2
times `render_pdf` alone on the same HTML; an export's peak memory (tracemalloc) for all the
user's agreements at most a few MiB above its peak for one. For information: the ratio to an
empty logged-in page (what every page costs before its own work) and to the page's floor, the
raw SQL that fetches its rows.
Results go to build/bench/results.json and a table on stdout with pass or FAIL per budget; the
exit status is 0 whenever the run completes (the budgets are figures to read, not a gate).

Run: python scripts/bench.py [--runs 20] [--out build/bench/results.json]
(after `manage.py generate_synthetic`; `make bench` does both).
"""

import argparse
import json
import os
import statistics
import sys
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PAGE_SIZE = 25  # agreements.views._common.PAGE_SIZE (the bench's SQL is built before setup)
ADMIN_PAGE_SIZE = 100
ADMIN_URL = "/admin/agreements/agreement/"

# The budgets, each against a baseline timed in the same run, so that they hold on any machine:
# an interactive page takes at most a quarter of the Django admin's changelist of agreements
# (the page a team would use without this app); the agreement PDF at most 1.2 times WeasyPrint
# laying out the same HTML (render_pdf alone); an export streams: the peak memory it needs for
# all the user's agreements is at most 8 MiB (a few thousand rows in flight) above its peak
# for one agreement.
INTERACTIVE = {"dashboard", "list", "detail", "organisation", "report", "decision"}
PAGE_BUDGET = 0.25
PDF_BUDGET = 1.2
EXPORT_GROWTH_MIB = 8

# The rows each page shows, fetched as directly as SQL can; %(user)s, %(party)s, %(agreement)s
# and %(term)s are filled in per user. Portable between SQLite and PostgreSQL. Each bench user
# belongs to one organisation (%(party)s): the agreements it is party to are the user's.
VISIBLE = """
    EXISTS (SELECT 1 FROM agreements_agreementparty ap
            WHERE ap.agreement_id = a.id AND ap.party_id = %(party)s)
"""
LIST_ROWS = f"""
    SELECT a.id, a.title, a.case_number, a.period_start, a.period_end, a.status,
           p.name, p.kind
    FROM (SELECT * FROM agreements_agreement a WHERE {VISIBLE} {{where}}
          ORDER BY a.period_start DESC, a.title LIMIT {PAGE_SIZE}) a
    JOIN agreements_agreementparty ap2 ON ap2.agreement_id = a.id
    JOIN agreements_party p ON p.id = ap2.party_id
    ORDER BY a.period_start DESC, a.title, ap2.position
"""
SEARCH = """
    AND (LOWER(a.title) LIKE LOWER(%(term)s) OR LOWER(a.case_number) LIKE LOWER(%(term)s)
         OR EXISTS (SELECT 1 FROM agreements_agreementparty ap3
                    JOIN agreements_party p3 ON p3.id = ap3.party_id
                    WHERE ap3.agreement_id = a.id AND LOWER(p3.name) LIKE LOWER(%(term)s)))
"""
LIST_COUNT = f"SELECT COUNT(*) FROM agreements_agreement a WHERE {VISIBLE} {{where}}"
FLOORS = {
    "list": [LIST_ROWS.format(where=""), LIST_COUNT.format(where="")],
    "list_filtered": [
        LIST_ROWS.format(where="AND a.status = 'active'"),
        LIST_COUNT.format(where="AND a.status = 'active'"),
    ],
    # The list's search: title, case number or a party's name (agreements.filters).
    "list_search": [
        LIST_ROWS.format(where=SEARCH),
        LIST_COUNT.format(where=SEARCH),
    ],
    # The dashboard reads the stored due items (agreements.models.DueItem) of the user's
    # organisation (each bench user belongs to one): a count per kind, the 20 most urgent of
    # each group, the reports its report rows link to, and the organisation's decision
    # proposals waiting for a decision.
    "dashboard": [
        """SELECT d.kind, COUNT(*), SUM(CASE WHEN d.due_date < %(today)s THEN 1 ELSE 0 END)
           FROM agreements_dueitem d
           WHERE d.party_id = %(party)s AND d.due_date <= %(until)s GROUP BY d.kind""",
    ]
    + [
        f"""SELECT d.*, a.title FROM agreements_dueitem d
            JOIN agreements_agreement a ON a.id = d.agreement_id
            WHERE d.party_id = %(party)s AND d.due_date <= %(until)s AND d.kind IN ({kinds})
            AND NOT (d.kind = 'notice' AND d.due_date < %(today)s)
            ORDER BY d.due_date, d.agreement_id, d.key LIMIT 20"""
        for kinds in (
            "'tertial_report', 'annual_report', 'one_off_report'",
            "'meetings'",
            "'notice'",
            "'decision'",
            "'payment'",
        )
    ]
    + [
        """SELECT r.id, r.agreement_id, r.year, r.period FROM agreements_report r
           WHERE r.agreement_id IN (
               SELECT d.agreement_id FROM agreements_dueitem d
               WHERE d.party_id = %(party)s AND d.due_date <= %(until)s
               AND d.kind IN ('tertial_report', 'annual_report', 'one_off_report')
               ORDER BY d.due_date, d.agreement_id, d.key LIMIT 20)""",
        """SELECT d.id, d.title, d.proposal_date, p.name FROM agreements_decision d
           JOIN agreements_party p ON p.id = d.organisation_id
           WHERE d.outcome = 'proposed' AND d.organisation_id = %(party)s
           ORDER BY d.proposal_date, d.id LIMIT 20""",
    ],
    # Every row the detail page shows: the agreement, its parties and signatories, funding
    # lines with payer, receiver and plan, shares, index values and payments, successors,
    # obligations, targets, decisions, reports, meetings and the agreement's text sections.
    "detail": [
        "SELECT * FROM agreements_agreement WHERE id = %(agreement)s",
        """SELECT ap.*, p.* FROM agreements_agreementparty ap
           JOIN agreements_party p ON p.id = ap.party_id
           WHERE ap.agreement_id = %(agreement)s ORDER BY ap.position""",
        """SELECT s.* FROM agreements_signatory s
           JOIN agreements_agreementparty ap ON ap.id = s.agreement_party_id
           WHERE ap.agreement_id = %(agreement)s ORDER BY s.position""",
        """SELECT l.*, p.name, pp.*, r.name FROM funding_fundingline l
           JOIN agreements_party p ON p.id = l.party_id
           LEFT JOIN funding_paymentplan pp ON pp.line_id = l.id
           LEFT JOIN agreements_party r ON r.id = l.receiver_id
           WHERE l.agreement_id = %(agreement)s ORDER BY l.position""",
        """SELECT s.* FROM funding_share s JOIN funding_fundingline l ON l.id = s.line_id
           WHERE l.agreement_id = %(agreement)s ORDER BY s.year""",
        """SELECT v.* FROM funding_indexvalue v
           WHERE v.series_id IN (SELECT uplift_series_id FROM funding_fundingline
                                 WHERE agreement_id = %(agreement)s)""",
        """SELECT y.* FROM funding_payment y JOIN funding_fundingline l ON l.id = y.line_id
           WHERE l.agreement_id = %(agreement)s ORDER BY y.paid_on DESC""",
        "SELECT * FROM agreements_agreement WHERE predecessor_id = %(agreement)s",
        """SELECT o.*, r.name, c.name FROM agreements_obligation o
           LEFT JOIN agreements_party r ON r.id = o.responsible_id
           LEFT JOIN agreements_party c ON c.id = o.recipient_id
           WHERE o.agreement_id = %(agreement)s""",
        "SELECT * FROM agreements_capacitytarget WHERE agreement_id = %(agreement)s",
        """SELECT d.*, p.name FROM agreements_decision d
           JOIN agreements_decision_agreements da ON da.decision_id = d.id
           JOIN agreements_party p ON p.id = d.organisation_id
           WHERE da.agreement_id = %(agreement)s ORDER BY d.decided_on DESC""",
        """SELECT r.*, p.name FROM agreements_report r
           LEFT JOIN agreements_party p ON p.id = r.party_id
           WHERE r.agreement_id = %(agreement)s ORDER BY r.year, r.due_date""",
        """SELECT m.*, p.name FROM agreements_meeting m
           LEFT JOIN agreements_party p ON p.id = m.called_by_id
           WHERE m.agreement_id = %(agreement)s""",
        """SELECT * FROM agreements_agreementsection WHERE agreement_id = %(agreement)s
           ORDER BY position""",
    ],
    # What the organisation pays (its lines) per budget and year, and receives (the lines it
    # is the receiver of) per paying organisation and year: the overview's group totals.
    "organisation": [
        """SELECT l.budget, s.year, SUM(s.amount) FROM funding_share s
           JOIN funding_fundingline l ON l.id = s.line_id
           WHERE l.party_id = %(party)s
           GROUP BY l.budget, s.year""",
        """SELECT p.name, s.year, SUM(s.amount) FROM funding_share s
           JOIN funding_fundingline l ON l.id = s.line_id
           JOIN agreements_party p ON p.id = l.party_id
           WHERE l.receiver_id = %(party)s
           GROUP BY p.name, s.year""",
    ],
    # Each export's rows: the agreements with their parties and the period's total; the
    # shares per line and year; the payment plans with each year's amount and what was paid
    # (the expected instalments are computed from these).
    "export": [
        f"""SELECT a.id, a.title, a.case_number, a.period_start, a.period_end, a.status,
                   p.name, p.org_number
            FROM agreements_agreement a
            JOIN agreements_agreementparty ap2 ON ap2.agreement_id = a.id
            JOIN agreements_party p ON p.id = ap2.party_id
            WHERE {VISIBLE} ORDER BY a.period_start DESC, a.title, ap2.position""",
        f"""SELECT l.agreement_id, SUM(s.amount) FROM funding_share s
            JOIN funding_fundingline l ON l.id = s.line_id
            JOIN agreements_agreement a ON a.id = l.agreement_id
            WHERE {VISIBLE} GROUP BY l.agreement_id""",
    ],
    "export_shares": [
        f"""SELECT a.id, a.title, a.case_number, p.name, l.kind, s.year, s.amount
            FROM funding_share s JOIN funding_fundingline l ON l.id = s.line_id
            JOIN agreements_agreement a ON a.id = l.agreement_id
            JOIN agreements_party p ON p.id = l.party_id
            WHERE {VISIBLE} ORDER BY a.period_start DESC, a.title, l.position, s.year""",
    ],
    "export_payments": [
        f"""SELECT a.id, a.title, p.name, r.name, pp.*, s.year, s.amount
            FROM funding_share s JOIN funding_fundingline l ON l.id = s.line_id
            JOIN funding_paymentplan pp ON pp.line_id = l.id
            JOIN agreements_agreement a ON a.id = l.agreement_id
            JOIN agreements_party p ON p.id = l.party_id
            LEFT JOIN agreements_party r ON r.id = l.receiver_id
            WHERE {VISIBLE} ORDER BY a.period_start DESC, a.title, l.position, s.year""",
        f"""SELECT y.line_id, y.year, SUM(y.amount) FROM funding_payment y
            JOIN funding_fundingline l ON l.id = y.line_id
            JOIN agreements_agreement a ON a.id = l.agreement_id
            WHERE {VISIBLE} GROUP BY y.line_id, y.year""",
    ],
    "admin_changelist": [
        f"""SELECT * FROM agreements_agreement ORDER BY period_start DESC, title, id
            LIMIT {ADMIN_PAGE_SIZE}""",
        "SELECT COUNT(*) FROM agreements_agreement",
    ],
}


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iop.settings")
    os.environ.setdefault("DEBUG", "1")
    # As a gunicorn worker starts: the WSGI module sets Django up and settles the process
    # (iop.server.settle: URL configuration loaded, start-up's objects frozen).
    from django.conf import settings

    import iop.wsgi  # noqa: F401

    # Time what production runs: no query log, no template debug information.
    settings.DEBUG = False


def timed(fn, runs, *, warm_up=True):
    """Call fn (once to warm up first), then `runs` times; milliseconds per call."""
    if warm_up:
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def paired(fn, baseline, runs):
    """Call fn and then baseline, `runs` times (after one call of each to warm up); the
    milliseconds of each. Taken in turns, both meet the same moments of a busy machine, so
    their ratio holds when the two alone would each be timed in a different mood."""
    fn()
    baseline()
    samples, baseline_samples = [], []
    for _ in range(runs):
        for call, into in ((fn, samples), (baseline, baseline_samples)):
            start = time.perf_counter()
            call()
            into.append((time.perf_counter() - start) * 1000)
    return samples, baseline_samples


def sql_times(fn, runs):
    """Call fn `runs` times; milliseconds per call spent executing its queries, timed apart
    from the page's own runs. On PostgreSQL that is the round trip until the driver holds the
    whole result; turning the rows into Python values comes later and counts as Python (on
    SQLite rows are computed as they are read, so most of the work falls outside)."""
    from django.db import connection

    spent = []

    def clock(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent.append(time.perf_counter() - start)

    samples = []
    with connection.execute_wrapper(clock):
        for _ in range(runs):
            spent.clear()
            fn()
            samples.append(sum(spent) * 1000)
    return samples


def summary(samples):
    if not samples:
        return None, None
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return round(statistics.median(ordered), 2), round(p95, 2)


def url_names():
    """Every 'namespace:name' the URLconf knows, so missing pages are skipped, not failed."""
    from django.urls import URLPattern, URLResolver, get_resolver

    names = set()

    def walk(patterns, prefix):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern) and p.name:
                names.add(prefix + p.name)

    walk(get_resolver().url_patterns, "")
    return names


def try_reverse(name, arg_options):
    from django.urls import NoReverseMatch, reverse

    for args in arg_options:
        try:
            return reverse(name, args=args)
        except NoReverseMatch:
            continue
    return None


def pick_users():
    """The region administrator with the most agreements, the busiest coordinator."""
    from django.db.models import Count

    from agreements.models import Membership, PartyKind, Role

    def busiest(role, kind):
        return (
            Membership.objects.filter(role=role, party__kind=kind)
            .annotate(n=Count("party__agreement_roles"))
            .select_related("user", "party")
            .order_by("-n", "pk")
            .first()
        )

    picked = []
    for label, role, kind in [
        ("region admin", Role.ADMINISTRATOR, PartyKind.REGION),
        ("coordinator", Role.COORDINATOR, PartyKind.NONPROFIT),
    ]:
        m = busiest(role, kind)
        if m is not None:
            picked.append((label, m.user, m.party, m.n))
    return picked


def pages_for(user, party, names):
    """(kind, label, url, floor key) for the pages that exist; notes for those that do not."""
    from django.db.models import Count

    from agreements.access import agreements_visible_to, reports_visible_to

    agreement = (
        agreements_visible_to(user)
        .annotate(n=Count("funding_lines"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    report = (
        reports_visible_to(user)
        .filter(agreement_id=agreement)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    decision = decision_for(user, party, agreement)
    pages, notes = [], []

    def add(kind, label, candidates, arg_options, floor, query=""):
        for name in candidates:
            if name == "/" or name in names:
                url = "/" if name == "/" else try_reverse(name, arg_options)
                if url:
                    pages.append((kind, label, url + query, floor))
                    return
        notes.append(f"{label}: no page yet ({' / '.join(candidates)})")

    dashboard = ["agreements:dashboard"] + (["/"] if _resolves("/") else [])
    add("dashboard", "dashboard", dashboard, [[]], "dashboard")
    add("list", "list, first page", ["agreements:list"], [[]], "list")
    add("list", "list, filtered", ["agreements:list"], [[]], "list_filtered", "?status=active")
    add("list", "list, search", ["agreements:list"], [[]], "list_search", "?q=anhörig")
    add("detail", "agreement detail", ["agreements:detail"], [[agreement]], "detail")
    add(
        "organisation",
        "organisation funding",
        ["funding:organisation", "funding:overview"],
        [[party.pk], []],
        "organisation",
    )
    add("report", "report", ["agreements:report"], [[report]], None)
    add("decision", "decision", ["agreements:decision"], [[decision]], None)
    exports = sorted(n for n in names if "export" in n.split(":")[-1])
    for name in exports:
        for args, floor in export_variants():
            label = f"export {'.'.join(map(str, args))}" if args else f"export {name}"
            options = [args] if args else [[], [party.pk], [agreement]]
            add("export", label, [name], options, floor)
    if not exports:
        notes.append("exports: no URL named *export* yet")
    add("pdf", "agreement PDF", ["documents:agreement_pdf"], [[agreement]], "pdf")
    # What every logged-in page costs before its own work: session, user, middleware and the
    # base template (the "password changed" page shows nothing else). No floor.
    add("fixed", "fixed cost (empty page)", ["password_change_done"], [[]], None)
    return pages, notes, agreement


def decision_for(user, party, agreement):
    """A decision the user may see; the synthetic data has none, so one decided by the
    user's organisation on the agreement the bench shows is added once (kept with --reuse)."""
    from agreements.access import decisions_visible_to
    from agreements.models import Decision, DecisionOutcome

    decision = decisions_visible_to(user).order_by("pk").values_list("pk", flat=True).first()
    if decision is None and agreement is not None:
        created = Decision.objects.create(
            organisation=party,
            outcome=DecisionOutcome.APPROVED,
            title="Bench decision",
            decided_on=date(2025, 1, 1),
        )
        created.agreements.add(agreement)
        decision = created.pk
    return decision


def export_variants():
    """(URL arguments, floor) per export: every data set as CSV and as XLSX when known."""
    try:
        from funding.exports import DATASETS
    except ImportError:
        return [([], "export")]
    floors = {"shares": "export_shares", "payments": "export_payments"}
    return [
        ([dataset, fmt], floors.get(dataset, "export"))
        for dataset in DATASETS
        for fmt in ("csv", "xlsx")
    ]


def _resolves(path):
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
        return True
    except Resolver404:
        return False


def floor_runner(key, params, agreement):
    """A callable doing the page's floor work."""
    from django.db import connection

    if key == "pdf":
        from agreements.documents.context import agreement_document
        from agreements.documents.rendering import render_document_html, render_pdf
        from agreements.models import Agreement

        html = render_document_html(agreement_document(Agreement.objects.get(pk=agreement)))

        def weasyprint_alone():
            # As the page renders it: the print stylesheet, PDF/A and no URL fetching
            # (render_pdf), nothing else.
            render_pdf(html)

        return weasyprint_alone
    statements = FLOORS[key]

    def run():
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql, params)
                cursor.fetchall()

    return run


def fetcher(client, url):
    """A callable fetching the page and reading its whole body, streamed or not, chunk by
    chunk without keeping it; it returns the status and the body's size in bytes. The test
    client closes the response as a server would (a streamed one once it is read)."""

    def fetch():
        response = client.get(url)
        if response.streaming:
            size = sum(len(chunk) for chunk in response.streaming_content)
        else:
            size = len(response.content)
        return response.status_code, size

    return fetch


def peak_memory_mib(fetch):
    """Peak Python memory allocated while fetching and reading one response (MiB): what the
    request needs beyond what the process already held."""
    tracemalloc.start()
    try:
        fetch()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return round(peak / 2**20, 2)


def data_counts():
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from agreements.models import Agreement, AgreementParty, Decision, Party, Report
    from funding.models import Payment, Share

    return {
        "parties": Party.objects.count(),
        "agreements": Agreement.objects.count(),
        "three_party": AgreementParty.objects.values("agreement")
        .annotate(n=Count("id"))
        .filter(n=3)
        .count(),
        "shares": Share.objects.count(),
        "reports": Report.objects.count(),
        "payments": Payment.objects.count(),
        "decisions": Decision.objects.count(),
        "users": get_user_model().objects.count(),
    }


class Bench:
    """One run: every page of every bench user, then the admin changelist, then the budgets."""

    def __init__(self, runs, progress=False, only=None):
        from django.db import connection

        self.runs = runs
        self.progress = progress
        self.only = only
        self.one_agreement = ""
        self.results = {
            "database": connection.vendor,
            "runs": runs,
            "data": {},
            "pages": [],
            "budgets": [],
            "notes": [],
        }

    def wanted(self, label):
        return not self.only or any(word in label for word in self.only)

    def page(self, client, user_label, kind, label, url, floor=None):
        """Time one page (beside its budget's baseline, if any), its floor and an export's
        memory; add its row."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        fetch = fetcher(client, url)
        # The first fetch warms up and counts the queries (read now: every later request
        # starts by clearing the query log).
        with CaptureQueriesContext(connection) as ctx:
            status, size = fetch()
        queries = len(ctx.captured_queries)
        if kind in INTERACTIVE:
            samples, beside = paired(fetch, self.admin_fetch, self.runs)
        elif kind == "pdf":
            samples, beside = paired(fetch, floor, self.runs)
        else:
            samples, beside = timed(fetch, self.runs, warm_up=False), []
        median, p95 = summary(samples)
        baseline_median = summary(beside)[0]
        if kind == "pdf":
            floor_median = baseline_median
        else:
            floor_median = floor and summary(timed(floor, self.runs))[0]
        row = {
            "user": user_label,
            "kind": kind,
            "page": label,
            "url": url,
            "status": status,
            "bytes": size,
            "median_ms": median,
            "p95_ms": p95,
            "queries": queries,
            "sql_median_ms": summary(sql_times(fetch, self.runs))[0],
            "floor_median_ms": floor_median,
            "baseline_median_ms": baseline_median,
        }
        if kind == "export":
            # What streaming in constant memory means: the peak for all the user's rows is
            # about the peak for one agreement's.
            row["peak_mib"] = peak_memory_mib(fetch)
            row["peak_one_mib"] = peak_memory_mib(fetcher(client, url + self.one_agreement))
            row["growth_mib"] = round(row["peak_mib"] - row["peak_one_mib"], 2)
        self.results["pages"].append(row)
        if self.progress:
            print(f"  {user_label}: {label}: {median} ms", file=sys.stderr, flush=True)

    def user(self, user_label, user, party):
        from django.test import Client
        from django.utils import timezone

        from agreements.access import party_ids_of
        from agreements.models import Agreement

        client = Client()
        client.force_login(user)
        pages, notes, agreement = pages_for(user, party, url_names())
        if set(party_ids_of(user)) != {party.pk}:
            notes.append("belongs to several organisations: the floors read one, too low")
        self.results["notes"] += [f"{user_label}: {n}" for n in notes]
        case_number = Agreement.objects.values_list("case_number", flat=True).get(pk=agreement)
        self.one_agreement = "?" + urlencode({"q": case_number})
        today = timezone.localdate()  # the pages' today, not the machine's
        params = {
            "user": user.pk,
            "party": party.pk,
            "agreement": agreement,
            "term": "%anhörig%",
            "today": today,
            "until": today + timedelta(days=60),
        }
        for kind, label, url, floor_key in pages:
            if self.wanted(label):
                floor = floor_runner(floor_key, params, agreement) if floor_key else None
                self.page(client, user_label, kind, label, url, floor)

    def run(self):
        # The page a team would use without this app, as a superuser: the baseline of every
        # interactive page, fetched in turns with it, and timed on its own at the end.
        self.admin_client = superuser_client()
        self.admin_fetch = fetcher(self.admin_client, ADMIN_URL)
        for user_label, user, party, _ in pick_users():
            self.user(user_label, user, party)
        self.page(
            self.admin_client,
            "superuser",
            "admin",
            "admin changelist",
            ADMIN_URL,
            floor_runner("admin_changelist", {}, None),
        )
        self.results["data"] = data_counts()
        add_ratios(self.results)
        self.results["budgets"] = budgets(self.results)
        return self.results


def superuser_client():
    from django.contrib.auth import get_user_model
    from django.test import Client

    User = get_user_model()
    root = User.objects.filter(is_superuser=True).order_by("pk").first()
    if root is None:
        root = User.objects.create_superuser("bench.admin", "bench@example.se", None)
    client = Client()
    client.force_login(root)
    return client


def add_ratios(results):
    """Each row's ratios to its floor, to its user's empty page and to the admin changelist
    (for an interactive page, the changelist fetched in turns with it)."""
    rows = results["pages"]
    admin = next((r["median_ms"] for r in rows if r["kind"] == "admin"), None)
    fixed = {r["user"]: r["median_ms"] for r in rows if r["kind"] == "fixed"}

    def ratio(value, base):
        return round(value / base, 2) if value is not None and base else None

    for r in rows:
        beside = r["baseline_median_ms"] if r["kind"] in INTERACTIVE else admin
        r["floor_ratio"] = ratio(r["median_ms"], r["floor_median_ms"])
        r["fixed_ratio"] = ratio(r["median_ms"], fixed.get(r["user"]))
        r["admin_ratio"] = ratio(r["median_ms"], beside)


def budgets(results):
    """Each budget with the measured value, its limit and whether it held."""
    checks = []
    for r in results["pages"]:
        if r["kind"] in INTERACTIVE:
            value, limit, unit = r["admin_ratio"], PAGE_BUDGET, "× admin changelist"
        elif r["kind"] == "pdf":
            value, limit, unit = r["floor_ratio"], PDF_BUDGET, "× render_pdf alone"
        elif r["kind"] == "export":
            value, limit, unit = r["growth_mib"], EXPORT_GROWTH_MIB, "MiB more than for one"
        else:
            continue
        held = r["status"] == 200 and value is not None and value <= limit
        checks.append(
            {
                "user": r["user"],
                "page": r["page"],
                "value": value,
                "limit": limit,
                "unit": unit,
                "passed": held,
            }
        )
    return checks


def table(results):
    head = (
        f"{'user':<13} {'page':<28} {'status':>6} {'median':>8} {'p95':>8} {'queries':>7} "
        f"{'sql':>6} {'floor':>7} {'×floor':>6} {'×empty':>6} {'×admin':>6} "
        f"{'MiB all':>7} {'MiB one':>7}"
    )
    lines = [head, "-" * len(head)]

    def ms(v):
        return f"{v:.1f}" if v is not None else "–"

    def x(v):
        return f"{v:.2f}" if v is not None else "–"

    for r in results["pages"]:
        lines.append(
            f"{r['user']:<13} {r['page'][:28]:<28} {r['status']:>6} {ms(r['median_ms']):>8} "
            f"{ms(r['p95_ms']):>8} {r['queries']:>7} {ms(r['sql_median_ms']):>6} "
            f"{ms(r['floor_median_ms']):>7} {x(r['floor_ratio']):>6} {x(r['fixed_ratio']):>6} "
            f"{x(r['admin_ratio']):>6} {x(r.get('peak_mib')):>7} {x(r.get('peak_one_mib')):>7}"
        )
    data = results["data"]
    lines.append("")
    lines.append(
        f"{results['database']}, {results['runs']} runs per page (ms); data: "
        + ", ".join(f"{v} {k}" for k, v in data.items())
    )
    lines += [f"note: {n}" for n in results["notes"]]
    lines += ["", "Budgets (measured against baselines timed in the same run):"]
    for b in results["budgets"]:
        verdict = "pass" if b["passed"] else "FAIL"
        lines.append(
            f"  {verdict:<4} {b['user']:<13} {b['page'][:28]:<28} "
            f"{x(b['value']):>6} {b['unit']} (at most {b['limit']})"
        )
    failed = sum(not b["passed"] for b in results["budgets"])
    lines.append(f"{len(results['budgets']) - failed} of {len(results['budgets'])} budgets held")
    return "\n".join(lines)


def run(
    runs=20,
    out=ROOT / "build" / "bench" / "results.json",
    stdout=sys.stdout,
    progress=False,
    only=None,
):
    results = Bench(runs, progress=progress, only=only).run()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(table(results), file=stdout)
    print(f"\nWritten to {out}", file=stdout)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--only", nargs="*", help="measure only pages whose label contains one of these words"
    )
    parser.add_argument("--out", default=str(ROOT / "build" / "bench" / "results.json"))
    args = parser.parse_args()
    setup_django()
    run(runs=args.runs, out=args.out, progress=True, only=args.only)


if __name__ == "__main__":
    main()
