"""The history of earlier decisions and agreements in a decision proposal, as sentences.

Built from the cited decisions (Decision.cites) and the agreement's predecessor chain; expects
both prefetched (see context.py) so that no sentence costs a query.
"""

from datetime import date

from django.utils.translation import gettext as _

from agreements.models import DecisionOutcome, PredecessorRelation

from .gaps import Part, Target
from .text import date_span, join_words, months_phrase


def history_paragraphs(decision, agreements, gaps):
    """One paragraph per earlier decision or uncited agreement, oldest first, then the proposal
    (one sentence per proposed agreement when the decision covers several)."""
    agreement = agreements[0] if len(agreements) == 1 else None
    chain = list(reversed(agreement.predecessor_chain())) if agreement else []
    cited = list(decision.cites.all())
    covered = {a.pk for d in cited for a in d.agreements.all()}

    events = [(d.decided_on or date.max, _decision_sentence(d, chain, gaps)) for d in cited]
    events += [(a.period_start, _agreement_sentence(a)) for a in chain if a.pk not in covered]
    paragraphs = [text for _when, text in sorted(events, key=lambda e: e[0])]
    if agreement is not None:
        paragraphs.append(_proposal_sentences(decision, agreement, chain))
    elif agreements:
        paragraphs.append(_several_sentences(decision, agreements))
    return paragraphs


def _several_sentences(decision, agreements):
    """'De föreslagna överenskommelserna är: med A och B för perioden …; …'."""
    entries = [
        _("%(title)s med %(parties)s, %(period)s")
        % {
            "title": a.title,
            "parties": join_words(
                ap.party.name for ap in a.parties.all() if ap.party_id != decision.organisation_id
            ),
            "period": date_span(a.period_start, a.period_end),
        }
        for a in agreements
    ]
    sentences = [
        _("Förslaget gäller %(count)s överenskommelser: %(entries)s.")
        % {"count": len(agreements), "entries": "; ".join(entries)}
    ]
    sentences += [
        _("Förslaget förutsätter att %(who)s fattar motsvarande beslut.")
        % {"who": condition_subject(c)}
        for c in decision.conditions.all()
    ]
    return " ".join(sentences)


def _decision_sentence(decision, chain, gaps):
    # A recorded decision is completed by a correction, a proposal on its own page.
    form = (
        "agreements:proposal_edit"
        if decision.outcome == DecisionOutcome.PROPOSED
        else "agreements:decision_correct"
    )
    link = Target(Part.DECISION, form, decision.pk, None, decision.organisation_id)
    body = decision.body or gaps.missing(_("Beslutande organ saknas i ett tidigare beslut"), link)
    reference = decision.reference or gaps.missing(_("Datum saknas för ett tidigare beslut"), link)
    what = decision.summary.strip().rstrip(".")
    if not what:
        in_chain = [a for a in decision.agreements.all() if a in chain]
        what = (
            _("om överenskommelsen för perioden %(period)s")
            % {"period": date_span(in_chain[0].period_start, in_chain[0].period_end)}
            if in_chain
            else _("i ärendet")
        )
    return _("%(body)s beslutade %(reference)s %(what)s.") % {
        "body": body,
        "reference": reference,
        "what": what,
    }


def _agreement_sentence(agreement):
    period = date_span(agreement.period_start, agreement.period_end)
    if agreement.predecessor_relation == PredecessorRelation.EXTENDS:
        return _("Överenskommelsen förlängdes för perioden %(period)s.") % {"period": period}
    return _(
        "Parterna hade en överenskommelse om idéburet offentligt partnerskap för perioden "
        "%(period)s."
    ) % {"period": period}


def _proposal_sentences(decision, agreement, chain):
    period = date_span(agreement.period_start, agreement.period_end)
    if chain:
        previous = chain[-1]
        relation = (
            _("en förlängning av")
            if agreement.predecessor_relation == PredecessorRelation.EXTENDS
            else _("en fortsättning på")
        )
        text = _(
            "Den föreslagna överenskommelsen är %(relation)s överenskommelsen för perioden "
            "%(previous)s och gäller %(period)s"
        ) % {
            "relation": relation,
            "previous": date_span(previous.period_start, previous.period_end),
            "period": period,
        }
    else:
        text = _("Den föreslagna överenskommelsen gäller %(period)s") % {"period": period}
    if agreement.extension_months:
        text += _(" med möjlighet till %(length)s förlängning") % {
            "length": months_phrase(agreement.extension_months)
        }
    sentences = [text + "."]
    sentences += [
        _("Den föreslagna överenskommelsen förutsätter att %(who)s fattar motsvarande beslut.")
        % {"who": condition_subject(c)}
        for c in decision.conditions.all()
    ]
    return " ".join(sentences)


def condition_subject(condition):
    """'Arbetsmarknads- och socialnämnden i Malmö stad', or the organisation alone."""
    if condition.body:
        return _("%(body)s i %(party)s") % {"body": condition.body, "party": condition.party.name}
    return condition.party.name
