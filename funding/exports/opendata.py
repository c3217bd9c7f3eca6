"""The open data: active agreements with their parties and yearly amounts, organisations only,
no people, as JSON and as CSV."""

from django.db.models import Prefetch

from agreements.models import AgreementParty, AgreementStatus

from ..summary import agreement_funding, lines_queryset
from .writers import to_csv


def _with_funding(qs):
    return qs.prefetch_related(
        Prefetch("parties", queryset=AgreementParty.objects.select_related("party")),
        Prefetch("funding_lines", queryset=lines_queryset()),
    ).order_by("-period_start", "title", "pk")


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
