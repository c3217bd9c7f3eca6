"""The open data: active agreements with their parties and yearly amounts, organisations only,
no people, as JSON and as CSV.

No personal data: no contact people, e-mail addresses or telephone numbers, and never a
person's number. Parties are organisations (agreements.numbers refuses a personnummer as an
organisationsnummer), but a row saved before that check, or a number typed into a title or a
case number, is caught here too: a party whose number is a person's is printed without name
or number, and a person's number anywhere else is replaced.
"""

from django.db.models import Prefetch

from agreements.models import AgreementParty, AgreementStatus
from agreements.numbers import is_personal_number, redact_personal_numbers

from ..summary import agreement_funding, lines_queryset
from .writers import to_csv


def _with_funding(qs):
    return qs.prefetch_related(
        Prefetch("parties", queryset=AgreementParty.objects.select_related("party")),
        Prefetch("funding_lines", queryset=lines_queryset()),
    ).order_by("-period_start", "title", "pk")


WITHHELD = "[uppgift om enskild person utelämnad]"


def _text(value):
    return redact_personal_numbers(value, WITHHELD)


def _party(party):
    """A party's name and number as published: a person is neither named nor numbered."""
    if is_personal_number(party.org_number):
        return {"name": WITHHELD, "org_number": ""}
    return {"name": _text(party.name), "org_number": party.org_number}


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
            start, end = a.year_dates(year) or (None, None)
            years.append(
                {
                    "year": year,
                    "start": start.isoformat() if start else None,
                    "end": end.isoformat() if end else None,
                    "total": funding.totals[i],
                    "cash": funding.cash_totals[i],
                    "in_kind": funding.in_kind_totals[i],
                    "forecast": "forecast" in statuses,
                    "by_party": [
                        {"party": _party(g.party)["name"], "amount": g.totals[i]}
                        for g in funding.parties
                    ],
                }
            )
        result.append(
            {
                "id": a.pk,
                "title": _text(a.title),
                "case_number": _text(a.case_number),
                "period_start": a.period_start.isoformat(),
                "period_end": a.period_end.isoformat(),
                "parties": [_party(ap.party) | {"role": ap.role} for ap in a.parties.all()],
                "years": years,
                # False while a line's amount is not yet known: the totals leave it out.
                "amounts_complete": not funding.pending,
                "index_examples": [_text(source) for source in funding.example_sources],
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
