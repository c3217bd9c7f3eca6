"""The exported datasets: agreements, shares per year and payments, as a header and rows.

Each dataset reads its data in a fixed number of queries when called, and returns its rows as
a generator, so a writer can stream them without holding the rows of a whole export.
"""

from django.db.models import Sum
from django.utils.translation import gettext as _

from agreements.models import Agreement, AgreementStatus

from ..figures import read_lines
from ..models import FundingLine, Share, ShareKind
from ..payments import STATUS_LABELS as PAYMENT_LABELS
from ..payments import instalments, outstanding
from ..uplift import STATUS_LABELS as UPLIFT_LABELS

DATASETS = ("agreements", "shares", "payments")
AGREEMENT_ORDER = ("-period_start", "title", "pk")
AGREEMENT_FIELDS = (
    "id",
    "title",
    "case_number",
    "status",
    "period_start",
    "period_end",
    "notice_months",
)


def _agreement_totals(agreements_qs):
    """{agreement id: kronor for the period after uplift}: the database sums the shares of
    lines without uplift; an uplifted line is rounded per year, so it is read as a Line."""
    totals = dict(
        Share.objects.filter(line__agreement__in=agreements_qs, line__uplift_series__isnull=True)
        .order_by()
        .values_list("line__agreement_id")
        .annotate(total=Sum("amount"))
    )
    uplifted = FundingLine.objects.filter(agreement__in=agreements_qs, uplift_series__isnull=False)
    for line in read_lines(uplifted):
        totals[line.agreement_id] = totals.get(line.agreement_id, 0) + line.total
    return totals


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
    totals = _agreement_totals(agreements_qs)
    # One row per agreement and party, the parties in the agreement's order. The selection
    # is a subquery, so that no filter on the parties can narrow the parties listed.
    selected = Agreement.objects.filter(pk__in=agreements_qs.values("pk"))
    parties = {}  # agreement values -> [party name], in the list's order
    for *agreement, party in selected.order_by(
        *AGREEMENT_ORDER, "parties__position", "parties__id"
    ).values_list(*AGREEMENT_FIELDS, "parties__party__name"):
        names = parties.setdefault(tuple(agreement), [])
        if party is not None:
            names.append(party)
    # Labels translated now, in the request's language: the rows are generated later.
    statuses = {value: str(label) for value, label in AgreementStatus.choices}

    def rows():
        for (pk, title, case_number, status, start, end, notice), names in parties.items():
            status = statuses.get(status, status)
            yield [pk, title, case_number, status, start, end, notice, ", ".join(names)] + [
                totals.get(pk, 0)
            ]

    return header, rows()


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
    lines = read_lines(FundingLine.objects.filter(agreement__in=agreements_qs))
    kinds = {value: str(label) for value, label in ShareKind.choices}

    def rows():
        for line in lines:
            line_values = [line.agreement_id, line.agreement_title, line.party, line.purpose]
            line_values += [kinds.get(line.kind, line.kind), line.budget]
            for year, figure in line.amounts.items():
                explanation = figure.explanation if figure.steps else ""
                status = UPLIFT_LABELS[figure.status]
                yield line_values + [year, figure.base, figure.amount, status, explanation]

    return header, rows()


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
    with_plan = FundingLine.objects.filter(agreement__in=agreements_qs, payment_plan__isnull=False)
    lines = read_lines(with_plan, paid=True)

    def rows():
        for line in lines:
            start = [line.agreement_id, line.agreement_title, line.party, line.payee]
            for year, figure in line.amounts.items():
                schedule = instalments(
                    line.installments_per_year,
                    line.first_month,
                    line.due_day,
                    year,
                    figure.amount,
                    line.paid.get(year, 0),
                    today,
                )
                for number, due, part, paid, status in schedule:
                    yield (
                        start
                        + [year, f"{number}/{len(schedule)}", due, part, paid]
                        + [
                            outstanding(part, paid),
                            PAYMENT_LABELS[status],
                            line.bankgiro,
                            line.reference,
                        ]
                    )

    return header, rows()


def dataset_rows(dataset, agreements_qs, *, today):
    """(header, rows) of one dataset: read in a fixed number of queries, rows generated."""
    if dataset == "agreements":
        return agreement_rows(agreements_qs)
    if dataset == "shares":
        return share_rows(agreements_qs)
    if dataset == "payments":
        return payment_rows(agreements_qs, today)
    raise ValueError(dataset)
