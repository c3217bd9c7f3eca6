"""Exports of agreements, shares per year and payments (CSV, Excel-CSV, XLSX) and the public
summary of active agreements. Every export reads with a constant number of queries."""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from agreements.models import AgreementParty, AgreementStatus

from . import xlsx
from .models import FundingLine
from .payments import STATUS_LABELS as PAYMENT_LABELS
from .summary import (
    agreement_funding,
    expected_payments,
    flat_lines,
    lines_queryset,
)
from .uplift import STATUS_LABELS as UPLIFT_LABELS

DATASETS = ("agreements", "shares", "payments")
FORMATS = {
    # name: (content type, extension)
    "csv": ("text/csv; charset=utf-8", "csv"),
    "csv-comma": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


def _with_funding(qs):
    return qs.prefetch_related(
        Prefetch("parties", queryset=AgreementParty.objects.select_related("party")),
        Prefetch("funding_lines", queryset=lines_queryset()),
    ).order_by("-period_start", "title", "pk")


@dataclass
class _Data:
    agreements: list
    parties: dict  # agreement id -> [party name, …] in the agreement's order
    lines: dict  # agreement id -> [FlatLine, …] in the agreement's order


AGREEMENT_FIELDS = (
    "id",
    "title",
    "case_number",
    "status",
    "period_start",
    "period_end",
    "notice_months",
)


def _load(agreements_qs, *, with_parties=False, with_payments=False):
    """What an export reads, in a fixed number of flat queries (see flat_lines): the
    agreements and their funding lines, with the parties' names and the payments if asked."""
    selected = agreements_qs.values("pk")
    agreements = list(
        agreements_qs.order_by("-period_start", "title", "pk").values_list(
            *AGREEMENT_FIELDS, named=True
        )
    )
    parties = defaultdict(list)
    if with_parties:
        for agreement_id, name in (
            AgreementParty.objects.filter(agreement__in=selected)
            .order_by("agreement_id", "position", "id")
            .values_list("agreement_id", "party__name")
        ):
            parties[agreement_id].append(name)
    lines = defaultdict(list)
    for line in flat_lines(
        FundingLine.objects.filter(agreement__in=selected), with_payments=with_payments
    ):
        lines[line.agreement_id].append(line)
    return _Data(agreements, parties, lines)


def agreement_rows(data):
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
    statuses = {value: str(label) for value, label in AgreementStatus.choices}
    rows = []
    for a in data.agreements:
        total = sum(figure.amount for item in data.lines[a.id] for figure in item.amounts.values())
        rows.append(
            [
                a.id,
                a.title,
                a.case_number,
                statuses.get(a.status, a.status),
                a.period_start,
                a.period_end,
                a.notice_months,
                ", ".join(data.parties[a.id]),
                total,
            ]
        )
    return header, rows


def share_rows(data):
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
    for a in data.agreements:
        for line in data.lines[a.id]:
            for year in sorted(line.amounts):
                figure = line.amounts[year]
                rows.append(
                    [
                        a.id,
                        a.title,
                        line.party,
                        line.purpose,
                        line.kind,
                        line.budget,
                        year,
                        figure.base,
                        figure.amount,
                        UPLIFT_LABELS[figure.status],
                        figure.explanation if figure.steps else "",
                    ]
                )
    return header, rows


def payment_rows(data, today):
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
    for a in data.agreements:
        for line in data.lines[a.id]:
            if line.plan is None:
                continue
            for e in expected_payments(line.plan, line.amounts, line.paid, today=today):
                rows.append(
                    [
                        a.id,
                        a.title,
                        line.party,
                        line.payee,
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
    if dataset not in DATASETS:
        raise ValueError(dataset)
    data = _load(
        agreements_qs,
        with_parties=dataset == "agreements",
        with_payments=dataset == "payments",
    )
    if dataset == "agreements":
        return agreement_rows(data)
    if dataset == "shares":
        return share_rows(data)
    return payment_rows(data, today)


def to_csv(header, rows, *, excel=True):
    """Semicolon CSV with a BOM for Swedish Excel, or plain comma CSV."""
    buffer = io.StringIO()
    if excel:
        buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=";" if excel else ",", lineterminator="\r\n")
    writer.writerow(header)
    # The csv module writes None as an empty cell and a date as str(), its ISO form.
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def render(dataset, fmt, agreements_qs, *, today):
    """(bytes, content type, filename) of one dataset in one format."""
    header, rows = dataset_rows(dataset, agreements_qs, today=today)
    content_type, extension = FORMATS[fmt]
    if fmt == "xlsx":
        body = xlsx.workbook(header, rows, title=dataset)
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
