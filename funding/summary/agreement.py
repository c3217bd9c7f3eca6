"""An agreement's funding: each party's shares per year after uplift, with totals,
explanations and a chart, read from model instances (an agreement has a few lines)."""

from collections import defaultdict
from dataclasses import dataclass, field

from agreements.models import AgreementParty

from .. import payments as pay
from ..charts import stacked_bars
from ..figures import expected_payments, line_instances, uplift_rule, year_amounts
from ..models import FundingLine, ShareKind
from ..uplift import IndexPoint


def lines_queryset():
    """Funding line instances with everything the figures and payments need, prefetched."""
    return line_instances().prefetch_related("uplift_series__values", "payments")


def line_points(line):
    if not line.has_uplift:
        return []
    return [
        IndexPoint(v.year, v.percent, v.status, v.published_on, v.source)
        for v in line.uplift_series.values.all()
    ]


def line_year_amounts(line):
    """{year: YearAmount} for a line with prefetched shares and index values."""
    shares = [(s.year, s.amount) for s in line.shares.all()]
    return year_amounts(shares, uplift_rule(line), line_points(line))


def line_plan(line):
    try:
        plan = line.payment_plan
    except FundingLine.payment_plan.RelatedObjectDoesNotExist:
        return None
    return pay.Plan(
        plan.installments_per_year, plan.first_month, plan.due_day, plan.bankgiro, plan.reference
    )


def paid_by_year(line):
    totals = defaultdict(int)
    for p in line.payments.all():
        totals[p.year] += p.amount
    return totals


def line_expected_payments(line, *, today):
    """Each expected payment of a line with a plan, reconciled against its payments."""
    plan = line_plan(line)
    if plan is None:
        return []
    return expected_payments(plan, line_year_amounts(line), paid_by_year(line), today=today)


@dataclass
class LineFigures:
    line: object
    cells: list  # YearAmount or None, aligned with the agreement's years
    total: int

    @property
    def figures(self):
        return [c for c in self.cells if c is not None]

    @property
    def is_cash(self):
        return self.line.kind == ShareKind.CASH

    @property
    def rule(self):
        return uplift_rule(self.line)


@dataclass
class PartyFigures:
    party: object
    label: str
    lines: list = field(default_factory=list)
    totals: list = field(default_factory=list)  # aligned with years
    total: int = 0


@dataclass
class AgreementFunding:
    agreement: object
    years: list
    parties: list
    totals: list
    cash_totals: list
    in_kind_totals: list
    total: int
    cash_total: int
    in_kind_total: int
    explained: list  # (LineFigures, YearAmount) for every uplifted year
    differences: list  # (LineFigures, YearAmount) where final differs from preliminary
    example_sources: list
    forecasts: list
    chart: object

    @property
    def has_lines(self):
        return any(p.lines for p in self.parties)

    @property
    def explained_lines(self):
        """[(LineFigures, [YearAmount, …])] for the explanation table, one group per line."""
        groups = []
        for lf, cell in self.explained:
            if not groups or groups[-1][0] is not lf:
                groups.append((lf, []))
            groups[-1][1].append(cell)
        return groups

    @property
    def outside_years(self):
        """Years with amounts that the agreement's period no longer has."""
        return [y for y in self.years if y not in self.agreement.funding_years]

    @property
    def pending(self):
        """The lines whose amount is not yet known: the totals leave them out, and say so."""
        return [lf for group in self.parties for lf in group.lines if lf.line.amount_pending]

    @property
    def columns(self):
        """[(year, label)]: each agreement year named by its dates when it is not a calendar
        year."""
        return [(year, self.agreement.year_label(year)) for year in self.years]

    def totals_by_year(self):
        return dict(zip(self.years, self.totals, strict=True))


def sum_columns(rows, width):
    """Column sums of rows of equal width (zeros without rows)."""
    return [sum(column) for column in zip(*rows, strict=True)] if rows else [0] * width


def agreement_funding(agreement, *, lines=None):
    """Each party's shares per year, after uplift, with totals, explanations and a chart."""
    if lines is None:
        lines = list(lines_queryset().filter(agreement=agreement))
    parties = list(
        AgreementParty.objects.filter(agreement=agreement).select_related("party")
        if not _has_prefetched(agreement, "parties")
        else agreement.parties.all()
    )
    share_years = {s.year for line in lines for s in line.shares.all()}
    years = sorted(set(agreement.funding_years) | share_years)
    by_party = {
        ap.party_id: PartyFigures(ap.party, ap.short_name or ap.party.name) for ap in parties
    }
    explained, differences, sources, forecasts = [], [], [], []
    cash_rows, in_kind_rows = [], []
    for line in lines:
        amounts = line_year_amounts(line)
        cells = [amounts.get(y) for y in years]
        row = [c.amount if c else 0 for c in cells]
        figures = LineFigures(line, cells, sum(row))
        group = by_party.setdefault(line.party_id, PartyFigures(line.party, line.party.name))
        group.lines.append(figures)
        (cash_rows if figures.is_cash else in_kind_rows).append(row)
        for cell in figures.figures:
            if cell.steps:
                explained.append((figures, cell))
            if cell.difference:
                differences.append((figures, cell))
            if cell.is_forecast:
                forecasts.append((figures, cell))
            for source in cell.example_sources:
                if source not in sources:
                    sources.append(source)
    width = len(years)
    for group in by_party.values():
        rows = [[c.amount if c else 0 for c in lf.cells] for lf in group.lines]
        group.totals = sum_columns(rows, width)
        group.total = sum(group.totals)
    cash_totals = sum_columns(cash_rows, width)
    in_kind_totals = sum_columns(in_kind_rows, width)
    totals = [a + b for a, b in zip(cash_totals, in_kind_totals, strict=True)]
    groups = [g for g in by_party.values() if g.lines]
    chart = stacked_bars(
        years, [(g.label, dict(zip(years, g.totals, strict=True))) for g in groups]
    )
    return AgreementFunding(
        agreement=agreement,
        years=years,
        parties=groups,
        totals=totals,
        cash_totals=cash_totals,
        in_kind_totals=in_kind_totals,
        total=sum(totals),
        cash_total=sum(cash_totals),
        in_kind_total=sum(in_kind_totals),
        explained=explained,
        differences=differences,
        example_sources=sources,
        forecasts=forecasts,
        chart=chart,
    )


def _has_prefetched(obj, name):
    return name in getattr(obj, "_prefetched_objects_cache", {})
