"""An organisation's funding: what it pays and receives per year across its agreements.

The totals come from the database: it sums the shares of the lines without index uplift per
budget (or payer) and year; the few lines with uplift are read and uplifted here
(figures.read_lines) and added. Only the rows shown are read in full.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Case, Count, F, Q, Sum, Value, When, Window
from django.db.models.functions import Coalesce, NullIf, RowNumber
from django.utils.translation import gettext as _

from ..charts import stacked_bars
from ..figures import LINE_ORDER, read_lines
from ..models import FundingLine, Share
from .agreement import sum_columns

# Rows shown per budget or payer on the overview when there are few groups; with many, only
# each group's totals. The rest is one click away, page by page.
ROWS_PER_GROUP = 10
GROUPS_WITH_ROWS = 5
# Budgets or payers shown on the overview; all of them are one click away, page by page.
GROUPS_SHOWN = 20
SIDES = ("pays", "receives")


@dataclass
class BudgetGroup:
    label: str
    count: int  # the group's lines
    totals: list
    total: int
    rows: list = field(default_factory=list)  # those shown: (AgreementRow, Line, [amount], total)
    pending: int = 0  # lines whose amount is not yet known: the totals are incomplete


@dataclass
class OrganisationFunding:
    party: object
    years: list
    pays: list  # BudgetGroup by budget
    pays_totals: list
    pays_total: int
    receives: list  # BudgetGroup by paying organisation
    receives_totals: list
    receives_total: int
    forecast_years: list
    example_sources: list
    chart: object

    @property
    def pays_pending(self):
        return sum(g.pending for g in self.pays)

    @property
    def receives_pending(self):
        return sum(g.pending for g in self.receives)


@dataclass(slots=True)
class AgreementRow:
    """What the organisation overview shows of an agreement."""

    pk: int
    title: str
    period_start: object
    period_end: object


def side_lines(party, agreements, side):
    """The funding lines of the agreements that the party pays (side "pays") or receives
    ("receives")."""
    lines = FundingLine.objects.filter(agreement__in=agreements.values("pk"))
    if side == "pays":
        return lines.filter(party=party)
    return lines.filter(receiver=party)


def group_label(side, prefix=""):
    """The expression of a line's group: its budget (pays) or its paying party's name."""
    if side == "receives":
        return F(f"{prefix}party__name")
    return Coalesce(NullIf(F(f"{prefix}budget"), Value("")), Value(_("Ingen budget angiven")))


def group_lines(party, agreements, side, label):
    """The ids of one group's lines, in the overview's order (figures.LINE_ORDER)."""
    return (
        side_lines(party, agreements, side)
        .alias(label=group_label(side))
        .filter(label=label)
        .order_by(*LINE_ORDER)
        .values_list("pk", flat=True)
    )


def line_rows(ids, years):
    """[(AgreementRow, Line, [amount per year], total)] of the lines with these ids, in order."""
    by_id = {line.pk: line for line in read_lines(FundingLine.objects.filter(pk__in=ids))}
    return [_row(by_id[pk], years) for pk in ids]


def _row(line, years):
    amounts = [line.amounts[year].amount if year in line.amounts else 0 for year in years]
    agreement = AgreementRow(
        line.agreement_id, line.agreement_title, line.agreement_start, line.agreement_end
    )
    return (agreement, line, amounts, sum(amounts))


class _Side:
    """What is read of one side: each group's number of lines (and of those whose amount is
    not yet known), the lines with uplift, the ids of each group's first lines when there are
    few groups (first of them), and the database's totals of the others per group and year."""

    def __init__(self, lines, side, first):
        label = group_label(side)
        unknown = Case(When(amount_pending=True, then=1), default=0)
        self.counts, self.pending, self.first = {}, {}, defaultdict(list)
        for name, count, pending in (
            lines.values(label=label)
            .annotate(count=Count("pk"), pending=Sum(unknown))
            .values_list("label", "count", "pending")
            .order_by()
        ):
            self.counts[name] = count
            # Lines whose amount is not yet known count in no total; their groups say so.
            self.pending[name] = pending
        # Each group's first rows are read only where they are shown (few groups), with the
        # lines with uplift, whose amounts are computed here.
        self.uplifted = {}
        shown = first if len(self.counts) <= GROUPS_WITH_ROWS else 0
        read = lines.filter(uplift_series__isnull=False).annotate(label=label, rank=Value(0))
        if shown:
            read = lines.annotate(
                label=label, rank=Window(RowNumber(), partition_by=label, order_by=LINE_ORDER)
            ).filter(Q(rank__lte=shown) | Q(uplift_series__isnull=False))
        for pk, name, rank, series in read.values_list("pk", "label", "rank", "uplift_series_id"):
            if 0 < rank <= shown:
                self.first[name].append((rank, pk))
            if series is not None:
                self.uplifted[pk] = name
        self.sums = list(
            Share.objects.filter(line__in=lines.filter(uplift_series__isnull=True).values("pk"))
            .values_list(group_label(side, "line__"), "year")
            .annotate(total=Coalesce(Sum("amount"), 0))
            .order_by()
        )

    def shown_ids(self):
        """The ids of the rows shown, each group's in the overview's order."""
        return [pk for ranked in self.first.values() for _rank, pk in sorted(ranked)]

    def groups(self, lines, years):
        """[BudgetGroup] in label order, with their shown rows."""
        totals = defaultdict(lambda: defaultdict(int))  # label -> year -> kronor
        for name, year, amount in self.sums:
            totals[name][year] += amount
        for pk, name in self.uplifted.items():
            for year, figure in lines[pk].amounts.items():
                totals[name][year] += figure.amount
        shown = set(self.shown_ids())
        result = []
        for name in sorted(self.counts):
            row = [totals[name][year] for year in years]
            rows = [_row(lines[pk], years) for _rank, pk in sorted(self.first[name]) if pk in shown]
            group = BudgetGroup(name, self.counts[name], row, sum(row), rows)
            group.pending = self.pending.get(name, 0)
            result.append(group)
        return result


def _forecasts_and_examples(lines):
    """The years with a forecast amount, and the sources of example index values used."""
    forecast_years, sources = set(), []
    for line in lines:
        for figure in line.amounts.values():
            if figure.is_forecast:
                forecast_years.add(figure.year)
            for source in figure.example_sources:
                if source not in sources:
                    sources.append(source)
    return sorted(forecast_years), sources


def organisation_funding(party, agreements, *, rows=True):
    """What an organisation pays and receives per year across its agreements, by budget and
    by payer, with the first rows of each group when there are few groups (rows=False: none).
    agreements: the organisation's agreements the reader sees
    (access.agreements_of_own_organisation)."""
    first = ROWS_PER_GROUP if rows else 0
    sides = {side: _Side(side_lines(party, agreements, side), side, first) for side in SIDES}
    ids = {pk for s in sides.values() for pk in [*s.uplifted, *s.shown_ids()]}
    lines = {line.pk: line for line in read_lines(FundingLine.objects.filter(pk__in=ids))}
    uplifted = [lines[pk] for s in sides.values() for pk in s.uplifted]
    years = sorted(
        {year for s in sides.values() for _name, year, _amount in s.sums}
        | {year for line in uplifted for year in line.amounts}
    )
    pays = sides["pays"].groups(lines, years)
    receives = sides["receives"].groups(lines, years)
    pays_totals = sum_columns([g.totals for g in pays], len(years))
    receives_totals = sum_columns([g.totals for g in receives], len(years))
    chart = stacked_bars(
        years,
        [
            (_("Betalar"), dict(zip(years, pays_totals, strict=True))),
            (_("Tar emot"), dict(zip(years, receives_totals, strict=True))),
        ],
        stacked=False,
    )
    forecast_years, sources = _forecasts_and_examples(uplifted)
    return OrganisationFunding(
        party=party,
        years=years,
        pays=pays,
        pays_totals=pays_totals,
        pays_total=sum(pays_totals),
        receives=receives,
        receives_totals=receives_totals,
        receives_total=sum(receives_totals),
        forecast_years=forecast_years,
        example_sources=sources,
        chart=chart,
    )
