"""Benchmark the main pages on the synthetic data set (`make bench`).

For a region administrator of the largest region and a coordinator of the busiest non-profit,
each main page that exists is fetched with Django's test client N times: median and p95 in
milliseconds, the number of SQL queries and the time spent executing them (sql: on PostgreSQL
the round trips until the driver holds each result; the rest is Python, reading the rows
included), and beside it the page's floor, the raw SQL that
fetches the page's rows (for the PDF: WeasyPrint alone on the same HTML), timed in the same
run, and the ratio page / floor. The Django admin's changelist of agreements is timed too, and
an empty logged-in page: what every page costs before its own work.
Results go to build/bench/results.json and a table on stdout.

Run: python scripts/bench.py [--runs 20] [--out build/bench/results.json]
(after `manage.py generate_synthetic`; `make bench` does both).
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE_SIZE = 25  # agreements.views._common.PAGE_SIZE (the bench's SQL is built before setup)
ADMIN_PAGE_SIZE = 100

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
    # lines with payer, plan and payee, shares, index values and payments, successors,
    # obligations, targets, decisions, reports, meetings and the agreement's text sections.
    "detail": [
        "SELECT * FROM agreements_agreement WHERE id = %(agreement)s",
        """SELECT ap.*, p.* FROM agreements_agreementparty ap
           JOIN agreements_party p ON p.id = ap.party_id
           WHERE ap.agreement_id = %(agreement)s ORDER BY ap.position""",
        """SELECT s.* FROM agreements_signatory s
           JOIN agreements_agreementparty ap ON ap.id = s.agreement_party_id
           WHERE ap.agreement_id = %(agreement)s ORDER BY s.position""",
        """SELECT l.*, p.name, pp.*, payee.name FROM funding_fundingline l
           JOIN agreements_party p ON p.id = l.party_id
           LEFT JOIN funding_paymentplan pp ON pp.line_id = l.id
           LEFT JOIN agreements_party payee ON payee.id = pp.payee_id
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
    # What the organisation pays (its lines) per budget and year, and receives (lines paid to
    # it: by their plan, or a cash line without one of an agreement where it is the
    # non-profit) per paying organisation and year: the overview's group totals.
    "organisation": [
        """SELECT l.budget, s.year, SUM(s.amount) FROM funding_share s
           JOIN funding_fundingline l ON l.id = s.line_id
           WHERE l.party_id = %(party)s
           GROUP BY l.budget, s.year""",
        """SELECT p.name, s.year, SUM(s.amount) FROM funding_share s
           JOIN funding_fundingline l ON l.id = s.line_id
           JOIN agreements_party p ON p.id = l.party_id
           LEFT JOIN funding_paymentplan pp ON pp.line_id = l.id
           WHERE pp.payee_id = %(party)s
              OR (pp.id IS NULL AND l.kind = 'cash' AND l.party_id <> %(party)s
                  AND EXISTS (SELECT 1 FROM agreements_agreementparty ap
                              WHERE ap.agreement_id = l.agreement_id
                              AND ap.party_id = %(party)s AND ap.role = 'nonprofit'))
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
        f"""SELECT a.id, a.title, p.name, payee.name, pp.*, s.year, s.amount
            FROM funding_share s JOIN funding_fundingline l ON l.id = s.line_id
            JOIN funding_paymentplan pp ON pp.line_id = l.id
            JOIN agreements_agreement a ON a.id = l.agreement_id
            JOIN agreements_party p ON p.id = l.party_id
            LEFT JOIN agreements_party payee ON payee.id = pp.payee_id
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
    """(key, label, url, floor key) for the pages that exist; notes for those that do not."""
    from django.db.models import Count

    from agreements.access import agreements_visible_to

    agreement = (
        agreements_visible_to(user)
        .annotate(n=Count("funding_lines"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)
        .first()
    )
    pages, notes = [], []

    def add(key, label, candidates, arg_options, floor, query=""):
        for name in candidates:
            if name == "/" or name in names:
                url = "/" if name == "/" else try_reverse(name, arg_options)
                if url:
                    pages.append((key, label, url + query, floor))
                    return
        notes.append(f"{label}: no page yet ({' / '.join(candidates)})")

    dashboard = ["agreements:dashboard"] + (["/"] if _resolves("/") else [])
    add("dashboard", "dashboard", dashboard, [[]], "dashboard")
    add("list", "list, first page", ["agreements:list"], [[]], "list")
    add("list_f", "list, filtered", ["agreements:list"], [[]], "list_filtered", "?status=active")
    add("list_q", "list, search", ["agreements:list"], [[]], "list_search", "?q=anhörig")
    add("detail", "agreement detail", ["agreements:detail"], [[agreement]], "detail")
    add(
        "organisation",
        "organisation funding",
        ["funding:organisation", "funding:overview"],
        [[party.pk], []],
        "organisation",
    )
    exports = sorted(n for n in names if "export" in n.split(":")[-1])
    for name in exports:
        for args, floor in export_variants():
            label = f"export {'.'.join(map(str, args))}" if args else f"export {name}"
            options = [args] if args else [[], [party.pk], [agreement]]
            add(f"export:{name}:{args}", label, [name], options, floor)
    if not exports:
        notes.append("exports: no URL named *export* yet")
    add("pdf", "agreement PDF", ["documents:agreement_pdf"], [[agreement]], "pdf")
    # What every logged-in page costs before its own work: session, user, middleware and the
    # base template (the "password changed" page shows nothing else). No floor.
    add("fixed", "fixed cost (empty page)", ["password_change_done"], [[]], None)
    return pages, notes, agreement


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
    """A callable doing the page's floor work, or None with a note."""
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

        return weasyprint_alone, None
    statements = FLOORS[key]

    def run():
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql, params)
                cursor.fetchall()

    return run, None


def measure(runs=20, progress=False, only=None):
    """Measure every existing page; return the results dict."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from agreements.access import party_ids_of
    from agreements.models import Agreement, AgreementParty, Party, Report
    from funding.models import Payment, Share

    names = url_names()
    results = {
        "database": connection.vendor,
        "runs": runs,
        "data": {
            "parties": Party.objects.count(),
            "agreements": Agreement.objects.count(),
            "three_party": AgreementParty.objects.values("agreement")
            .annotate(n=Count("id"))
            .filter(n=3)
            .count(),
            "shares": Share.objects.count(),
            "reports": Report.objects.count(),
            "payments": Payment.objects.count(),
            "users": get_user_model().objects.count(),
        },
        "pages": [],
        "notes": [],
    }

    def bench_page(client, user_label, n_agreements, key, label, url, floor_key, params, agr):
        def fetch():
            return client.get(url)

        # The first fetch warms up and counts the queries.
        with CaptureQueriesContext(connection) as ctx:
            status = fetch().status_code
        # Read now: every later request starts by clearing the query log.
        queries = len(ctx.captured_queries)
        samples = timed(fetch, runs, warm_up=False)
        median, p95 = summary(samples)
        sql_median, _ = summary(sql_times(fetch, runs))
        row = {
            "user": user_label,
            "user_agreements": n_agreements,
            "page": label,
            "url": url,
            "status": status,
            "median_ms": median,
            "p95_ms": p95,
            "queries": queries,
            "sql_median_ms": sql_median,
            "floor_median_ms": None,
            "ratio": None,
        }
        runner, note = floor_runner(floor_key, params, agr) if floor_key else (None, None)
        if runner is not None:
            floor_median, _ = summary(timed(runner, runs))
            row["floor_median_ms"] = floor_median
            if floor_median:
                row["ratio"] = round(median / floor_median, 2)
        if note:
            row["note"] = note
        if status != 200:
            row["note"] = (row.get("note", "") + f" answered {status}").strip()
        results["pages"].append(row)
        if progress:
            print(f"  {user_label}: {label}: {median} ms", file=sys.stderr, flush=True)

    for user_label, user, party, n_agreements in pick_users():
        client = Client()
        client.force_login(user)
        pages, notes, agreement = pages_for(user, party, names)
        if set(party_ids_of(user)) != {party.pk}:
            notes.append("belongs to several organisations: the floors read one, too low")
        results["notes"] += [f"{user_label}: {n}" for n in notes]
        today = date.today()
        params = {
            "user": user.pk,
            "party": party.pk,
            "agreement": agreement,
            "term": "%anhörig%",
            "today": today,
            "until": today + timedelta(days=60),
        }
        for key, label, url, floor_key in pages:
            if only and not any(word in label for word in only):
                continue
            bench_page(
                client, user_label, n_agreements, key, label, url, floor_key, params, agreement
            )

    if only and not any(word in "admin changelist" for word in only):
        return results
    # The page a team would use without this app: the admin's changelist, as a superuser.
    User = get_user_model()
    root = User.objects.filter(is_superuser=True).order_by("pk").first()
    if root is None:
        root = User.objects.create_superuser("bench.admin", "bench@example.se", None)
    client = Client()
    client.force_login(root)
    bench_page(
        client,
        "superuser",
        results["data"]["agreements"],
        "admin",
        "admin changelist",
        "/admin/agreements/agreement/",
        "admin_changelist",
        {},
        None,
    )
    return results


def table(results):
    head = (
        f"{'user':<13} {'page':<34} {'status':>6} {'median':>8} {'p95':>8} "
        f"{'queries':>7} {'sql':>6} {'floor':>8} {'ratio':>6}"
    )
    lines = [head, "-" * len(head)]
    for r in results["pages"]:

        def ms(v):
            return f"{v:.1f}" if v is not None else "–"

        lines.append(
            f"{r['user']:<13} {r['page'][:34]:<34} {r['status']:>6} {ms(r['median_ms']):>8} "
            f"{ms(r['p95_ms']):>8} {r['queries']:>7} {ms(r.get('sql_median_ms')):>6} "
            f"{ms(r['floor_median_ms']):>8} "
            f"{(str(r['ratio']) if r['ratio'] is not None else '–'):>6}"
        )
    data = results["data"]
    lines.append("")
    lines.append(
        f"{results['database']}, {results['runs']} runs per page (ms); data: "
        + ", ".join(f"{v} {k}" for k, v in data.items())
    )
    lines += [f"note: {n}" for n in results["notes"]]
    return "\n".join(lines)


def run(
    runs=20,
    out=ROOT / "build" / "bench" / "results.json",
    stdout=sys.stdout,
    progress=False,
    only=None,
):
    results = measure(runs=runs, progress=progress, only=only)
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
