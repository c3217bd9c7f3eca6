"""An organisation's funding: what it pays and receives per year across its agreements."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from agreements.models import AgreementParty, PartyRole

from ..charts import stacked_bars
from ..figures import read_lines
from ..models import FundingLine, ShareKind
from .agreement import sum_columns


@dataclass
class BudgetGroup:
    label: str
    rows: list  # (AgreementRow, figures.Line, [amount per year], total)
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


@dataclass(slots=True)
class AgreementRow:
    """What the organisation overview shows of an agreement."""

    pk: int
    title: str
    period_start: object
    period_end: object


def _groups(items, years):
    """[BudgetGroup] by label, in label order, of [(label, AgreementRow, Line)]."""
    column = {year: i for i, year in enumerate(years)}
    grouped = defaultdict(list)
    for label, agreement, line in items:
        row = [0] * len(years)
        for year, figure in line.amounts.items():  # a line covers a few of the years
            row[column[year]] = figure.amount
        grouped[label].append((agreement, line, row, sum(row)))
    result = []
    for label in sorted(grouped):
        rows = grouped[label]
        totals = sum_columns([r[2] for r in rows], len(years))
        result.append(BudgetGroup(label, rows, totals, sum(totals)))
    return result


def _candidates(party, agreements):
    """The lines the party may pay or receive: its own, those paid to it by a plan, and cash
    lines without a plan in agreements where it is a non-profit party (received by the
    agreement's only non-profit; Line.receiver_id decides)."""
    as_nonprofit = AgreementParty.objects.filter(party=party, role=PartyRole.NONPROFIT)
    return FundingLine.objects.filter(agreement__in=agreements.values("pk")).filter(
        Q(party=party)
        | Q(payment_plan__payee=party)
        | Q(
            payment_plan__isnull=True,
            kind=ShareKind.CASH,
            agreement__in=as_nonprofit.values("agreement_id"),
        )
    )


def _party_roles(candidates):
    """{agreement id: [(party id, role)]} of the agreements with a candidate line without plan."""
    roles = defaultdict(list)
    for agreement_id, party_id, role in (
        AgreementParty.objects.filter(
            agreement_id__in=candidates.filter(payment_plan__isnull=True).values("agreement_id")
        )
        .order_by("agreement_id", "position", "id")
        .values_list("agreement_id", "party_id", "role")
    ):
        roles[agreement_id].append((party_id, role))
    return roles


def _lines_of(party, agreements):
    """[(AgreementRow, Line, pays, receives)] of the lines the party pays or receives, in the
    agreement list's order, each agreement's lines in their order."""
    candidates = _candidates(party, agreements)
    lines = read_lines(candidates)
    roles = _party_roles(candidates) if any(line.plan_id is None for line in lines) else {}
    shown = {}  # agreement id -> AgreementRow
    result = []
    for line in lines:
        pays = line.party_id == party.pk
        receives = line.receiver_id(roles.get(line.agreement_id, ())) == party.pk
        if not (pays or receives):
            continue
        if line.agreement_id not in shown:
            shown[line.agreement_id] = AgreementRow(
                line.agreement_id, line.agreement_title, line.agreement_start, line.agreement_end
            )
        result.append((shown[line.agreement_id], line, pays, receives))
    return result


def _forecasts_and_examples(lines):
    """The years with a forecast amount, and the sources of example index values used."""
    forecast_years, sources = set(), []
    for line in lines:
        for figure in line.amounts.values():
            if figure.is_forecast:
                forecast_years.add(figure.year)
            for source in figure.sources:
                if "exempel" in source.lower() and source not in sources:
                    sources.append(source)
    return sorted(forecast_years), sources


def organisation_funding(party, agreements):
    """What an organisation pays and receives per year across its agreements, by budget.
    agreements: the organisation's agreements the reader sees
    (access.agreements_of_own_organisation)."""
    found = _lines_of(party, agreements)
    years = sorted({year for _row, line, *_sides in found for year in line.amounts})
    no_budget = _("Ingen budget angiven")
    pays = _groups(
        [(line.budget or no_budget, row, line) for row, line, pays, _gets in found if pays], years
    )
    receives = _groups([(line.party, row, line) for row, line, _pays, gets in found if gets], years)
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
    forecast_years, sources = _forecasts_and_examples(line for _row, line, *_sides in found)
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
