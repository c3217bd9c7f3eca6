"""Exports of agreements, shares per year and payments (CSV, Excel-CSV, XLSX) and the public
summary of active agreements. Every export reads with a constant number of queries."""

import csv
import io
import re
from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Prefetch, Sum
from django.utils.translation import gettext as _

from agreements.models import Agreement, AgreementParty, AgreementStatus

from . import xlsx
from .figures import index_points
from .models import FundingLine, Payment, Share, ShareKind
from .payments import STATUS_LABELS as PAYMENT_LABELS
from .payments import instalments, outstanding
from .summary import agreement_funding, lines_queryset
from .uplift import FIXED, UpliftRule, uplifted
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


# Each export reads flat rows already in its order (the agreements' as on the list page, then
# the lines' as on the agreement page, then the years'), one query per kind of row: for
# thousands of rows, model instances and grouping in Python cost more than the rows.
AGREEMENT_ORDER = ("-period_start", "title", "pk")
SHARE_ORDER = (
    "-line__agreement__period_start",
    "line__agreement__title",
    "line__agreement_id",
    "line__position",
    "line_id",
    "year",
)
AGREEMENT_FIELDS = (
    "id",
    "title",
    "case_number",
    "status",
    "period_start",
    "period_end",
    "notice_months",
)
UPLIFT_FIELDS = (
    "line__uplift_series_id",
    "line__uplift_first_year",
    "line__uplift_basis",
    "line__uplift_published_month",
)


def _shares(agreements_qs):
    return Share.objects.filter(line__agreement__in=agreements_qs).order_by(*SHARE_ORDER)


def _uplift(series_ids):
    """A function (amount, year, series id, first year, basis, published month) -> YearAmount
    for the lines with an index uplift, their series' values read in one query."""
    points = index_points(series_ids)
    rules = {}

    def figure(amount, year, series, *rule):
        if rule not in rules:
            rules[rule] = UpliftRule(*rule)
        return uplifted(amount, year, rules[rule], points[series])

    return figure


def agreement_rows(agreements_qs):
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
    shares = Share.objects.filter(line__agreement__in=agreements_qs).order_by()
    # A share without uplift counts as it is, summed by the database; an uplifted one is
    # rounded per line and year, so it is read on its own.
    totals = dict(
        shares.filter(line__uplift_series__isnull=True)
        .values_list("line__agreement_id")
        .annotate(total=Sum("amount"))
    )
    uplifted_rows = list(
        shares.filter(line__uplift_series__isnull=False).values_list(
            "line__agreement_id", "amount", "year", *UPLIFT_FIELDS
        )
    )
    figure = _uplift({row[3] for row in uplifted_rows})
    for agreement_id, amount, year, series, first_year, *rule in uplifted_rows:
        amount = figure(amount, year, series, first_year, *rule).amount
        totals[agreement_id] = totals.get(agreement_id, 0) + amount
    statuses = {value: str(label) for value, label in AgreementStatus.choices}
    rows = []
    last = None
    # One row per agreement and party, the parties in the agreement's order. The selection
    # is a subquery, so that no filter on the parties can narrow the parties listed.
    selected = Agreement.objects.filter(pk__in=agreements_qs.values("pk"))
    for *agreement, party in selected.order_by(
        *AGREEMENT_ORDER, "parties__position", "parties__id"
    ).values_list(*AGREEMENT_FIELDS, "parties__party__name"):
        if last is not None and last[0] == agreement[0]:
            last[7].append(party)
            continue
        pk, title, case_number, status, start, end, notice = agreement
        last = [
            pk,
            title,
            case_number,
            statuses.get(status, status),
            start,
            end,
            notice,
            [] if party is None else [party],
            totals.get(pk, 0),
        ]
        rows.append(last)
    for row in rows:
        row[7] = ", ".join(row[7])
    return header, rows


def share_rows(agreements_qs):
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
    shares = list(
        _shares(agreements_qs).values_list(
            "line__agreement_id",
            "line__agreement__title",
            "line__party__name",
            "line__purpose",
            "line__kind",
            "line__budget",
            "year",
            "amount",
            *UPLIFT_FIELDS,
        )
    )
    figure = _uplift({row[8] for row in shares if row[8] is not None})
    kinds = {value: str(label) for value, label in ShareKind.choices}
    fixed = UPLIFT_LABELS[FIXED]
    rows = []
    for pk, title, party, purpose, kind, budget, year, amount, series, first_year, *rule in shares:
        if series is None:
            # What uplifted() gives a line without uplift, without building it: the base, fixed.
            base, after, status, explanation = amount, amount, fixed, ""
        else:
            uplifted_year = figure(amount, year, series, first_year, *rule)
            base, after = uplifted_year.base, uplifted_year.amount
            status = UPLIFT_LABELS[uplifted_year.status]
            explanation = uplifted_year.explanation if uplifted_year.steps else ""
        rows.append(
            (
                pk,
                title,
                party,
                purpose,
                kinds.get(kind, kind),
                budget,
                year,
                base,
                after,
                status,
                explanation,
            )
        )
    return header, rows


def payment_rows(agreements_qs, today):
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
    # The lines with a plan, then their shares: joined in one query, the tables are more than
    # PostgreSQL reorders (join_collapse_limit) and it would join every share before the
    # access check.
    lines = (
        FundingLine.objects.filter(agreement__in=agreements_qs, payment_plan__isnull=False)
        .order_by("-agreement__period_start", "agreement__title", "agreement_id", "position", "id")
        .values_list(
            "id",
            "agreement_id",
            "agreement__title",
            "party__name",
            "payment_plan__payee__name",
            "payment_plan__installments_per_year",
            "payment_plan__first_month",
            "payment_plan__due_day",
            "payment_plan__bankgiro",
            "payment_plan__reference",
            "uplift_series_id",
            "uplift_first_year",
            "uplift_basis",
            "uplift_published_month",
        )
    )
    shares = defaultdict(list)
    for line_id, year, amount in (
        Share.objects.filter(line__agreement__in=agreements_qs)
        .order_by("line_id", "year")
        .values_list("line_id", "year", "amount")
    ):
        shares[line_id].append((year, amount))
    paid = {
        (line_id, year): total
        for line_id, year, total in Payment.objects.filter(line__agreement__in=agreements_qs)
        .order_by()
        .values_list("line_id", "year")
        .annotate(total=Sum("amount"))
    }
    lines = list(lines)
    figure = _uplift({line[10] for line in lines if line[10] is not None})
    labels = PAYMENT_LABELS
    instalment_names = {}  # count -> {number: "2/4"}, the second of four instalments
    rows = []
    for (
        line_id,
        pk,
        title,
        party,
        payee,
        per_year,
        first_month,
        due_day,
        bankgiro,
        reference,
        series,
        first_year,
        *rule,
    ) in lines:
        payee = payee or ""
        for year, amount in shares[line_id]:
            if series is not None:
                amount = figure(amount, year, series, first_year, *rule).amount
            schedule = instalments(
                per_year, first_month, due_day, year, amount, paid.get((line_id, year), 0), today
            )
            count = len(schedule)
            names = instalment_names.get(count) or instalment_names.setdefault(
                count, {number: f"{number}/{count}" for number in range(1, count + 1)}
            )
            for number, due, part, paid_part, status in schedule:
                rows.append(
                    (
                        pk,
                        title,
                        party,
                        payee,
                        year,
                        names[number],
                        due,
                        part,
                        paid_part,
                        outstanding(part, paid_part),
                        labels[status],
                        bankgiro,
                        reference,
                    )
                )
    return header, rows


def dataset_rows(dataset, agreements_qs, *, today):
    """(header, rows) of one dataset, read in a fixed number of queries."""
    if dataset == "agreements":
        return agreement_rows(agreements_qs)
    if dataset == "shares":
        return share_rows(agreements_qs)
    if dataset == "payments":
        return payment_rows(agreements_qs, today)
    raise ValueError(dataset)


def to_csv(header, rows, *, excel=True):
    """Semicolon CSV with a BOM for Swedish Excel, or plain comma CSV."""
    delimiter = ";" if excel else ","
    buffer = io.StringIO()
    if excel:
        buffer.write("\ufeff")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    rows = list(rows)
    if len({len(row) for row in rows}) == 1 and len(rows[0]) > 1:
        buffer.write(_csv_body(rows, delimiter))
    else:
        # The csv module writes None as an empty cell and a date as str(), its ISO form.
        writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _csv_body(rows, delimiter):
    """The lines to_csv's csv.writer would write for rows of one length (two cells or more),
    built column by column: checking every cell for characters to quote, as the csv module
    does, takes longer than the rest of an export."""
    special = re.compile(f'[{re.escape(delimiter)}"\r\n]')

    def field(value):
        if value is None:
            return ""
        text = str(value)
        if special.search(text):
            return '"' + text.replace('"', '""') + '"'
        return text

    columns = []
    for values in zip(*rows, strict=True):
        kinds = set(map(type, values))
        if kinds == {str}:
            texts = values
        elif kinds == {date}:
            # A date column repeats a few hundred days; each is formatted once.
            days = {day: day.isoformat() for day in set(values)}
            texts = list(map(days.__getitem__, values))
        elif kinds <= {int, Decimal}:
            texts = list(map(str, values))
        else:
            texts = list(map(field, values))
        # Numbers and dates never need quotes; texts only if one of them does.
        if kinds == {str} and special.search("".join(texts)):
            texts = list(map(field, values))
        columns.append(texts)
    return "\r\n".join(map(delimiter.join, zip(*columns, strict=True))) + "\r\n"


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
