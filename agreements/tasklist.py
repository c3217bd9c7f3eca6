"""An agreement's task list: each part, its status, what it lacks and the form that completes it.

Nothing here decides on its own what blocks a step. The gaps are those the printed documents
find (agreements.documents: a gap blocks issuing), each with the part and form it belongs to;
what blocks proposing, signing and being decided is what the life cycle requires
(agreements.services.lifecycle). This module sorts them into the parts of the GOV.UK task list
pattern and says which forms a user may open (FormAccess, by the rules of access.py).

Expects the agreement with TASK_PREFETCH (and documents.context.AGREEMENT_PREFETCH, which the
agreement document adds): a constant number of queries however many rows, plus the proposal
of each decision not yet taken.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .access import (
    ADMINISTRATOR,
    SECRETARY,
    funding_parties_for,
    has_role,
    may_propose,
    parties_editable_by,
    party_ids_of,
)
from .documents import agreement_gaps, proposal_gaps
from .documents.gaps import Gap, Part, Target
from .models import AgreementStatus, Decision, DecisionOutcome, DocumentKind
from .services.lifecycle import move_blockers, public_parties_without_approval, requirements_missing

S = AgreementStatus

NOT_STARTED, INCOMPLETE, COMPLETE = "not_started", "incomplete", "complete"
STATUS_LABELS = {
    NOT_STARTED: gettext_lazy("Ej påbörjad"),
    INCOMPLETE: gettext_lazy("Påbörjad (ofullständig)"),
    COMPLETE: gettext_lazy("Klar"),
}

# The parts in the order they are filled in, each with its label.
PARTS = [
    (Part.PARTIES, gettext_lazy("Parter")),
    (Part.TEXT, gettext_lazy("Överenskommelsens text")),
    (Part.FUNDING, gettext_lazy("Finansiering")),
    (Part.UPLIFT, gettext_lazy("Uppräkning")),
    (Part.PAYMENT_PLAN, gettext_lazy("Betalningsplan")),
    (Part.SIGNATORIES, gettext_lazy("Undertecknare")),
    (Part.FOLLOWUP, gettext_lazy("Uppföljning")),
    (Part.DECISION, gettext_lazy("Beslut")),
    (Part.DOCUMENTS, gettext_lazy("Dokument")),
]

# Uplift is agreed in some agreements only: its part is never a gap.
OPTIONAL = {Part.UPLIFT}

TASK_PREFETCH = [
    Prefetch(
        "decisions",
        queryset=Decision.objects.select_related("organisation").order_by("pk"),
    ),
]

# What the summary says of each step: ready, blocked, done.
STEP_LABELS = {
    "propose": (
        gettext_lazy("Kan föreslås"),
        gettext_lazy("Kan inte föreslås än"),
        gettext_lazy("Föreslagen"),
    ),
    "issue": (
        gettext_lazy("Kan utfärdas"),
        gettext_lazy("Kan inte utfärdas än"),
        gettext_lazy("Utfärdad"),
    ),
    "sign": (
        gettext_lazy("Kan undertecknas"),
        gettext_lazy("Kan inte undertecknas än"),
        gettext_lazy("Undertecknad"),
    ),
}
SIGNED_OR_LATER = (S.SIGNED, S.ACTIVE, S.ENDED, S.TERMINATED)


@dataclass
class Task:
    """One part of the agreement: its status, the gaps in it and the form that completes it."""

    key: str
    label: str
    status: str
    problems: list
    target: Target
    optional: bool = False
    link: str | None = None  # set by FormAccess.link for the user who reads the list

    @property
    def status_label(self):
        return STATUS_LABELS[self.status]


@dataclass
class Step:
    """Proposing, issuing or signing: done, possible now, or what blocks it."""

    key: str
    done: bool
    blockers: list = field(default_factory=list)

    @property
    def label(self):
        ready, blocked, done = STEP_LABELS[self.key]
        return done if self.done else blocked if self.blockers else ready


@dataclass
class TaskList:
    tasks: list
    steps: list

    def linkable(self):
        """Every task, gap and blocker that may link to a form."""
        return [*self.tasks, *(p for t in self.tasks for p in t.problems)] + [
            b for s in self.steps for b in s.blockers
        ]


def task_list(agreement):
    """The agreement's parts with their status and gaps, and the steps with what blocks them."""
    # The gaps only, in the reader's language: the document's Swedish text is not shown here.
    gaps = agreement_gaps(agreement)  # prefetches AGREEMENT_PREFETCH
    parties = list(agreement.parties.all())
    lines = list(agreement.funding_lines.all())
    decisions = list(agreement.decisions.all())
    issued = agreement.issued_documents.filter(kind=DocumentKind.AGREEMENT).exists()
    found = {key: [] for key, _label in PARTS}
    for gap in gaps:
        found[gap.target.part if gap.target else Part.DOCUMENTS].append(gap)
    found[Part.DECISION] += _decision_gaps(agreement, decisions)
    if gaps and issued:
        found[Part.DOCUMENTS].append(
            Gap(_("Uppgifter saknas sedan överenskommelsen utfärdades."), _preview(agreement))
        )
    plans = [line for line in lines if getattr(line, "payment_plan", None) is not None]
    started = {
        Part.PARTIES: bool(parties),
        Part.TEXT: bool(agreement.subject.strip() or agreement.sections.all()),
        Part.FUNDING: bool(lines),
        Part.UPLIFT: any(line.has_uplift or line.has_uplift_text for line in lines),
        # A plan is needed for public parties' cash only: lines that need none are done.
        Part.PAYMENT_PLAN: bool(plans) or bool(lines and not found[Part.PAYMENT_PLAN]),
        Part.SIGNATORIES: any(ap.signatories.all() for ap in parties),
        Part.FOLLOWUP: bool(agreement.obligations.all()),
        Part.DECISION: bool(decisions),
        Part.DOCUMENTS: issued,
    }
    forms = _part_forms(agreement, decisions, found)
    tasks = [
        Task(
            key=key,
            label=label,
            status=COMPLETE
            if started[key] and not found[key]
            else INCOMPLETE
            if started[key]
            else NOT_STARTED,
            problems=found[key],
            target=forms[key],
            optional=key in OPTIONAL,
        )
        for key, label in PARTS
    ]
    return TaskList(tasks=tasks, steps=_steps(agreement, gaps))


def _preview(agreement):
    return Target(Part.DOCUMENTS, "documents:agreement_preview", agreement.pk, agreement)


def _decision_gaps(agreement, decisions):
    """A public party's missing approval (to be proposed, or recorded), and the gaps of each
    proposal not yet decided."""
    gaps = []
    open_proposals = [d for d in decisions if d.outcome == DecisionOutcome.PROPOSED]
    proposed_by = {d.organisation_id: d for d in open_proposals}
    for party in public_parties_without_approval(agreement):
        proposal = proposed_by.get(party.pk)
        target = (
            Target(Part.DECISION, "agreements:decision_record", proposal.pk, agreement, party.pk)
            if proposal
            else Target(
                Part.DECISION, "agreements:proposal_create", agreement.pk, agreement, party.pk
            )
        )
        gaps.append(
            Gap(_("Beslut om bifall saknas från %(party)s") % {"party": party.name}, target)
        )
    for decision in open_proposals:
        for gap in proposal_gaps(decision):
            message = _("Beslutsförslaget från %(org)s: %(gap)s") % {
                "org": decision.organisation.name,
                "gap": gap,
            }
            gaps.append(Gap(message, gap.target))
    return gaps


def _part_forms(agreement, decisions, found):
    """The form each part is completed in: that of its first gap, else the part's own page."""

    def own(part, name, pk=None):
        return Target(part, name, agreement.pk if pk is None else pk, agreement)

    open_proposal = next((d for d in decisions if d.outcome == DecisionOutcome.PROPOSED), None)
    defaults = {
        Part.PARTIES: own(Part.PARTIES, "agreements:edit"),
        Part.TEXT: own(Part.TEXT, "agreements:sections"),
        Part.FUNDING: own(Part.FUNDING, "funding:lines"),
        Part.UPLIFT: own(Part.UPLIFT, "funding:lines"),
        Part.PAYMENT_PLAN: own(Part.PAYMENT_PLAN, "funding:payments"),
        Part.SIGNATORIES: own(Part.SIGNATORIES, "agreements:signatories"),
        Part.FOLLOWUP: own(Part.FOLLOWUP, "agreements:obligations"),
        Part.DECISION: Target(
            Part.DECISION,
            "agreements:proposal_edit",
            open_proposal.pk,
            agreement,
            open_proposal.organisation_id,
        )
        if open_proposal
        else own(Part.DECISION, "agreements:proposal_create"),
        Part.DOCUMENTS: _preview(agreement),
    }
    return {
        key: next((g.target for g in found[key] if g.target), default)
        for key, default in defaults.items()
    }


def _steps(agreement, gaps):
    sign = []
    if agreement.status not in SIGNED_OR_LATER:
        sign = move_blockers(agreement, "sign")
        if agreement.status in (S.DRAFT, S.PROPOSED):
            sign += requirements_missing(agreement, S.DECIDED)
    detail = Target(Part.DECISION, "agreements:detail", agreement.pk, agreement)
    return [
        Step(
            "propose",
            done=agreement.status != S.DRAFT,
            blockers=[Gap(m, detail) for m in move_blockers(agreement, "propose")]
            if agreement.status == S.DRAFT
            else [],
        ),
        Step("issue", done=False, blockers=list(gaps)),
        Step(
            "sign",
            done=agreement.status in SIGNED_OR_LATER,
            blockers=[Gap(m, detail) for m in sign],
        ),
    ]


# Forms on the agreement that its parties' administrators fill in.
ADMINISTRATOR_FORMS = {
    "agreements:edit",
    "agreements:sections",
    "agreements:signatories",
    "agreements:contributions",
    "agreements:obligations",
}


class FormAccess:
    """Which forms that fill gaps the user may open, by the rules of access.py: a link is
    shown only to a user the form lets in."""

    def __init__(self, user):
        self.user = user
        self._funding = {}
        self._editable = set()

    def link(self, gaps):
        """Set `link` on each gap (and task): the URL of its form if the user may use it."""
        gaps = list(gaps)
        records = {g.target.pk for g in gaps if _name(g) == "agreements:party_edit"}
        if records:
            self._editable = set(
                parties_editable_by(self.user).filter(pk__in=records).values_list("pk", flat=True)
            )
        for gap in gaps:
            gap.link = self.url(gap.target)
        return gaps

    def url(self, target):
        if target is None:
            return None
        if self.allows(target):
            return target.url
        if target.name == "agreements:party_edit":
            # A partner's record is corrected by proposing the correction to its owner.
            return reverse("agreements:party_correct", args=[target.pk])
        return None

    def allows(self, target):
        user, name, agreement = self.user, target.name, target.agreement
        if name in ("documents:agreement_preview", "agreements:detail"):
            return True
        if name in ADMINISTRATOR_FORMS:
            return agreement is not None and has_role(user, agreement, ADMINISTRATOR)
        if name in ("funding:lines", "funding:payments"):
            return bool(self._funding_parties(agreement))
        if name == "funding:plan":
            return target.party_id in self._funding_parties(agreement)
        if name == "agreements:party_edit":
            return target.pk in self._editable
        if name == "agreements:proposal_create":
            # A party's own proposal is prepared by its secretaries.
            if target.party_id is not None:
                return self._holds(target.party_id, SECRETARY)
            return may_propose(user, agreement)
        if name in ("agreements:proposal_edit", "agreements:decision_record"):
            return self._holds(target.party_id, SECRETARY)
        if name == "agreements:decision_correct":
            return self._holds(target.party_id, SECRETARY, ADMINISTRATOR)
        return False

    def _funding_parties(self, agreement):
        if agreement.pk not in self._funding:
            self._funding[agreement.pk] = funding_parties_for(self.user, agreement)
        return self._funding[agreement.pk]

    def _holds(self, party_id, *roles):
        return self.user.is_superuser or party_id in party_ids_of(self.user, *roles)


def _name(gap):
    return gap.target.name if gap.target else None
