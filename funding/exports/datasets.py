"""The exported datasets: agreements, shares per year and payments, as a header and rows.

Each dataset returns its rows as a generator that reads the selected agreements a chunk at a
time, in the list's order: a fixed number of queries per chunk, and a writer streaming the
rows holds one chunk's data, never a whole export's.
"""

from itertools import islice

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
# Agreements read at a time: enough to keep the queries few, few enough to hold at once.
CHUNK_SIZE = 1000
AGREEMENT_FIELDS = (
    "id",
    "title",
    "case_number",
    "status",
    "period_start",
    "period_end",
    "notice_months",
)


def agreement_chunks(agreements_qs):
    """Lists of the selected agreements' ids, CHUNK_SIZE at a time, in the list's order
    (AGREEMENT_ORDER, which LINE_ORDER begins with): the ids are read in one query, a chunk
    at a time as the chunks are used."""
    selected = Agreement.objects.filter(pk__in=agreements_qs.values("pk"))
    ids = selected.order_by(*AGREEMENT_ORDER).values_list("pk", flat=True)
    ids = ids.iterator(chunk_size=CHUNK_SIZE)
    while chunk := list(islice(ids, CHUNK_SIZE)):
        yield chunk


def _agreement_totals(agreement_ids):
    """{agreement id: kronor for the period after uplift}: the database sums the shares of
    lines without uplift; an uplifted line is rounded per year, so it is read as a Line."""
    totals = dict(
        Share.objects.filter(line__agreement__in=agreement_ids, line__uplift_series__isnull=True)
        .order_by()
        .values_list("line__agreement_id")
        .annotate(total=Sum("amount"))
    )
    uplifted = FundingLine.objects.filter(agreement__in=agreement_ids, uplift_series__isnull=False)
    for line in read_lines(uplifted, by_ids=True):
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
    # Labels translated now, in the request's language: the rows are generated later.
    statuses = {value: str(label) for value, label in AgreementStatus.choices}

    def rows():
        for chunk in agreement_chunks(agreements_qs):
            totals = _agreement_totals(chunk)
            for agreement, names in _with_parties(chunk).items():
                pk, title, case_number, status, start, end, notice = agreement
                status = statuses.get(status, status)
                yield [pk, title, case_number, status, start, end, notice, ", ".join(names)] + [
                    totals.get(pk, 0)
                ]

    return header, rows()


def _with_parties(agreement_ids):
    """{agreement values: [party name]} in the list's order, the parties in the agreement's:
    every party, whatever filter selected the agreements."""
    parties = {}
    for *agreement, party in (
        Agreement.objects.filter(pk__in=agreement_ids)
        .order_by(*AGREEMENT_ORDER, "parties__position", "parties__id")
        .values_list(*AGREEMENT_FIELDS, "parties__party__name")
    ):
        names = parties.setdefault(tuple(agreement), [])
        if party is not None:
            names.append(party)
    return parties


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
    kinds = {value: str(label) for value, label in ShareKind.choices}

    def rows():
        for line in _lines(agreements_qs):
            line_values = [line.agreement_id, line.agreement_title, line.party, line.purpose]
            line_values += [kinds.get(line.kind, line.kind), line.budget]
            for year, figure in line.amounts.items():
                explanation = figure.explanation if figure.steps else ""
                status = _(UPLIFT_LABELS[figure.status])
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

    def rows():
        for line in _lines(agreements_qs, payment_plan__isnull=False, paid=True):
            start = [line.agreement_id, line.agreement_title, line.party, line.receiver]
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
                            _(PAYMENT_LABELS[status]),
                            line.bankgiro,
                            line.reference,
                        ]
                    )

    return header, rows()


def _lines(agreements_qs, paid=False, **filters):
    """The funding lines (Line) of the selected agreements that match filters, in LINE_ORDER,
    read a chunk of agreements at a time."""
    for chunk in agreement_chunks(agreements_qs):
        lines = FundingLine.objects.filter(agreement__in=chunk, **filters)
        yield from read_lines(lines, paid=paid, by_ids=True)


def dataset_rows(dataset, agreements_qs, *, today):
    """(header, rows) of one dataset: the rows generated as they are read, chunk by chunk."""
    if dataset == "agreements":
        return agreement_rows(agreements_qs)
    if dataset == "shares":
        return share_rows(agreements_qs)
    if dataset == "payments":
        return payment_rows(agreements_qs, today)
    raise ValueError(dataset)
