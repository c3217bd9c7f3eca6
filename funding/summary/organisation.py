"""An organisation's funding: what it pays and receives per year across its agreements.

The totals come from the database: it sums the shares of the lines without index uplift per
budget (or payer) and year; the few lines with uplift are read and uplifted here
(figures.read_lines) and added. The overview shows each budget's (or payer's) totals; a
group's lines are read in full only on its own page, page by page (group_lines, line_rows).
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Case, Count, F, Q, Sum, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from ..charts import stacked_bars
from ..figures import LINE_ORDER, read_lines
from ..models import FundingLine, Share
from .agreement import sum_columns

# Budgets or payers shown on the overview, each with its totals; all of them, and each one's
# lines, are one click away, page by page.
GROUPS_SHOWN = 20
# Each side: the line's field naming the organisation (it pays the line, or receives it), and
# the field its group is read from (the budget as written, "" for none; or the payer's id: two
# payers of the same name are two groups). The queries and the lines read here both use it.
SIDE_FIELDS = {"pays": ("party", "budget"), "receives": ("receiver", "party_id")}
SIDES = tuple(SIDE_FIELDS)


@dataclass
class BudgetGroup:
    key: object  # what the group's page is asked for by: the budget ("" for none), the payer's id
    label: str
    count: int  # the group's lines
    totals: list
    total: int
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


def _of_side(party, agreements, side, prefix=""):
    """The condition on a funding line (reached through prefix) of the agreements that the
    party pays (side "pays") or receives ("receives")."""
    who = SIDE_FIELDS[side][0]
    return Q(**{f"{prefix}agreement__in": agreements.values("pk"), f"{prefix}{who}": party})


def side_lines(party, agreements, side):
    """The funding lines of the agreements that the party pays (side "pays") or receives
    ("receives")."""
    return FundingLine.objects.filter(_of_side(party, agreements, side))


def group_key(side, prefix=""):
    """The expression of a line's group (SIDE_FIELDS)."""
    return F(f"{prefix}{SIDE_FIELDS[side][1]}")


def group_lines(party, agreements, side, key):
    """The ids of one group's lines (key: BudgetGroup.key), in the overview's order
    (figures.LINE_ORDER)."""
    return (
        side_lines(party, agreements, side)
        .alias(key=group_key(side))
        .filter(key=key)
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
    not yet known) and the database's totals per group and year of the lines without
    uplift."""

    def __init__(self, party, agreements, side):
        self.party, self.side = party, side
        lines = side_lines(party, agreements, side)
        key = group_key(side)
        label = F("party__name") if side == "receives" else key
        unknown = Case(When(amount_pending=True, then=1), default=0)
        self.labels, self.counts, self.pending = {}, {}, {}
        for group, name, count, pending in (
            lines.values(key=key, label=label)
            .annotate(count=Count("pk"), pending=Sum(unknown))
            .values_list("key", "label", "count", "pending")
            .order_by()
        ):
            self.labels[group] = name or _("Ingen budget angiven")
            self.counts[group] = count
            # Lines whose amount is not yet known count in no total; their groups say so.
            self.pending[group] = pending
        # The shares through their lines in one join, not as the shares of a subquery's lines.
        self.sums = list(
            Share.objects.filter(
                _of_side(party, agreements, side, "line__"), line__uplift_series__isnull=True
            )
            .values_list(group_key(side, "line__"), "year")
            .annotate(total=Coalesce(Sum("amount"), 0))
            .order_by()
        )

    def key_of(self, line):
        """The group of a figures.Line on this side (SIDE_FIELDS), None if it is not on it."""
        who, key = SIDE_FIELDS[self.side]
        return getattr(line, key) if getattr(line, f"{who}_id") == self.party.pk else None

    def groups(self, uplifted, years):
        """[BudgetGroup] in label order, the lines with uplift (figures.Line) added in."""
        totals = defaultdict(lambda: defaultdict(int))  # key -> year -> kronor
        for group, year, amount in self.sums:
            totals[group][year] += amount
        for line in uplifted:
            group = self.key_of(line)
            if group is None:
                continue
            for year, figure in line.amounts.items():
                totals[group][year] += figure.amount
        result = []
        for group in sorted(self.counts, key=lambda g: (self.labels[g], g)):
            row = [totals[group][year] for year in years]
            result.append(
                BudgetGroup(
                    group,
                    self.labels[group],
                    self.counts[group],
                    row,
                    sum(row),
                    pending=self.pending.get(group, 0),
                )
            )
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


def organisation_funding(party, agreements):
    """What an organisation pays and receives per year across its agreements, by budget and
    by payer: each group's totals (its lines: group_lines, line_rows). agreements: the
    organisation's agreements the reader sees (access.agreements_of_own_organisation)."""
    sides = {side: _Side(party, agreements, side) for side in SIDES}
    # The lines with uplift, few of them, on either side: read and uplifted here.
    either = _of_side(party, agreements, "pays") | _of_side(party, agreements, "receives")
    uplifted = read_lines(FundingLine.objects.filter(either, uplift_series__isnull=False))
    years = sorted(
        {year for s in sides.values() for _name, year, _amount in s.sums}
        | {year for line in uplifted for year in line.amounts}
    )
    pays = sides["pays"].groups(uplifted, years)
    receives = sides["receives"].groups(uplifted, years)
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
