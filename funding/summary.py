"""Funding figures read from the database: per agreement and per organisation.

Every function fetches with a fixed number of queries (prefetching) and computes the rest in
Python with the pure rules of funding.uplift and funding.payments.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from agreements.models import AgreementParty, Party, PartyRole

from . import payments as pay
from .charts import stacked_bars
from .models import FundingLine, IndexValue, Payment, Share, ShareKind
from .uplift import IndexPoint, UpliftRule, uplifted

LINE_PREFETCH = ("shares", "uplift_series__values", "payments")


def lines_queryset(*, until_year=None):
    """Funding lines with everything the figures need, in a constant number of queries.

    With until_year, only the shares and payments of the years up to it are fetched (a year's
    figures and payments never depend on a later year's).
    """
    lines = FundingLine.objects.select_related(
        "party", "uplift_series", "payment_plan", "payment_plan__payee"
    )
    if until_year is None:
        return lines.prefetch_related(*LINE_PREFETCH)
    return lines.prefetch_related(
        Prefetch("shares", queryset=Share.objects.filter(year__lte=until_year)),
        "uplift_series__values",
        Prefetch("payments", queryset=Payment.objects.filter(year__lte=until_year)),
    )


def line_rule(line):
    if not line.has_uplift:
        return None
    return UpliftRule(
        first_year=line.uplift_first_year,
        basis=line.uplift_basis,
        published_month=line.uplift_published_month,
    )


def line_points(line):
    if not line.has_uplift:
        return []
    return [
        IndexPoint(v.year, v.percent, v.status, v.published_on, v.source)
        for v in line.uplift_series.values.all()
    ]


def line_year_amounts(line):
    """{year: YearAmount} for a line with prefetched shares and index values."""
    rule, points = line_rule(line), line_points(line)
    return {s.year: uplifted(s.amount, s.year, rule, points) for s in line.shares.all()}


def index_points(series_ids):
    """{series id: [IndexPoint, …]} of the given index series, in one query."""
    points = defaultdict(list)
    for series_id, *point in (
        IndexValue.objects.filter(series_id__in=series_ids)
        .order_by("series_id", "year", "status")
        .values_list("series_id", "year", "percent", "status", "published_on", "source")
    ):
        points[series_id].append(IndexPoint(*point))
    return points


@dataclass
class FlatLine:
    """A funding line read as plain values, with its yearly amounts after uplift, its payment
    plan and what was paid per year: what the deadlines need of thousands of lines."""

    pk: int
    agreement_id: int
    party_id: int
    party: str  # the paying party's name
    purpose: str
    kind: str  # the form's label
    budget: str
    plan: object  # payments.Plan or None
    payee: str
    amounts: dict  # {year: YearAmount}
    paid: dict  # {year: kronor}


FLAT_LINE_FIELDS = (
    "id",
    "agreement_id",
    "party_id",
    "party__name",
    "purpose",
    "kind",
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
    "payment_plan__payee__name",
)


def flat_lines(lines_qs, *, until_year=None):
    """[FlatLine] of a queryset of lines, in their order, in four flat queries.

    Shares and payments are selected by the lines' subquery, read as plain values and grouped
    in Python: for thousands of lines, model instances and prefetching per row cost more than
    the rows themselves. With until_year, only the years up to it.
    """
    selected = lines_qs.values("pk")
    rows = list(lines_qs.order_by("agreement_id", "position", "id").values_list(*FLAT_LINE_FIELDS))
    share_rows = Share.objects.filter(line__in=selected)
    payment_rows = Payment.objects.filter(line__in=selected)
    if until_year is not None:
        share_rows = share_rows.filter(year__lte=until_year)
        payment_rows = payment_rows.filter(year__lte=until_year)
    shares = defaultdict(list)
    for line_id, year, amount in share_rows.order_by("line_id", "year").values_list(
        "line_id", "year", "amount"
    ):
        shares[line_id].append((year, amount))
    paid = defaultdict(lambda: defaultdict(int))
    for line_id, year, amount in payment_rows.values_list("line_id", "year", "amount"):
        paid[line_id][year] += amount
    points = index_points({row[7] for row in rows if row[7] is not None})
    kinds = {value: str(label) for value, label in ShareKind.choices}
    result = []
    for (
        pk,
        agreement_id,
        party_id,
        party,
        purpose,
        kind,
        budget,
        series,
        first_year,
        basis,
        published_month,
        plan_id,
        *plan,
        payee,
    ) in rows:
        rule = UpliftRule(first_year, basis, published_month) if series is not None else None
        line_points = points[series] if series is not None else []
        result.append(
            FlatLine(
                pk,
                agreement_id,
                party_id,
                party,
                purpose,
                kinds.get(kind, kind),
                budget,
                pay.Plan(*plan) if plan_id is not None else None,
                payee or "",
                {year: uplifted(amount, year, rule, line_points) for year, amount in shares[pk]},
                paid[pk],
            )
        )
    return result


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


def line_expected_payments(line, *, today, year_amounts=None):
    """Each expected payment of a line with a plan, reconciled against its payments."""
    plan = line_plan(line)
    if plan is None:
        return []
    year_amounts = year_amounts if year_amounts is not None else line_year_amounts(line)
    return expected_payments(plan, year_amounts, paid_by_year(line), today=today)


def expected_payments(plan, year_amounts, paid, *, today):
    """A plan's payments per year ({year: YearAmount}) reconciled against {year: paid}."""
    result = []
    for year in sorted(year_amounts):
        figure = year_amounts[year]
        result += pay.reconciled_for_year(
            plan, year, figure.amount, paid.get(year, 0), today, figure.status
        )
    return result


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
        return line_rule(self.line)


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

    def totals_by_year(self):
        return dict(zip(self.years, self.totals, strict=True))


def _sum_columns(rows, width):
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
    years = sorted(set(agreement.years) | share_years)
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
            for step in cell.steps:
                if step.point is not None and step.point.is_example:
                    if step.point.source not in sources:
                        sources.append(step.point.source)
    width = len(years)
    for group in by_party.values():
        rows = [[c.amount if c else 0 for c in lf.cells] for lf in group.lines]
        group.totals = _sum_columns(rows, width)
        group.total = sum(group.totals)
    cash_totals = _sum_columns(cash_rows, width)
    in_kind_totals = _sum_columns(in_kind_rows, width)
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


@dataclass(frozen=True)
class _PartyRole:
    """An agreement party as LineRow.receiver_id reads it."""

    party_id: int
    role: str


@dataclass
class BudgetGroup:
    label: str
    rows: list  # (agreement, line, [amount per year], total)
    totals: list
    total: int


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


def _groups(items, years):
    column = {year: i for i, year in enumerate(years)}
    grouped = defaultdict(list)
    for label, agreement, line, amounts in items:  # amounts: {year: kronor after uplift}
        row = [0] * len(years)
        for year, amount in amounts.items():  # a line covers a few of the years
            row[column[year]] = amount
        grouped[label].append((agreement, line, row, sum(row)))
    result = []
    for label in sorted(grouped):
        rows = grouped[label]
        totals = _sum_columns([r[2] for r in rows], len(years))
        result.append(BudgetGroup(label, rows, totals, sum(totals)))
    return result


@dataclass(slots=True)
class AgreementRow:
    """What the organisation overview shows of an agreement."""

    pk: int
    title: str
    period_start: object
    period_end: object


@dataclass(slots=True)
class LineRow:
    """What the organisation overview reads of a funding line (plain values, no instance)."""

    pk: int
    agreement_id: int
    party_id: int
    kind: str
    purpose: str
    budget: str
    uplift_series_id: int | None
    uplift_first_year: int | None
    uplift_basis: str
    uplift_published_month: int | None
    plan_id: int | None
    payee_id: int | None

    @property
    def has_uplift(self):
        return self.uplift_series_id is not None

    def get_kind_display(self):
        return ShareKind(self.kind).label

    def receiver_id(self, agreement_parties):
        """Who receives the line: its plan's payee, else, for a cash line, the agreement's
        only non-profit party."""
        if self.plan_id is not None:
            return self.payee_id
        if self.kind != ShareKind.CASH:
            return None
        nonprofits = [ap.party_id for ap in agreement_parties if ap.role == PartyRole.NONPROFIT]
        if len(nonprofits) == 1 and nonprofits[0] != self.party_id:
            return nonprofits[0]
        return None


# The fields LineRow is read from, in the order of its own.
LINE_ROW_FIELDS = (
    "id",
    "agreement_id",
    "party_id",
    "kind",
    "purpose",
    "budget",
    "uplift_series_id",
    "uplift_first_year",
    "uplift_basis",
    "uplift_published_month",
    "payment_plan__id",
    "payment_plan__payee_id",
)


def organisation_funding(party, agreements):
    """What an organisation pays and receives per year across its agreements, by budget.
    agreements: the organisation's agreements the reader sees
    (access.agreements_of_own_organisation)."""

    # Only lines the party pays, or may receive: by its plan, or as a cash line without a plan
    # (received by the agreement's only non-profit); receiver_id decides below. Ordered as the
    # agreement list is, each agreement's lines in their order. Read as plain values: a
    # region pays thousands of lines.
    def candidate(prefix=""):
        return Q(**{f"{prefix}agreement__in": agreements.values("pk")}) & (
            Q(**{f"{prefix}party": party})
            | Q(**{f"{prefix}payment_plan__payee": party})
            | Q(**{f"{prefix}payment_plan__isnull": True, f"{prefix}kind": ShareKind.CASH})
        )

    candidates = FundingLine.objects.filter(candidate())
    # The lines in the list's order, then their amounts: two narrow reads rather than one
    # row per share repeating the line's values, sorted as a whole.
    found = [  # (title, start, end, LineRow) in the list's order
        (title, start, end, LineRow(*values))
        for title, start, end, *values in candidates.order_by(
            "-agreement__period_start", "agreement__title", "agreement_id", "position", "id"
        ).values_list(
            "agreement__title",
            "agreement__period_start",
            "agreement__period_end",
            *LINE_ROW_FIELDS,
        )
    ]
    shares = defaultdict(list)  # line id -> [(year, amount)] in year order
    for line_id, year, amount in (
        # Joined to the lines, not matched against a list of them: PostgreSQL then reads the
        # shares of a region's 22 000 lines by a hash join (100 ms instead of 170).
        Share.objects.filter(candidate("line__"))
        .order_by("line_id", "year")
        .values_list("line_id", "year", "amount")
    ):
        shares[line_id].append((year, amount))
    roles = defaultdict(list)
    if any(line.plan_id is None for *_agreement, line in found):
        for agreement_id, party_id, role in (
            AgreementParty.objects.filter(
                agreement_id__in=candidates.filter(payment_plan__isnull=True).values("agreement_id")
            )
            .order_by("agreement_id", "position", "id")
            .values_list("agreement_id", "party_id", "role")
        ):
            roles[agreement_id].append(_PartyRole(party_id, role))
    shown = {}  # agreement id -> AgreementRow, in the list's order
    lines_by_agreement = {}  # agreement id -> [(line, mine, gets)] the party pays or receives
    for title, start, end, line in found:
        mine = line.party_id == party.pk
        gets = line.receiver_id(roles[line.agreement_id]) == party.pk
        if mine or gets:
            if line.agreement_id not in shown:
                shown[line.agreement_id] = AgreementRow(line.agreement_id, title, start, end)
            lines_by_agreement.setdefault(line.agreement_id, []).append((line, mine, gets))
    agreements = list(shown.values())
    lines = [line for group in lines_by_agreement.values() for line, _mine, _gets in group]
    payers = dict(
        Party.objects.filter(pk__in={line.party_id for line in lines}).values_list("pk", "name")
    )
    points = index_points({line.uplift_series_id for line in lines if line.has_uplift})
    paying, receiving, years = [], [], set()
    forecast_years, sources = set(), []
    no_budget = _("Ingen budget angiven")
    for agreement in agreements:
        for line, mine, gets in lines_by_agreement[agreement.pk]:
            rule = line_rule(line)
            if rule is None:  # no index uplift: the agreed amounts, nothing to explain
                amounts = dict(shares[line.pk])
            else:
                line_points_ = points[line.uplift_series_id]
                figures = [
                    uplifted(amount, year, rule, line_points_) for year, amount in shares[line.pk]
                ]
                for figure in figures:
                    if figure.is_forecast:
                        forecast_years.add(figure.year)
                    for source in figure.sources:
                        if "exempel" in source.lower() and source not in sources:
                            sources.append(source)
                amounts = {figure.year: figure.amount for figure in figures}
            years.update(amounts)
            if mine:
                paying.append((line.budget or no_budget, agreement, line, amounts))
            if gets:
                receiving.append((payers[line.party_id], agreement, line, amounts))
    years = sorted(years)
    pays = _groups(paying, years)
    receives = _groups(receiving, years)
    pays_totals = _sum_columns([g.totals for g in pays], len(years))
    receives_totals = _sum_columns([g.totals for g in receives], len(years))
    chart = stacked_bars(
        years,
        [
            (_("Betalar"), dict(zip(years, pays_totals, strict=True))),
            (_("Tar emot"), dict(zip(years, receives_totals, strict=True))),
        ],
        stacked=False,
    )
    return OrganisationFunding(
        party=party,
        years=years,
        pays=pays,
        pays_totals=pays_totals,
        pays_total=sum(pays_totals),
        receives=receives,
        receives_totals=receives_totals,
        receives_total=sum(receives_totals),
        forecast_years=sorted(forecast_years),
        example_sources=sources,
        chart=chart,
    )
