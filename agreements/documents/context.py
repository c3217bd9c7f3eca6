"""Turn an agreement or a decision into the plain data its printed document shows.

The templates only lay out what is built here; every generated sentence and every
placeholder for missing data comes from this module, so the preview and the PDF agree.
"""

from django.db.models import Prefetch, prefetch_related_objects
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agreements.models import (
    AGREEMENTS_IN_ORDER,
    Agreement,
    AgreementParty,
    Decision,
    DocumentKind,
    Obligation,
    PartyRole,
)
from funding.figures import base_by_year, line_instances
from funding.models import ShareKind, ValueStatus
from funding.money import format_kr

from .decision_economy import economy_blocks
from .followup import with_followup
from .gaps import Gaps, Part, Target, split_paragraphs, typeset_all
from .history import condition_subject, history_paragraphs
from .letterhead import letterhead
from .text import (
    MONTHS,
    amounts_phrase,
    chair_proposes,
    date_span,
    frequency_phrase,
    genitive,
    join_words,
    months_phrase,
    payment_months,
    rule_phrase,
)

# The models order by their parent's id, so these prefetches read no agreement table.
AGREEMENT_PREFETCH = [
    "sections",
    Prefetch(
        "parties",
        queryset=AgreementParty.objects.select_related("party").prefetch_related(
            "signatories", "contributions"
        ),
    ),
    Prefetch("funding_lines", queryset=line_instances()),
    Prefetch("obligations", queryset=Obligation.objects.select_related("responsible", "recipient")),
    "capacity_targets",
    "exclusions",
]


def form(agreement, part, name, pk=None, party_id=None):
    """The form of the agreement (or of the object pk) that fills a gap in its part."""
    return Target(part, name, agreement.pk if pk is None else pk, agreement, party_id)


def agreement_identifier(agreement):
    """The agreement's case number, or an identifier made from its id."""
    return agreement.case_number or f"IOP-OK-{agreement.pk:06d}"


def proposal_identifier(decision):
    """The case system's id, or an identifier made from the decision's id."""
    return decision.document_identifier or f"IOP-BF-{decision.pk:06d}"


def stamp(identifier, version=None, issued_at=None):
    """The line printed on every page: identifier and version, or that it is a draft."""
    if version is None:
        return _("%(id)s · Utkast, ej utfärdad") % {"id": identifier}
    when = timezone.localtime(issued_at or timezone.now()).date().isoformat()
    return _("%(id)s · Version %(version)s, utfärdad %(date)s") % {
        "id": identifier,
        "version": version,
        "date": when,
    }


def agreement_document(agreement, *, version=None, issued_at=None):
    """Everything the agreement (överenskommelse) prints, with placeholders and warnings."""
    return _in_swedish(_agreement_document, agreement, version, issued_at)


def agreement_gaps(agreement):
    """What the agreement's document lacks (its warnings, each with the form that fills it),
    in the reader's language: for a page that lists the gaps and prints nothing, so the
    document is built once, in that language."""
    return _agreement_document(agreement, None, None)["warnings"]


def _in_swedish(build, *args):
    """The documents are Swedish legal texts, whatever language the user reads the app in.
    Their warnings are not printed but shown in the app: in the reader's language, so the
    document is built once more when that is not Swedish."""
    with translation.override("sv"):
        document = build(*args)
    if translation.get_language() != "sv":
        document["warnings"] = build(*args)["warnings"]
    return document


def _agreement_document(agreement, version, issued_at):
    prefetch_related_objects([agreement], *AGREEMENT_PREFETCH)
    gaps = Gaps()
    parties = list(agreement.parties.all())
    lines = list(agreement.funding_lines.all())
    names = [p.party.name for p in parties]
    edit = form(agreement, Part.PARTIES, "agreements:edit")
    if len(parties) < 2:
        gaps.missing(_("Överenskommelsen behöver minst två parter"), edit)

    text = form(agreement, Part.TEXT, "agreements:sections")
    sections = [
        (
            s.heading,
            gaps.paragraphs(s.body, _("Text saknas under %(heading)s") % {"heading": s}, text),
        )
        for s in agreement.sections.all()
    ]
    sections = with_followup(sections, agreement, parties)
    # The seed prints its background before the parties; other sections follow the subject.
    lead = sections[:1] if sections and sections[0][0].strip().lower() == "bakgrund" else []
    identifier = agreement_identifier(agreement)
    title = _("Överenskommelse om idéburet offentligt partnerskap mellan %(parties)s") % {
        "parties": join_words(names) or gaps.missing(_("Parter saknas"), edit)
    }
    text = typeset_all(
        {
            "lead_sections": lead,
            "sections": sections[len(lead) :],
            "parties": [_party_entry(agreement, p, gaps) for p in parties],
            "agreement_subject": gaps.paragraphs(
                agreement.subject,
                _("Vad överenskommelsen avser saknas"),
                form(agreement, Part.TEXT, "agreements:edit"),
            ),
            "contributions_intro": split_paragraphs(agreement.contributions_intro),
            "contributions": _contributions(agreement, parties, lines, gaps),
            "economy": _economy(agreement, lines, gaps),
            "period": _("Överenskommelsen avser perioden %(start)s till och med %(end)s.")
            % {
                "start": agreement.period_start.isoformat(),
                "end": agreement.period_end.isoformat(),
            },
            "extension": (
                _("Överenskommelsen kan förlängas med %(length)s.")
                % {"length": _extension_length(agreement.extension_months)}
                if agreement.extension_months
                else ""
            ),
            "renegotiation": split_paragraphs(agreement.renegotiation_text),
            "notice": _notice_sentence(agreement, gaps),
            "signatories": _signatories(agreement, parties, gaps),
        }
    )
    return {
        "kind": DocumentKind.AGREEMENT,
        "title": title,
        "author": join_words(names),
        "subject": str(agreement),
        "identifier": identifier,
        "stamp": stamp(identifier, version, issued_at),
        "letterhead": letterhead(issuing_party(parties)),
        "signed_digitally": agreement.signed_digitally,
        "warnings": gaps.warnings,
        "notes": [],
        **text,
    }


def issuing_party(parties):
    """The organisation whose letterhead an agreement carries: its first public party (a
    region or municipality offers the partnership and registers the agreement), else its
    first party; parties: the AgreementParty rows in their printed order."""
    public = [p for p in parties if p.role == PartyRole.PUBLIC]
    chosen = (public or parties or [None])[0]
    return chosen.party if chosen else None


def _extension_length(months):
    """'två år', 'sex månader' (the bare noun phrase, not the genitive)."""
    phrase = months_phrase(months)
    return (
        phrase.replace(" års", " år").replace(" månaders", " månader").replace(" månads", " månad")
    )


def _notice_sentence(agreement, gaps):
    if agreement.notice_months is None:
        return gaps.missing(
            _("Uppsägningstid saknas"), form(agreement, Part.TEXT, "agreements:edit")
        )
    return _("Vid uppsägning gäller %(length)s uppsägningstid.") % {
        "length": months_phrase(agreement.notice_months)
    }


def _party_entry(agreement, agreement_party, gaps):
    party = agreement_party.party
    record = form(agreement, Part.PARTIES, "agreements:party_edit", party.pk, party.pk)
    return {
        "name": party.name,
        "unit": agreement_party.display_unit,
        "address": party.postal_address
        or gaps.missing(_("Postadress saknas för %(party)s") % {"party": party.name}, record),
        "org_number": party.org_number,
    }


def _signatories(agreement, parties, gaps):
    signatories = [
        {"name": s.name, "title": s.title, "organisation": p.party.name}
        for p in parties
        for s in p.signatories.all()
    ]
    if not signatories:
        gaps.missing(
            _("Undertecknare saknas"), form(agreement, Part.SIGNATORIES, "agreements:signatories")
        )
    return signatories


def _line_sentences(agreement, line, gaps):
    """'Resursbidrag med 1 726 000 kr per år. Uppräkning … fr.o.m. 2027-01-01'."""
    by_year = base_by_year([line])
    label = line.purpose or (
        _("Resursbidrag") if line.kind == ShareKind.CASH else _("Insats i annan form")
    )
    what = f"{line.party} {label}"
    lines = form(agreement, Part.FUNDING, "funding:lines")
    if line.amount_pending:
        return [gaps.missing(_("Belopp ej fastställt för %(line)s") % {"line": what}, lines)]
    if not by_year and line.period_total is None:
        return [gaps.missing(_("Belopp saknas för %(line)s") % {"line": what}, lines)]
    if line.period_total is not None:
        text = _("%(label)s med totalt %(total)s för perioden %(period)s") % {
            "label": label,
            "total": format_kr(line.period_total),
            "period": date_span(agreement.period_start, agreement.period_end),
        }
        if by_year:
            text += _(", fördelat med %(split)s.") % {"split": _split_phrase(agreement, by_year)}
        else:
            text += "."
        split_sum = sum(by_year.values())
        if split_sum != line.period_total:
            mismatch = gaps.missing(
                _("Fördelningen per år (%(split)s) stämmer inte med totalen för %(line)s")
                % {"split": format_kr(split_sum), "line": what},
                lines,
            )
            return [text, mismatch]
    else:
        text = _("%(label)s med %(amounts)s.") % {
            "label": label,
            "amounts": amounts_phrase(by_year, unit="kr", label=agreement.year_label),
        }
    if line.kind == ShareKind.IN_KIND:
        text += " " + _("Insatsen är värderad i pengar.")
    if line.has_uplift:
        text += " " + _(
            "Uppräkning av resursbidraget sker årligen enligt %(index)s fr.o.m. %(date)s"
        ) % {"index": line.uplift_series.name, "date": _uplift_start(line)}
    elif line.has_uplift_text:
        text += " " + _rule_sentence(line, _("resursbidraget"))
    return [text]


def _split_phrase(agreement, by_year):
    """'600 000 kr 2020-11-01 – 2021-10-31, …': every year named, even equal amounts."""
    return join_words(
        f"{format_kr(amount)} {agreement.year_label(year)}"
        for year, amount in sorted(by_year.items())
    )


def _contributions(agreement, parties, lines, gaps):
    entries = []
    for agreement_party in parties:
        party_lines = [line for line in lines if line.party_id == agreement_party.party_id]
        funding = [t for line in party_lines for t in _line_sentences(agreement, line, gaps)]
        items = [c.description for c in agreement_party.contributions.all()]
        if funding or items:
            entries.append(
                {
                    "heading": _("%(party)s resursbidrag")
                    % {"party": genitive(agreement_party.party.name)},
                    "items": funding + items,
                }
            )
    if not entries:
        gaps.missing(
            _("Parternas resursbidrag saknas"), form(agreement, Part.FUNDING, "funding:lines")
        )
    return entries


def _economy(agreement, lines, gaps):
    """'Ekonomi': how each paid line is paid and uplifted."""
    paragraphs = []
    edit_lines = form(agreement, Part.FUNDING, "funding:lines")
    for line in lines:
        plan = getattr(line, "payment_plan", None)
        what = (
            _("resursbidraget")
            if not line.purpose or line.purpose.lower() == _("resursbidrag")
            else _("resursbidraget (%(purpose)s)") % {"purpose": line.purpose}
        )
        if plan is not None:
            paragraphs.append(_payment_paragraph(line, plan, what, gaps, edit_lines))
        elif line.kind == ShareKind.CASH and line.party.is_public:
            paragraphs.append(
                gaps.missing(
                    _("Betalningsplan saknas för %(party)s") % {"party": line.party},
                    form(agreement, Part.PAYMENT_PLAN, "funding:plan", line.pk, line.party_id),
                )
            )
        if line.has_uplift:
            paragraphs.append(_uplift_paragraph(line, what))
        elif line.has_uplift_text:
            paragraphs.append(_rule_sentence(line, what))
    if not lines:
        paragraphs.append(gaps.missing(_("Finansiering saknas"), edit_lines))
    return paragraphs


def _payment_paragraph(line, plan, what, gaps, edit_lines):
    months = payment_months(plan.first_month, plan.installments_per_year)
    when = (
        _("Detta görs varje månad.")
        if len(months) == 12
        else _("Detta görs i %(months)s månad.") % {"months": join_words(months)}
        if len(months) == 1
        else _("Detta görs i %(months)s.") % {"months": join_words(months)}
    )
    sentences = [
        _("%(payer)s betalar ut %(what)s %(often)s.")
        % {
            "payer": line.party.name,
            "what": what,
            "often": frequency_phrase(plan.installments_per_year),
        },
        when,
    ]
    if plan.due_day < 28:
        sentences.append(_("Betalning sker senast den %(day)s i månaden.") % {"day": plan.due_day})
    sentences.append(
        _("Utbetalning ska ske till %(payee)s, bankgiro %(bankgiro)s.")
        % {
            "payee": line.receiver.name
            if line.receiver
            else gaps.missing(_("Mottagare saknas för %(line)s") % {"line": line}, edit_lines),
            "bankgiro": plan.bankgiro,
        }
    )
    if plan.reference:
        sentences.append(_("Referenskod %(reference)s ska anges.") % {"reference": plan.reference})
    return " ".join(sentences)


def _uplift_start(line):
    """'2027-01-01': the first day of the first uplifted agreement year."""
    span = line.agreement.year_dates(line.uplift_first_year)
    return span[0].isoformat() if span else f"{line.uplift_first_year}-01-01"


def _rule_sentence(line, what):
    """'Resursbidraget räknas upp enligt de regler som gäller för detta.', for a rule that
    names no index, from its first year when one is given."""
    sentence = _("%(what)s räknas upp enligt %(rule)s") % {
        "what": what[:1].upper() + what[1:],
        "rule": rule_phrase(line.uplift_rule_text),
    }
    if line.uplift_first_year:
        sentence += _(" fr.o.m. %(date)s") % {"date": _uplift_start(line)}
    sentence += "."
    if line.uplift_fallback.strip():
        sentence += " " + " ".join(line.uplift_fallback.split())
    return sentence


def _uplift_paragraph(line, what):
    series = line.uplift_series
    index = series.name
    basis = (
        _("det preliminära") if line.uplift_basis == ValueStatus.PRELIMINARY else _("det slutliga")
    )
    sentences = [
        _("Uppräkning av %(what)s sker årligen enligt %(index)s fr.o.m. %(date)s.")
        % {"what": what, "index": index, "date": _uplift_start(line)}
    ]
    first = _("Utgångspunkt för första uppräkning är %(basis)s %(index)s för %(year)s") % {
        "basis": basis,
        "index": index,
        "year": line.uplift_first_year,
    }
    if line.uplift_published_month:
        month = MONTHS[line.uplift_published_month]
        publisher = (
            _(" av %(publisher)s") % {"publisher": series.publisher} if series.publisher else ""
        )
        first += _(" som publiceras%(publisher)s i %(month)s %(year)s") % {
            "publisher": publisher,
            "month": month,
            "year": line.uplift_first_year - 1,
        }
        sentences.append(first + ".")
        sentences.append(
            _(
                "Följande uppräkningar sker på samma sätt med %(basis)s %(index)s som publiceras "
                "i %(month)s året före."
            )
            % {"basis": basis, "index": index, "month": month}
        )
    else:
        sentences.append(first + ".")
    if line.uplift_fallback.strip():
        sentences.append(" ".join(line.uplift_fallback.split()))
    return " ".join(sentences)


# --- Decision proposal -------------------------------------------------------------------


def proposal_agreement(decision):
    """The agreement a proposal is about: the latest of its agreements, or None."""
    agreements = list(decision.agreements.all())
    return agreements[0] if agreements else None


def proposal_document(decision, *, agreement=None, version=None, issued_at=None):
    """Everything the decision proposal (beslutsförslag) prints, with placeholders."""
    return _in_swedish(_proposal_document, decision, agreement, version, issued_at)


def proposal_gaps(decision):
    """What the decision proposal lacks, in the reader's language, as agreement_gaps."""
    return _proposal_document(decision, None, None, None)["warnings"]


def _proposal_document(decision, agreement, version, issued_at):
    prefetch_related_objects(
        [decision],
        "items",
        "case_documents",
        "conditions__party",
        # In the secretary's order, beside the agreements' own (proposal_agreement's).
        Prefetch(
            "agreements",
            queryset=Agreement.objects.order_by(*AGREEMENTS_IN_ORDER),
            to_attr="agreements_listed",
        ),
        Prefetch("cites", queryset=Decision.objects.prefetch_related("agreements")),
    )
    gaps = Gaps()
    # Every agreement the decision covers is printed, in its place in the decision's list; the
    # one the document is issued under (agreement) is only where its versions are kept.
    agreements = decision.agreements_listed
    proposal = Target(
        Part.DECISION,
        "agreements:proposal_edit",
        decision.pk,
        agreements[0] if agreements else None,
        decision.organisation_id,
    )
    if not agreements:
        gaps.missing(_("Beslutet är inte kopplat till någon överenskommelse"), proposal)
    prefetch_related_objects(agreements, *AGREEMENT_PREFETCH)
    organisation = decision.organisation.name
    body = gaps.value(decision.body, _("Beslutande organ saknas"), proposal)
    identifier = proposal_identifier(decision)
    items = [{"number": i.number, "text": i.text} for i in decision.items.all()]
    if not items:
        items = [{"number": 1, "text": gaps.missing(_("Beslutspunkter saknas"), proposal)}]
    title = gaps.value(decision.title, _("Ärendets rubrik saknas"), proposal)
    history = history_paragraphs(decision, agreements, gaps)
    text = typeset_all(
        {
            "organisation": organisation,
            "body": body,
            "date": decision.proposal_date.isoformat()
            if decision.proposal_date
            else gaps.missing(_("Datum saknas"), proposal),
            "officer_name": gaps.value(
                decision.case_officer_name, _("Handläggare saknas"), proposal
            ),
            "officer_email": gaps.value(
                decision.case_officer_email, _("Handläggarens e-post saknas"), proposal
            ),
            "items": items,
            "conditions": [
                _("Förslaget gäller under förutsättning att %(who)s fattar motsvarande beslut.")
                % {"who": condition_subject(c)}
                for c in decision.conditions.all()
            ],
            "summary": gaps.paragraphs(
                decision.proposal_summary, _("Sammanfattning saknas"), proposal
            ),
            "case_documents": [
                {"number": d.number, "title": d.title} for d in decision.case_documents.all()
            ]
            or [{"number": 1, "title": gaps.missing(_("Dokument i ärendet saknas"), proposal)}],
            "description": history
            + gaps.paragraphs(decision.background, _("Beskrivning av ärendet saknas"), proposal),
            "heading": _("Ordförandens förslag")
            if chair_proposes(decision.body, decision.chair_name, decision.chair_title)
            else _("Förslag till beslut"),
            "case_number": _case_number(decision, gaps, proposal),
            "economy": economy_blocks(decision, agreements, gaps),
            "legal": gaps.paragraphs(
                decision.legal_assessment, _("Juridisk bedömning saknas"), proposal
            ),
            "environment": gaps.paragraphs(
                decision.environmental_impact, _("Miljökonsekvenser saknas"), proposal
            ),
            "union": gaps.paragraphs(
                decision.union_consultation,
                _("Samverkan med fackliga organisationer saknas"),
                proposal,
            ),
            "follow_up": gaps.paragraphs(decision.follow_up, _("Uppföljning saknas"), proposal),
            "chair_name": gaps.value(decision.chair_name, _("Ordförande saknas"), proposal),
            "chair_title": decision.chair_title,
            "director_name": gaps.value(decision.director_name, _("Direktör saknas"), proposal),
            "director_title": decision.director_title,
        }
    )
    return {
        "kind": DocumentKind.PROPOSAL,
        "title": title,
        "author": organisation,
        "subject": _("Beslutsförslag till %(body)s") % {"body": body},
        "identifier": identifier,
        "stamp": stamp(identifier, version, issued_at),
        # A proposal is the deciding organisation's own document.
        "letterhead": letterhead(decision.organisation),
        "warnings": gaps.warnings,
        "notes": [],
        **text,
    }


def _case_number(decision, gaps, target):
    """The decision's diarienummer; without one, the case system's document id printed on
    every page identifies the case (as in the Skåne seed), else it is a gap."""
    if decision.case_number or decision.document_identifier:
        return decision.case_number
    return gaps.missing(_("Diarienummer saknas"), target)
