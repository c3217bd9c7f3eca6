"""One reading of a funding line: its values, its amounts per year after uplift, what was paid.

The organisation overview, the due items, the exports and the documents read funding lines
through this module: one value row (Line), one field list (LINE_FIELDS) and one function
applying the uplift (year_amounts). read_lines reads a queryset of lines in a fixed number of
queries, whatever the number of lines.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Sum

from . import payments as pay
from .models import FundingLine, IndexValue, Payment, Share, ShareKind
from .uplift import IndexPoint, UpliftRule, uplifted

# The order of the agreement list (newest period first), then each agreement's lines in their
# order: the overview and the exports show lines in this order.
LINE_ORDER = ("-agreement__period_start", "agreement__title", "agreement_id", "position", "id")


@dataclass(slots=True)
class Line:
    """A funding line read as plain values, with its amounts per year after uplift."""

    pk: int
    agreement_id: int
    agreement_title: str
    agreement_start: object
    agreement_end: object
    party_id: int
    party: str  # the paying party's name
    receiver_id: int | None
    receiver_name: str | None
    kind: str
    purpose: str
    budget: str
    uplift_series_id: int | None
    uplift_first_year: int | None
    uplift_basis: str
    uplift_published_month: int | None
    plan_id: int | None
    installments_per_year: int | None
    first_month: int | None
    due_day: int | None
    bankgiro: str | None
    reference: str | None
    amount_pending: bool
    amounts: dict = field(default_factory=dict)  # {year: YearAmount}, in year order
    paid: dict = field(default_factory=dict)  # {year: kronor}, when read with paid=True

    @property
    def has_uplift(self):
        return self.uplift_series_id is not None

    @property
    def receiver(self):
        return self.receiver_name or ""

    @property
    def plan(self):
        if self.plan_id is None:
            return None
        return pay.Plan(
            self.installments_per_year,
            self.first_month,
            self.due_day,
            self.bankgiro,
            self.reference,
        )

    @property
    def total(self):
        return sum(figure.amount for figure in self.amounts.values())

    def get_kind_display(self):
        return ShareKind(self.kind).label


# The fields a Line is read from, in the order of its own.
LINE_FIELDS = (
    "id",
    "agreement_id",
    "agreement__title",
    "agreement__period_start",
    "agreement__period_end",
    "party_id",
    "party__name",
    "receiver_id",
    "receiver__name",
    "kind",
    "purpose",
    "budget",
    "uplift_series_id",
    "uplift_first_year",
    "uplift_basis",
    "uplift_published_month",
    "payment_plan__id",
    "payment_plan__installments_per_year",
    "payment_plan__first_month",
    "payment_plan__due_day",
    "payment_plan__bankgiro",
    "payment_plan__reference",
    "amount_pending",
)


def uplift_rule(line):
    """The UpliftRule of a line (a FundingLine or a Line), or None without uplift."""
    if not line.has_uplift:
        return None
    return UpliftRule(
        first_year=line.uplift_first_year,
        basis=line.uplift_basis,
        published_month=line.uplift_published_month,
    )


def year_amounts(shares, rule, points):
    """{year: YearAmount} of a line's shares [(year, base amount)] under its rule (or None)
    and its series' index points."""
    return {year: uplifted(amount, year, rule, points) for year, amount in shares}


def index_points(series_ids):
    """{series id: [IndexPoint, …]} of the given index series, in one query."""
    points = defaultdict(list)
    if not series_ids:
        return points
    for series_id, *point in (
        IndexValue.objects.filter(series_id__in=series_ids)
        .order_by("series_id", "year", "status")
        .values_list("series_id", "year", "percent", "status", "published_on", "source")
    ):
        points[series_id].append(IndexPoint(*point))
    return points


def read_lines(lines_qs, *, until_year=None, paid=False, by_ids=False):
    """[Line] of a queryset of funding lines in LINE_ORDER, with their amounts after uplift
    and, with paid=True, what was paid per year: at most four queries.

    With until_year, only the years up to it (a year's figures and payments never depend on
    a later year's). With by_ids, the shares and payments are looked up by the ids of the
    lines read, for a few lines (a chunk of an export): the database then finds them by index
    however large its tables, where for a subquery it may read the tables whole.
    """
    lines = [Line(*row) for row in lines_qs.order_by(*LINE_ORDER).values_list(*LINE_FIELDS)]
    if not lines:
        return lines
    selected = [line.pk for line in lines] if by_ids else lines_qs.values("pk")
    shares = Share.objects.filter(line__in=selected)
    if until_year is not None:
        shares = shares.filter(year__lte=until_year)
    by_line = defaultdict(list)
    for line_id, year, amount in shares.order_by("line_id", "year").values_list(
        "line_id", "year", "amount"
    ):
        by_line[line_id].append((year, amount))
    points = index_points({line.uplift_series_id for line in lines if line.has_uplift})
    for line in lines:
        rule = uplift_rule(line)
        series_points = points[line.uplift_series_id] if rule is not None else []
        line.amounts = year_amounts(by_line[line.pk], rule, series_points)
    if paid:
        _read_paid(lines, selected, until_year)
    return lines


def _read_paid(lines, selected, until_year):
    payments = Payment.objects.filter(line__in=selected)
    if until_year is not None:
        payments = payments.filter(year__lte=until_year)
    totals = defaultdict(dict)
    for line_id, year, total in (
        payments.order_by().values_list("line_id", "year").annotate(total=Sum("amount"))
    ):
        totals[line_id][year] = total
    for line in lines:
        line.paid = totals[line.pk]


def expected_payments(plan, amounts, paid, *, today):
    """A plan's payments per year ({year: YearAmount}) reconciled against {year: paid}."""
    result = []
    for year in sorted(amounts):
        figure = amounts[year]
        result += pay.reconciled_for_year(
            plan, year, figure.amount, paid.get(year, 0), today, figure.status
        )
    return result


def line_instances():
    """Funding lines as model instances with their party, receiver, index series and plan, and
    their shares prefetched: for pages and documents that show a few lines in full."""
    return FundingLine.objects.select_related(
        "party", "receiver", "uplift_series", "payment_plan"
    ).prefetch_related("shares")


def base_by_year(lines):
    """{year: agreed amount before uplift} summed over funding line instances' shares."""
    totals = defaultdict(int)
    for line in lines:
        for share in line.shares.all():
            totals[share.year] += share.amount
    return dict(totals)
