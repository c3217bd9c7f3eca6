"""The follow-up the agreement prints: meetings, reports, evaluations, other duties, targets
and what the agreement does not cover.

Built from the agreement's obligations and capacity targets, in the order of Region
Västerbotten's "Samverkan och uppföljning": the meetings and who calls them, the written
follow-up through the year, the annual report with its parts, its date and its recipient.
Whatever an administrator entered on the obligations page is printed here, so the signed
document holds every duty the app reminds people of.
"""

from django.utils.translation import gettext as _

from agreements.models import ObligationKind

from .gaps import split_paragraphs
from .text import MONTHS, join_words, number_word

FOLLOWUP_HEADING = "Samverkan och uppföljning"

# The order duties are printed in, whatever order they were entered in.
KIND_ORDER = [
    ObligationKind.MEETINGS,
    ObligationKind.TERTIAL_REPORT,
    ObligationKind.ANNUAL_REPORT,
    ObligationKind.ONE_OFF_REPORT,
    ObligationKind.EVALUATION,
    ObligationKind.OTHER,
]


def with_followup(sections, agreement, parties):
    """The prose sections with the follow-up added: to the end of the section headed
    "Samverkan och uppföljning" (or "Uppföljning"), else as that section after the others."""
    paragraphs = followup_paragraphs(agreement, parties)
    if not paragraphs:
        return sections
    for i, (heading, body) in enumerate(sections):
        if heading.strip().lower() in (FOLLOWUP_HEADING.lower(), "uppföljning"):
            return sections[:i] + [(heading, body + paragraphs)] + sections[i + 1 :]
    return sections + [(FOLLOWUP_HEADING, paragraphs)]


def followup_paragraphs(agreement, parties):
    """One paragraph per obligation, then one for the capacity targets and one for what the
    agreement does not cover."""
    names = {p.party_id: p.short_name or p.party.name for p in parties}

    def name(party):
        return names.get(party.pk, party.name) if party else ""

    obligations = sorted(
        agreement.obligations.all(), key=lambda o: (KIND_ORDER.index(o.kind), o.pk)
    )
    # The meetings and the written follow-up through the year read as one paragraph, as in
    # the seed ("Detta görs i samband med att SRK tertialvis lämnar skriftliga uppföljningar").
    through_year = (ObligationKind.MEETINGS, ObligationKind.TERTIAL_REPORT)
    joined = " ".join(
        p
        for p in (_obligation_paragraph(o, name) for o in obligations if o.kind in through_year)
        if p
    )
    paragraphs = [joined] + [
        _obligation_paragraph(o, name) for o in obligations if o.kind not in through_year
    ]
    targets = [str(t) for t in agreement.capacity_targets.all()]
    if targets:
        paragraphs.append(
            _("Verksamhetens mål per år är %(targets)s.") % {"targets": join_words(targets)}
        )
    exclusions = [e.description.strip().rstrip(".") for e in agreement.exclusions.all()]
    if exclusions:
        paragraphs.append(
            _("Överenskommelsen omfattar inte %(what)s.") % {"what": join_words(exclusions)}
        )
    return [p for p in paragraphs if p]


def _recipient(obligation, name):
    """' till utsedd kontaktperson i Regionen', ' till Region Skåne', or nothing."""
    who = obligation.recipient_description.strip() or name(obligation.recipient)
    return _(" till %(recipient)s") % {"recipient": who} if who else ""


def _obligation_paragraph(obligation, name):
    who = name(obligation.responsible)
    to = _recipient(obligation, name)
    description = " ".join(split_paragraphs(obligation.description))
    kind = obligation.kind
    if kind == ObligationKind.MEETINGS:
        sentences = [description] if description else []
        count = obligation.min_per_year
        count = count and number_word(count) + (" gång" if count == 1 else " gånger")
        if who and count:
            sentences.append(
                _("%(who)s kallar till samverkansmötena, som hålls minst %(count)s per år.")
                % {"who": who, "count": count}
            )
        elif count:
            sentences.append(_("Samverkansmöten hålls minst %(count)s per år.") % {"count": count})
        elif who:
            sentences.append(_("%(who)s kallar till samverkansmötena.") % {"who": who})
        return " ".join(sentences)
    if kind == ObligationKind.TERTIAL_REPORT:
        when = (
            _(", senast %(days)s dagar efter tertialets slut")
            % {"days": obligation.days_after_period}
            if obligation.days_after_period is not None
            else ""
        )
        first = _("%(who)s lämnar skriftliga uppföljningar varje tertial%(to)s%(when)s.") % {
            "who": who,
            "to": to,
            "when": when,
        }
    elif kind == ObligationKind.ANNUAL_REPORT:
        parts = [p for p in obligation.parts if isinstance(p, str) and p.strip()]
        first = _("%(who)s ska årligen, före den %(day)s %(month)s, lämna in %(what)s%(to)s.") % {
            "who": who,
            "day": obligation.due_before_day or 1,
            "month": MONTHS[obligation.due_before_month or 3],
            "what": join_words(parts) if parts else _("en årsrapport"),
            "to": to,
        }
    elif kind in (ObligationKind.ONE_OFF_REPORT, ObligationKind.EVALUATION):
        what = _("en utvärdering") if kind == ObligationKind.EVALUATION else _("en rapport")
        first = _("%(who)s lämnar %(what)s%(to)s senast %(date)s.") % {
            "who": who,
            "what": what,
            "to": to,
            "date": obligation.due_date.isoformat() if obligation.due_date else "",
        }
    else:
        when = (
            _(", senast %(date)s") % {"date": obligation.due_date.isoformat()}
            if obligation.due_date
            else ""
        )
        return _other(description, who, when)
    return " ".join(s for s in [first, description] if s)


def _other(description, who, when):
    """'Parterna gör ett studiebesök. SRK ansvarar för det, senast 2027-05-01.'"""
    duty = _("%(who)s ansvarar för det%(when)s.") % {"who": who, "when": when} if who else ""
    return " ".join(s for s in [description, duty] if s)
