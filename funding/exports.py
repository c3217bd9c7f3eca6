"""Exports of agreements, shares per year and payments (CSV, Excel-CSV, XLSX) and the public
summary of active agreements. Every export reads with a constant number of queries."""

import csv
import io
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils.translation import gettext as _
from openpyxl import Workbook

from agreements.calendar import add_months
from agreements.models import AgreementParty, AgreementStatus

from .payments import STATUS_LABELS as PAYMENT_LABELS
from .summary import agreement_funding, line_expected_payments, line_year_amounts, lines_queryset
from .uplift import STATUS_LABELS as UPLIFT_LABELS

DATASETS = ("agreements", "shares", "payments")
FORMATS = {
    # name: (content type, extension)
    "csv": ("text/csv; charset=utf-8", "csv"),
    "csv-comma": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


def filter_agreements(qs, params, *, today):
    """Apply the list page's GET filters: status, party (id), year (period covers it),
    q (title, case number or a party's name) and ending_within (months from today)."""
    status = params.get("status", "").strip()
    if status in AgreementStatus.values:
        qs = qs.filter(status=status)
    party = params.get("party", "").strip()
    if party.isdigit():
        qs = qs.filter(
            Exists(AgreementParty.objects.filter(agreement=OuterRef("pk"), party_id=int(party)))
        )
    year = params.get("year", "").strip()
    if year.isdigit() and len(year) == 4:
        qs = qs.filter(period_start__year__lte=int(year), period_end__year__gte=int(year))
    q = params.get("q", "").strip()
    if q:
        named = AgreementParty.objects.filter(agreement=OuterRef("pk"), party__name__icontains=q)
        qs = qs.filter(Q(title__icontains=q) | Q(case_number__icontains=q) | Exists(named))
    within = params.get("ending_within", "").strip()
    if within.isdigit():
        until = add_months(today, int(within))
        qs = qs.filter(period_end__gte=today, period_end__lte=until).exclude(
            status__in=[AgreementStatus.ENDED, AgreementStatus.TERMINATED]
        )
    return qs


def _with_funding(qs):
    return qs.prefetch_related(
        Prefetch("parties", queryset=AgreementParty.objects.select_related("party")),
        Prefetch("funding_lines", queryset=lines_queryset()),
    ).order_by("-period_start", "title", "pk")


def agreement_rows(agreements):
    header = [
        _("Id"),
        _("Titel"),
        _("Diarienummer"),
        _("Status"),
        _("Gäller från"),
        _("Gäller till och med"),
        _("Uppsägningstid (månader)"),
        _("Parter"),
        _("Summa för perioden (kr)"),
    ]
    rows = []
    for a in agreements:
        funding = agreement_funding(a, lines=list(a.funding_lines.all()))
        rows.append(
            [
                a.pk,
                a.title,
                a.case_number,
                a.get_status_display(),
                a.period_start,
                a.period_end,
                a.notice_months,
                ", ".join(ap.party.name for ap in a.parties.all()),
                funding.total,
            ]
        )
    return header, rows


def share_rows(agreements):
    header = [
        _("Överenskommelse id"),
        _("Överenskommelse"),
        _("Part"),
        _("Ändamål"),
        _("Form"),
        _("Budget"),
        _("År"),
        _("Grundbelopp (kr)"),
        _("Belopp efter uppräkning (kr)"),
        _("Status"),
        _("Förklaring"),
    ]
    rows = []
    for a in agreements:
        for line in a.funding_lines.all():
            amounts = line_year_amounts(line)
            for year in sorted(amounts):
                figure = amounts[year]
                rows.append(
                    [
                        a.pk,
                        a.title,
                        line.party.name,
                        line.purpose,
                        line.get_kind_display(),
                        line.budget,
                        year,
                        figure.base,
                        figure.amount,
                        UPLIFT_LABELS[figure.status],
                        figure.explanation if figure.steps else "",
                    ]
                )
    return header, rows


def payment_rows(agreements, today):
    header = [
        _("Överenskommelse id"),
        _("Överenskommelse"),
        _("Betalare"),
        _("Mottagare"),
        _("År"),
        _("Delbetalning"),
        _("Förfallodag"),
        _("Belopp (kr)"),
        _("Betalt (kr)"),
        _("Kvar (kr)"),
        _("Status"),
        _("Bankgiro"),
        _("Referens"),
    ]
    rows = []
    for a in agreements:
        for line in a.funding_lines.all():
            for e in line_expected_payments(line, today=today):
                rows.append(
                    [
                        a.pk,
                        a.title,
                        line.party.name,
                        line.payment_plan.payee.name,
                        e.year,
                        f"{e.installment}/{e.installments}",
                        e.due_date,
                        e.amount,
                        e.paid,
                        e.outstanding,
                        PAYMENT_LABELS[e.status],
                        e.bankgiro,
                        e.reference,
                    ]
                )
    return header, rows


def dataset_rows(dataset, agreements_qs, *, today):
    agreements = list(_with_funding(agreements_qs))
    if dataset == "agreements":
        return agreement_rows(agreements)
    if dataset == "shares":
        return share_rows(agreements)
    if dataset == "payments":
        return payment_rows(agreements, today)
    raise ValueError(dataset)


def _cell(value):
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else value


def to_csv(header, rows, *, excel=True):
    """Semicolon CSV with a BOM for Swedish Excel, or plain comma CSV."""
    buffer = io.StringIO()
    if excel:
        buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";" if excel else ",", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def to_xlsx(header, rows, *, title):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(header)
    for row in rows:
        sheet.append(["" if v is None else v for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render(dataset, fmt, agreements_qs, *, today):
    """(bytes, content type, filename) of one dataset in one format."""
    header, rows = dataset_rows(dataset, agreements_qs, today=today)
    content_type, extension = FORMATS[fmt]
    if fmt == "xlsx":
        body = to_xlsx(header, rows, title=dataset)
    else:
        body = to_csv(header, rows, excel=fmt == "csv")
    return body, content_type, f"iop-{dataset}-{today.isoformat()}.{extension}"


def public_summary(agreements_qs, *, today):
    """Active agreements: parties, period and yearly amounts. Organisations only, no people."""
    agreements = _with_funding(agreements_qs.filter(status=AgreementStatus.ACTIVE))
    result = []
    for a in agreements:
        funding = agreement_funding(a, lines=list(a.funding_lines.all()))
        years = []
        for i, year in enumerate(funding.years):
            statuses = {
                lf.cells[i].status for g in funding.parties for lf in g.lines if lf.cells[i]
            }
            years.append(
                {
                    "year": year,
                    "total": funding.totals[i],
                    "cash": funding.cash_totals[i],
                    "in_kind": funding.in_kind_totals[i],
                    "forecast": "forecast" in statuses,
                    "by_party": [
                        {"party": g.party.name, "amount": g.totals[i]} for g in funding.parties
                    ],
                }
            )
        result.append(
            {
                "id": a.pk,
                "title": a.title,
                "case_number": a.case_number,
                "period_start": a.period_start.isoformat(),
                "period_end": a.period_end.isoformat(),
                "parties": [
                    {
                        "name": ap.party.name,
                        "org_number": ap.party.org_number,
                        "role": ap.role,
                    }
                    for ap in a.parties.all()
                ],
                "years": years,
                "index_examples": funding.example_sources,
            }
        )
    return {"generated_on": today.isoformat(), "currency": "SEK", "agreements": result}


def public_csv(summary):
    header = [
        "agreement_id",
        "title",
        "period_start",
        "period_end",
        "parties",
        "year",
        "party",
        "amount_sek",
        "forecast",
        "index_note",
    ]
    rows = []
    for a in summary["agreements"]:
        parties = ", ".join(p["name"] for p in a["parties"])
        note = "; ".join(a["index_examples"])
        for y in a["years"]:
            for p in y["by_party"]:
                rows.append(
                    [
                        a["id"],
                        a["title"],
                        a["period_start"],
                        a["period_end"],
                        parties,
                        y["year"],
                        p["party"],
                        p["amount"],
                        "ja" if y["forecast"] else "nej",
                        note,
                    ]
                )
    return to_csv(header, rows, excel=True)
