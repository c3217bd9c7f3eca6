"""'Ekonomiska konsekvenser och finansiering' of a decision proposal, for every agreement it
covers, as paragraphs.

A decision may enter several agreements (one committee decision, three non-profits): each
agreement prints its own parties, amounts per year and in total, budget and uplift, then the
decision prints the sum of all of them. One agreement's figures never stand for the others.
Contributions in kind are valued in money but are not financing: they are listed apart and
left out of every financing sum. A year of the period a line has no amount for is a gap
(it blocks issuing), never a silent 0.

Expects the agreements' funding lines prefetched (context.AGREEMENT_PREFETCH).
"""

from collections import defaultdict

from django.utils.translation import gettext as _

from funding.models import ShareKind
from funding.money import format_kronor

from .gaps import Part, Target
from .text import amounts_phrase, date_span, genitive, join_words, year_span


def economy_blocks(decision, agreements, gaps):
    """[{'heading': …, 'paragraphs': […]}]: one block per agreement (no heading for a single
    one, which prints as the seed), then the decision's total when it covers several."""
    if not agreements:
        # The decision covers no agreement yet: its proposal is where one is chosen.
        link = Target(
            Part.DECISION, "agreements:proposal_edit", decision.pk, None, decision.organisation_id
        )
        return [{"heading": "", "paragraphs": [gaps.missing(_("Finansiering saknas"), link)]}]
    if len(agreements) == 1:
        paragraphs = _agreement_paragraphs(decision, agreements[0], gaps, several=False)
        return [{"heading": "", "paragraphs": paragraphs}]
    blocks = [
        {
            "heading": _agreement_heading(agreement),
            "paragraphs": _agreement_paragraphs(decision, agreement, gaps, several=True),
        }
        for agreement in agreements
    ]
    blocks.append(
        {"heading": _("Beslutet totalt"), "paragraphs": _decision_total(decision, agreements)}
    )
    return blocks


def _agreement_heading(agreement):
    return _("%(title)s, %(period)s") % {
        "title": agreement.title,
        "period": date_span(agreement.period_start, agreement.period_end),
    }


def _by_year(lines):
    """{year: agreed amount before uplift} of the lines, in year order."""
    totals = defaultdict(int)
    for line in lines:
        for share in line.shares.all():
            totals[share.year] += share.amount
    return dict(sorted(totals.items()))


def _missing_years(agreement, lines, gaps):
    """A placeholder for each agreement year of the period a line has no amount for (shares
    are agreed per agreement year: a period from 1 November has no share for the calendar year
    it ends in)."""
    return [
        gaps.missing(
            _("Belopp saknas för %(party)s %(year)s i %(agreement)s")
            % {"party": line.party.name, "year": year, "agreement": agreement.title},
            _lines(agreement),
        )
        for line in lines
        for year in agreement.funding_years
        if year not in {share.year for share in line.shares.all()}
    ]


def _lines(agreement):
    """The agreement's funding form, where amounts, receivers and budgets are entered."""
    return Target(Part.FUNDING, "funding:lines", agreement.pk, agreement)


def _cash(lines):
    return [line for line in lines if line.kind == ShareKind.CASH]


def _agreement_paragraphs(decision, agreement, gaps, *, several):
    lines = list(agreement.funding_lines.all())
    cash = _cash(lines)
    total = _by_year(cash)
    paragraphs = []
    if several:
        names = [ap.party.name for ap in agreement.parties.all()]
        paragraphs.append(_("Parter: %(parties)s.") % {"parties": join_words(names)})
    if not total:
        paragraphs.append(
            gaps.missing(
                _("Finansiering saknas för %(agreement)s") % {"agreement": agreement},
                _lines(agreement),
            )
            if several
            else gaps.missing(_("Finansiering saknas"), _lines(agreement))
        )
    else:
        paragraphs.append(_financing(agreement, cash, total, several=several))
    paragraphs += _missing_years(agreement, lines, gaps)
    in_kind = _in_kind(agreement, lines)
    if in_kind:
        paragraphs.append(in_kind)
    paragraphs += _own_share(decision, agreement, cash, gaps, several=several)
    paragraphs += [_uplift_sentence(line) for line in cash if line.has_uplift]
    return paragraphs


def _span(agreement, years):
    """The years as the agreement counts them: '2021–2024' for calendar years, else the
    dates they run, '2020-11-01 – 2023-10-31' (the agreement PDF's labels, too)."""
    years = sorted(years)
    first, last = agreement.year_dates(years[0]), agreement.year_dates(years[-1])
    if first is None or last is None or agreement.year_label(years[0]) == str(years[0]):
        return year_span(years)
    return date_span(first[0], last[1])


def _amounts(agreement, by_year):
    """amounts_phrase with each agreement year named as the agreement PDF names it."""
    return amounts_phrase(by_year, label=agreement.year_label)


def _financing(agreement, cash, total, *, several):
    """'Överenskommelsens ekonomiska omfattning är … Verksamheten finansieras av …'."""
    text = _("Överenskommelsens ekonomiska omfattning är %(amounts)s") % {
        "amounts": _amounts(agreement, total)
    }
    if len(total) > 1:
        text += _(", totalt %(sum)s för %(years)s") % {
            "sum": format_kronor(sum(total.values())),
            "years": _span(agreement, total),
        }
    text += "."
    by_party = defaultdict(list)
    for line in cash:
        by_party[line.party.name].append(line)
    per_party = {name: _by_year(party_lines) for name, party_lines in by_party.items()}
    per_party = {name: years for name, years in per_party.items() if years}
    if several:
        parts = [
            _("%(party)s med %(amounts)s, totalt %(sum)s")
            % {
                "party": name,
                "amounts": _amounts(agreement, years),
                "sum": format_kronor(sum(years.values())),
            }
            for name, years in per_party.items()
        ]
        return (
            text + " " + _("Verksamheten finansieras av %(parts)s.") % {"parts": "; ".join(parts)}
        )
    if all(len(set(years.values())) == 1 for years in per_party.values()):
        parts = [
            f"{name} med {format_kronor(next(iter(years.values())))}"
            for name, years in per_party.items()
        ]
        return (
            text
            + " "
            + _("Verksamheten finansieras av %(parts)s per år.") % {"parts": join_words(parts)}
        )
    parts = [f"{name} med {_amounts(agreement, years)}" for name, years in per_party.items()]
    return text + " " + _("Verksamheten finansieras av %(parts)s.") % {"parts": "; ".join(parts)}


def _in_kind(agreement, lines):
    """Contributions in kind, apart from the financing: 'Därutöver bidrar … i annan form'."""
    parts = []
    for line in lines:
        if line.kind != ShareKind.IN_KIND:
            continue
        years = _by_year([line])
        what = f" ({line.purpose})" if line.purpose else ""
        if years:
            parts.append(
                _(
                    "%(party)s med insatser i annan form än pengar%(what)s, "
                    "värderade till %(amounts)s"
                )
                % {"party": line.party.name, "what": what, "amounts": _amounts(agreement, years)}
            )
    if not parts:
        return ""
    return _(
        "Därutöver bidrar %(parts)s. Insatser i annan form än pengar ingår inte i finansieringen."
    ) % {"parts": "; ".join(parts)}


def _own_share(decision, agreement, cash, gaps, *, several):
    """What the deciding organisation's part charges: one sentence per own line."""
    organisation = decision.organisation
    own = [line for line in cash if line.party_id == organisation.pk]
    if not own:
        message = (
            _("%(org)s har ingen finansieringsrad i %(agreement)s")
            % {"org": organisation.name, "agreement": agreement}
            if several
            else _("%(org)s har ingen finansieringsrad i överenskommelsen")
            % {"org": organisation.name}
        )
        return [gaps.missing(message, _lines(agreement))]
    paragraphs = []
    for line in own:
        years = _by_year([line])
        if not years:
            continue
        purpose = f" ({line.purpose})" if line.purpose and len(own) > 1 else ""
        amounts = _amounts(agreement, years)
        if len(set(years.values())) == 1:
            amounts += f" {_span(agreement, years)}"
        paragraphs.append(
            _(
                "%(org)s del i finansieringen%(purpose)s av överenskommelse om idéburet offentligt "
                "partnerskap belastar %(budget)s med %(amounts)s."
            )
            % {
                "org": genitive(organisation.name),
                "purpose": purpose,
                "budget": line.budget
                or gaps.missing(_("Budget som finansieringen belastar saknas"), _lines(agreement)),
                "amounts": amounts,
            }
        )
    return paragraphs


def _uplift_sentence(line):
    return _(
        "%(party)s belopp är angivna före uppräkning och räknas upp årligen enligt %(index)s "
        "fr.o.m. %(year)s."
    ) % {
        "party": genitive(line.party.name),
        "index": line.uplift_series.name,
        "year": line.uplift_first_year,
    }


def _decision_total(decision, agreements):
    """The sum over every agreement the decision covers, and the deciding organisation's."""
    lines = [line for agreement in agreements for line in _cash(agreement.funding_lines.all())]
    total = defaultdict(int)
    own = defaultdict(int)
    for line in lines:
        for share in line.shares.all():
            total[share.year] += share.amount
            if line.party_id == decision.organisation_id:
                own[share.year] += share.amount
    labels = _shared_year_labels(agreements)

    def label(year):
        return labels.get(year, str(year))

    years = year_span(total)
    if any(label(year) != str(year) for year in total):
        years = date_span(
            min(a.period_start for a in agreements), max(a.period_end for a in agreements)
        )
    text = _(
        "Beslutet omfattar %(count)s överenskommelser med en sammanlagd finansiering av "
        "%(amounts)s, totalt %(sum)s för %(years)s."
    ) % {
        "count": len(agreements),
        "amounts": amounts_phrase(dict(sorted(total.items())), label=label),
        "sum": format_kronor(sum(total.values())),
        "years": years,
    }
    if own:
        text += " " + _("%(org)s del är %(amounts)s, totalt %(sum)s.") % {
            "org": genitive(decision.organisation.name),
            "amounts": amounts_phrase(dict(sorted(own.items())), label=label),
            "sum": format_kronor(sum(own.values())),
        }
    return [text]


def _shared_year_labels(agreements):
    """{year: label} naming each year as every agreement counting it does: '2026', or
    '2020-11-01 – 2021-10-31' when all of them run November to October. Bare years when two
    agreements count a year differently (no one label is true for the sum)."""
    labels = {}
    for agreement in agreements:
        for year in agreement.funding_years:
            if labels.setdefault(year, agreement.year_label(year)) != agreement.year_label(year):
                return {}
    return labels
