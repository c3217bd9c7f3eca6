"""The agreement's life cycle: draft → proposed → decided → signed → active → ended/terminated.

Also the decisions that move it (proposal prepared, decision recorded, a recorded decision
corrected) and the successor agreement ("fortsätt / förläng") pre-filled from its predecessor.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agreements.access import ADMINISTRATOR, SECRETARY, acting_parties_for, party_ids_of, roles_on
from agreements.models import (
    Agreement,
    AgreementEvent,
    AgreementParty,
    AgreementSection,
    AgreementStatus,
    CapacityTarget,
    CaseDocument,
    Decision,
    DecisionAgreement,
    DecisionCondition,
    DecisionItem,
    DecisionOutcome,
    DecisionRecord,
    IssuedDocument,
    PartyRole,
    PredecessorRelation,
    ResourceContribution,
    Signatory,
)
from funding.models import Share

from ..due.invalidation import mark_changed
from . import DomainError
from .conflicts import RowGroup, check_version
from .reports import ensure_reports
from .rows import save_rows, validate

S = AgreementStatus


@dataclass(frozen=True)
class Move:
    name: str
    label: str
    sources: tuple
    target: str
    roles: tuple
    needs_date: bool = False


A, SEC = (ADMINISTRATOR,), (ADMINISTRATOR, SECRETARY)
MOVES = {
    m.name: m
    for m in [
        Move("propose", gettext_lazy("Skicka till beslut"), (S.DRAFT,), S.PROPOSED, A),
        Move("withdraw", gettext_lazy("Ta tillbaka till utkast"), (S.PROPOSED,), S.DRAFT, A),
        Move("decide", gettext_lazy("Markera som beslutad"), (S.PROPOSED,), S.DECIDED, SEC),
        Move("sign", gettext_lazy("Markera som undertecknad"), (S.DECIDED,), S.SIGNED, A, True),
        Move("activate", gettext_lazy("Aktivera"), (S.SIGNED,), S.ACTIVE, A),
        Move("end", gettext_lazy("Avsluta"), (S.ACTIVE,), S.ENDED, A),
        Move("terminate", gettext_lazy("Säg upp"), (S.SIGNED, S.ACTIVE), S.TERMINATED, A, True),
    ]
}


def moves_for(agreement, roles):
    """The moves the holder of roles may offer from the agreement's current status."""
    return [
        m for m in MOVES.values() if agreement.status in m.sources and set(m.roles) & set(roles)
    ]


def may_create_successor(agreement, roles):
    """Whether a successor may be created: by an administrator, once the agreement is decided."""
    return ADMINISTRATOR in roles and agreement.status not in (S.DRAFT, S.PROPOSED)


def public_parties_without_approval(agreement):
    """Public parties with no approved decision covering the agreement."""
    prefetched = getattr(agreement, "_prefetched_objects_cache", {})
    if "decisions" in prefetched:  # the caller's prefetch is read
        approved = {
            d.organisation_id
            for d in agreement.decisions.all()
            if d.outcome == DecisionOutcome.APPROVED
        }
    else:
        approved = set(
            agreement.decisions.filter(outcome=DecisionOutcome.APPROVED).values_list(
                "organisation_id", flat=True
            )
        )
    parties = agreement.parties.all()
    if "parties" not in prefetched:
        parties = parties.select_related("party")
    return [
        ap.party for ap in parties if ap.role == PartyRole.PUBLIC and ap.party_id not in approved
    ]


@dataclass(frozen=True)
class Missing:
    """What an agreement lacks to reach a status: the public parties without an approval
    and the funding lines whose amount is not fixed yet."""

    parties: list
    lines: list


def missing_for(agreement, target):
    """What the agreement lacks to take a step to status target, whatever its status now:
    every public party's approval (to be decided, and to be activated) and every amount
    fixed (to be activated). Reads the caller's prefetched decisions, parties and funding
    lines."""
    return Missing(
        parties=public_parties_without_approval(agreement)
        if target in (S.DECIDED, S.ACTIVE)
        else [],
        lines=_pending_lines(agreement) if target == S.ACTIVE else [],
    )


def requirements_missing(agreement, target):
    """What missing_for finds, as messages (none when nothing is missing)."""
    missing = missing_for(agreement, target)
    messages = []
    if missing.parties:
        messages.append(
            _("Beslut om bifall saknas från: %(parties)s.")
            % {"parties": ", ".join(p.name for p in missing.parties)}
        )
    if missing.lines:
        messages.append(
            _("Belopp ej fastställt för: %(lines)s. Ange beloppet innan du aktiverar.")
            % {"lines": ", ".join(str(line) for line in missing.lines)}
        )
    return messages


def why_not(agreement, move):
    """Why a move allowed from the agreement's status cannot succeed now (the first fact
    missing_for finds, told as what the step waits for), or "" when it can."""
    m = MOVES[move]
    missing = missing_for(agreement, m.target)
    if missing.parties:
        names = {"parties": ", ".join(p.name for p in missing.parties)}
        if m.target == S.DECIDED:
            return _("Kan markeras som beslutad när %(parties)s har beslutat.") % names
        return _("Kan aktiveras när %(parties)s har beslutat.") % names
    if missing.lines:
        return _("Kan aktiveras när beloppet är fastställt för: %(lines)s.") % {
            "lines": ", ".join(str(line) for line in missing.lines)
        }
    return ""


def _pending_lines(agreement):
    if "funding_lines" in getattr(agreement, "_prefetched_objects_cache", {}):
        return [line for line in agreement.funding_lines.all() if line.amount_pending]
    return list(agreement.funding_lines.filter(amount_pending=True).select_related("party"))


def move_blockers(agreement, move):
    """Why the agreement cannot take the move now, whoever asks: its status, then what
    requirements_missing finds. Messages, none when it can."""
    m = MOVES[move]
    if agreement.status not in m.sources:
        return [
            _("Steget går inte från status %(status)s.")
            % {"status": agreement.get_status_display()}
        ]
    return requirements_missing(agreement, m.target)


@transaction.atomic
def move_agreement(*, agreement, move, by, on=None, party=None):
    """Move the agreement one step in its life cycle, if the user's role and the facts allow,
    as the act of party (one the user acts for with the step's role; None: the only one).

    A step changes the agreement all parties share, nothing of theirs: notice given by one
    party ends the agreement for all, recorded as that party's, and leaves every party's
    funding lines and payments as they are.
    """
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    m = MOVES.get(move)
    if m is None:
        raise DomainError(_("Okänt steg."))
    # The status first, then the role, then the facts: a wrong step is told as such.
    blockers = move_blockers(agreement, move)
    if blockers and agreement.status not in m.sources:
        raise DomainError(blockers[0])
    acting = acting_party(agreement=agreement, by=by, roles=m.roles, party=party)
    if m.needs_date and on is None:
        raise DomainError(_("Ange ett datum."))
    if blockers:
        raise DomainError(blockers[0])
    if m.target == S.SIGNED:
        agreement.signed_on = on
    if m.target == S.TERMINATED:
        agreement.terminated_on = on
    agreement.status = m.target
    agreement._history_user = by
    agreement.save()
    record_event(agreement=agreement, kind=m.name, by=by, party_id=acting, on=on)
    refresh_reports(agreement)
    return agreement


def acting_party(*, agreement, by, roles, party=None):
    """The id of the organisation an act on the agreement is recorded for: party if the user
    acts for it with one of roles, else the only one they act for; None for a superuser who
    names none and belongs to none of its parties. DomainError when the role does not allow
    the act or the user acts for several parties and named none."""
    acting = acting_parties_for(by, agreement, *roles)
    if party is not None:
        if party.pk not in acting:
            raise DomainError(_("Din roll får inte ta det steget."))
        return party.pk
    if by.is_superuser:
        acting = [pk for pk in acting if pk in party_ids_of(by, *roles)]
        return acting[0] if len(acting) == 1 else None
    if not acting:
        raise DomainError(_("Din roll får inte ta det steget."))
    if len(acting) > 1:
        raise DomainError(_("Välj vilken organisation du agerar för."))
    return acting[0]


def record_change(*, agreement, kind, by):
    """Record registering the agreement or changing its shared terms as the act of the
    first of its parties the user administers (the edit page names none)."""
    administered = set(party_ids_of(by, ADMINISTRATOR)) if by is not None else set()
    own = (ap.party_id for ap in agreement.parties.all() if ap.party_id in administered)
    party_id = next(own, None)
    return record_event(agreement=agreement, kind=kind, by=by, party_id=party_id)


def record_event(*, agreement, kind, by, party_id, on=None):
    """Record an act on the agreement as the act of the organisation party_id."""
    user = by if by is not None and by.is_authenticated else None
    return AgreementEvent.objects.create(
        agreement=agreement, kind=kind, party_id=party_id, user=user, on=on
    )


# Statuses in which the agreement's reports are expected (and get rows a person can move).
REPORTING = (S.DECIDED, S.SIGNED, S.ACTIVE)


def refresh_reports(agreement):
    """Create the report rows the obligations ask for, once the agreement is decided."""
    if agreement.status in REPORTING:
        ensure_reports(agreement=agreement)


def prepare_proposal(
    *, agreement, organisation, by, items=(), case_documents=(), conditions=(), **fields
):
    """Create the decision proposal of one public party for an agreement, with its items,
    case documents and conditions (rows as agreements.services.rows takes them)."""
    try:
        with transaction.atomic():
            if not agreement.parties.filter(party=organisation).exists():
                raise DomainError(_("Organisationen är inte part i överenskommelsen."))
            decision = Decision(
                organisation=organisation,
                outcome=DecisionOutcome.PROPOSED,
                title=fields.pop("title", "") or agreement.title,
                **fields,
            )
            decision.full_clean()
            decision._history_user = by
            decision.save()
            decision.agreements.add(agreement)
            _save_proposal_rows(
                decision, by, items=items, case_documents=case_documents, conditions=conditions
            )
            meet_conditions(decision=decision)
    except IntegrityError:
        raise DomainError(_("Någon annan ändrade samtidigt. Kontrollera och spara igen.")) from None
    return decision


def change_proposal(
    *, decision, version, by, items=(), case_documents=(), conditions=(), agreements=None, **fields
):
    """Change a proposal that is not decided yet, with its items, case documents and
    conditions; fields are the proposal's own, validated. agreements, if given, are all the
    agreements the decision covers (see link_agreements). version: the Decision.version the
    proposal was loaded at; EditConflict (nothing saved) if it has moved on."""
    rows = {"items": items, "case_documents": case_documents, "conditions": conditions}
    try:
        with transaction.atomic():
            decision = Decision.objects.select_for_update().get(pk=decision.pk)
            check_version(
                decision,
                version,
                where=_("Förslaget"),
                posted=fields,
                groups=_proposal_groups(decision, rows),
            )
            if decision.outcome != DecisionOutcome.PROPOSED:
                raise DomainError(_("Beslutet är fattat; förslaget kan inte längre ändras."))
            for name, value in fields.items():
                setattr(decision, name, value)
            validate(decision, fields)
            decision.version += 1
            decision._history_user = by
            decision.save()
            if agreements is not None:
                link_agreements(decision=decision, agreements=agreements)
            _save_proposal_rows(decision, by, **rows)
            meet_conditions(decision=decision)
    except IntegrityError:
        raise DomainError(_("Någon annan ändrade samtidigt. Kontrollera och spara igen.")) from None
    return decision


def link_agreements(*, decision, agreements):
    """Make agreements all the agreements the decision covers, listed in the order given: at
    least one, each with the deciding organisation as a public party, and every one the
    proposal was issued under."""
    agreements = list(dict.fromkeys(agreements))
    if not agreements:
        raise DomainError(_("Välj minst en överenskommelse."))
    public = set(
        AgreementParty.objects.filter(
            agreement__in=agreements, party_id=decision.organisation_id, role=PartyRole.PUBLIC
        ).values_list("agreement_id", flat=True)
    )
    outside = [a for a in agreements if a.pk not in public]
    if outside:
        raise DomainError(
            _("%(org)s är inte offentlig part i %(agreements)s.")
            % {
                "org": decision.organisation.name,
                "agreements": ", ".join(str(a) for a in outside),
            }
        )
    issued_under = (
        IssuedDocument.objects.filter(decision=decision)
        .exclude(agreement__in=agreements)
        .select_related("agreement")
        .first()
    )
    if issued_under is not None:
        raise DomainError(
            _("Beslutsförslaget är utfärdat under %(agreement)s, som därför inte kan tas bort.")
            % {"agreement": issued_under.agreement}
        )
    decision.agreements.set(agreements)
    DecisionAgreement.objects.filter(decision=decision).update(
        position=Case(
            *(When(agreement_id=a.pk, then=Value(place)) for place, a in enumerate(agreements)),
            default=F("position"),
            output_field=DecisionAgreement._meta.get_field("position"),
        )
    )


# A proposal's rows: where they hang, their model, the fields a row sets, what a row is called.
PROPOSAL_ROWS = [
    ("items", DecisionItem, ("number", "text"), gettext_lazy("Punkt")),
    ("case_documents", CaseDocument, ("number", "title"), gettext_lazy("Dokument")),
    ("conditions", DecisionCondition, ("party", "body"), gettext_lazy("Villkor")),
]


def _proposal_groups(decision, rows):
    return [
        RowGroup(
            name,
            str(label),
            model,
            "decision",
            row_fields,
            getattr(decision, name).all(),
            rows[name],
        )
        for name, model, row_fields, label in PROPOSAL_ROWS
    ]


# Numbers are unique per proposal and rows are written one at a time: an item renumbered
# (moved) or removed first steps aside to a number no item has, so that none meets another's
# number half-way through the save.
ASIDE = 10_000


def _save_proposal_rows(decision, by, **rows):
    numbers = dict(decision.items.values_list("pk", "number"))
    aside = [
        row["id"]
        for row in rows["items"]
        if row.get("id") in numbers
        and (row.get("delete") or row.get("number", numbers[row["id"]]) != numbers[row["id"]])
    ]
    if aside:
        decision.items.filter(pk__in=aside).update(number=F("number") + ASIDE)
    for name, model, fields, _label in PROPOSAL_ROWS:
        save_rows(
            rows[name],
            children=getattr(decision, name),
            fields=fields,
            new=lambda model=model: model(decision=decision),
            by=by,
        )


def _check_decided_on(decided_on, today):
    if not decided_on:
        raise DomainError(_("Ange beslutsdatum."))
    if decided_on > today:
        raise DomainError(_("Beslutsdatumet kan inte ligga i framtiden."))


def _check_recorded_values(decided_on, outcome, today):
    if outcome == DecisionOutcome.PROPOSED:
        raise DomainError(_("Ange vad som beslutades."))
    _check_decided_on(decided_on, today)


def check_record(*, decision, decided_on, outcome, today):
    """Refuse what record_decision would refuse before anything is locked: no outcome, a date
    after today, a decision recorded already (the page asks for confirmation only then)."""
    _check_recorded_values(decided_on, outcome, today)
    if decision.outcome != DecisionOutcome.PROPOSED:
        raise DomainError(_("Beslutet är redan registrerat. Ett fel i det rättas med en rättelse."))


@transaction.atomic
def record_decision(
    *, decision, version, body, decided_on, paragraph, outcome, summary="", by, today
):
    """Record, once, what the body decided, on the decision as loaded at version
    (EditConflict if it has moved on); a mistake is corrected later by correct_decision.
    A decision dated after today is refused. A proposed agreement moves on when every public
    party has approved it."""
    _check_recorded_values(decided_on, outcome, today)
    recorded = {"body": body, "decided_on": decided_on, "paragraph": paragraph}
    recorded |= {"outcome": outcome, "summary": summary}
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    check_version(decision, version, where=_("Beslutet"), posted=recorded)
    if decision.outcome != DecisionOutcome.PROPOSED:
        raise DomainError(_("Beslutet är redan registrerat. Ett fel i det rättas med en rättelse."))
    decision.body = body
    decision.decided_on = decided_on
    decision.paragraph = paragraph
    decision.outcome = outcome
    if summary:
        decision.summary = summary
    decision.full_clean()
    _save_decision(decision, by)
    record = _as_recorded(decision)
    record.recorded_by, record.recorded_at = by, timezone.now()
    record.save()
    if outcome == DecisionOutcome.APPROVED:
        _approval_takes_effect(decision, by)
    return decision


def check_correction(*, decision, body, decided_on, paragraph, outcome, summary, reason, today):
    """The correction (an unsaved DecisionRecord of the decision's current record) these
    values make; DomainError if it may not be made."""
    if decision.outcome == DecisionOutcome.PROPOSED:
        raise DomainError(_("Beslutet är inte registrerat än."))
    if outcome == DecisionOutcome.PROPOSED:
        raise DomainError(_("Ange vad som beslutades."))
    _check_decided_on(decided_on, today)
    if not reason.strip():
        raise DomainError(_("Skriv varför beslutet rättas."))
    correction = DecisionRecord(
        decision=decision,
        corrects=_as_recorded(decision),
        body=body,
        decided_on=decided_on,
        paragraph=paragraph,
        outcome=outcome,
        summary=summary,
        reason=reason.strip(),
    )
    if not correction.changes():
        raise DomainError(_("Rättelsen ändrar ingenting."))
    return correction


@transaction.atomic
def correct_decision(*, decision, version, reason, by, today, **values):
    """Correct what was recorded of a decision (values: body, decided_on, paragraph, outcome,
    summary) as loaded at version (EditConflict if it has moved on), and return the correction.

    The correction is a new record that replaces the latest, with the reason, who and when;
    the record it corrects stays, shown as corrected, and the decision (and so every document
    printed from now on) carries the corrected values. An approval it adds takes effect as on
    recording; conditions met by an approval it takes back are open again. An agreement's
    status is not moved back: its page shows the approval it now lacks.
    """
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    check_version(decision, version, where=_("Beslutet"), posted=values)
    correction = check_correction(decision=decision, reason=reason, today=today, **values)
    was_approved = decision.outcome == DecisionOutcome.APPROVED
    correction.corrects = decision.records.filter(corrected_by__isnull=True).last()
    if correction.corrects is None:  # recorded before records were kept
        correction.corrects = _as_recorded(decision)
        correction.corrects.save()
    correction.recorded_by, correction.recorded_at = by, timezone.now()
    correction.full_clean()
    correction.save()
    for name in DecisionRecord.FIELDS:
        setattr(decision, name, getattr(correction, name))
    decision.full_clean()
    _save_decision(decision, by)
    approved = decision.outcome == DecisionOutcome.APPROVED
    if approved and not was_approved:
        _approval_takes_effect(decision, by)
    elif was_approved and not approved:
        _approval_taken_back(decision)
    return correction


def _as_recorded(decision):
    """An unsaved record of what the decision holds as decided."""
    return DecisionRecord(
        decision=decision, **{name: getattr(decision, name) for name in DecisionRecord.FIELDS}
    )


def _save_decision(decision, by):
    decision.version += 1
    decision._history_user = by
    decision.save()


def _agreements_of_decisions(decisions):
    return Decision.agreements.through.objects.filter(decision_id__in=decisions).values(
        "agreement_id"
    )


def _approval_takes_effect(decision, by):
    """Meet the conditions that waited for this approval, and move each agreement it covers
    that waits for decisions on once every public party has approved it."""
    met = DecisionCondition.objects.filter(
        party=decision.organisation,
        satisfied_by__isnull=True,
        decision__agreements__in=decision.agreements.all(),
    )
    mark_changed(_agreements_of_decisions(met.values("decision_id")))
    met.update(satisfied_by=decision)
    move_on_approval(decision=decision, by=by)


def _approval_taken_back(decision):
    """Open again the conditions this decision's approval had met."""
    unmet = DecisionCondition.objects.filter(satisfied_by=decision)
    mark_changed(_agreements_of_decisions(unmet.values("decision_id")))
    unmet.update(satisfied_by=None)


def move_on_approval(*, decision, by):
    """Move each agreement the approved decision covers that waits for decisions (a draft or
    a proposed one) to decided once every public party has approved it, recorded as the act
    of the deciding organisation."""
    waiting = decision.agreements.filter(status__in=(S.DRAFT, S.PROPOSED)).values("pk")
    # Locked before the check: two last approvals recorded at once wait for each other, so
    # the second sees the first and moves the agreement.
    for agreement in Agreement.objects.select_for_update().filter(pk__in=waiting).order_by("pk"):
        if public_parties_without_approval(agreement):
            continue
        agreement.status = S.DECIDED
        agreement._history_user = by
        agreement.save()
        record_event(
            agreement=agreement, kind=MOVES["decide"].name, by=by, party_id=decision.organisation_id
        )
        refresh_reports(agreement)


def meet_conditions(*, decision):
    """Meet the decision's open conditions on a party that has already approved one of the
    decision's agreements (a condition added after that party decided)."""
    for condition in decision.conditions.filter(satisfied_by__isnull=True):
        approval = (
            Decision.objects.filter(
                organisation_id=condition.party_id,
                outcome=DecisionOutcome.APPROVED,
                agreements__in=decision.agreements.all(),
            )
            .exclude(pk=decision.pk)
            .order_by("decided_on", "pk")
            .first()
        )
        if approval is not None:
            condition.satisfied_by = approval
            condition.save(update_fields=["satisfied_by"])


def _shift_years(d, years):
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


@transaction.atomic
def create_successor(*, agreement, relation, by):
    """Create the next agreement, pre-filled from this one and linked to it."""
    if relation not in PredecessorRelation.values:
        raise DomainError(_("Ange om överenskommelsen fortsätts eller förlängs."))
    if agreement.status in (S.DRAFT, S.PROPOSED):
        raise DomainError(_("Bara en beslutad överenskommelse kan fortsättas eller förlängas."))
    if by is not None and not by.is_superuser and ADMINISTRATOR not in roles_on(by, agreement):
        raise DomainError(_("Din roll får inte ta det steget."))
    length_years = agreement.period_end.year - agreement.period_start.year + 1
    if relation == PredecessorRelation.EXTENDS and agreement.extension_months:
        length_years = max(1, agreement.extension_months // 12)
    start = agreement.period_end + timedelta(days=1)
    end = _shift_years(start, length_years) - timedelta(days=1)
    offset = start.year - agreement.period_start.year
    successor = Agreement.objects.create(
        title=agreement.title,
        subject=agreement.subject,
        period_start=start,
        period_end=end,
        extension_months=agreement.extension_months,
        notice_months=agreement.notice_months,
        status=S.DRAFT,
        predecessor=agreement,
        predecessor_relation=relation,
        contributions_intro=agreement.contributions_intro,
        renegotiation_text=agreement.renegotiation_text,
        signed_digitally=agreement.signed_digitally,
    )
    AgreementSection.objects.bulk_create(
        AgreementSection(agreement=successor, position=s.position, heading=s.heading, body=s.body)
        for s in agreement.sections.all()
    )
    for ap in agreement.parties.prefetch_related("signatories", "contributions"):
        new = AgreementParty.objects.create(
            agreement=successor,
            party_id=ap.party_id,
            role=ap.role,
            unit=ap.unit,
            short_name=ap.short_name,
            position=ap.position,
        )
        Signatory.objects.bulk_create(
            Signatory(agreement_party=new, name=s.name, title=s.title, position=s.position)
            for s in ap.signatories.all()
        )
        ResourceContribution.objects.bulk_create(
            ResourceContribution(
                agreement_party=new, position=c.position, description=c.description
            )
            for c in ap.contributions.all()
        )
    for o in agreement.obligations.all():
        o.pk = o.id = None
        o.agreement = successor
        if o.due_date:
            o.due_date = _shift_years(o.due_date, offset)
        o.save()
    CapacityTarget.objects.bulk_create(
        CapacityTarget(
            agreement=successor,
            description=t.description,
            quantity=t.quantity,
            approximate=t.approximate,
        )
        for t in agreement.capacity_targets.all()
    )
    years = set(successor.funding_years)
    lines = agreement.funding_lines.prefetch_related("shares").select_related("payment_plan")
    for line in lines:
        shares = list(line.shares.all())
        plan = getattr(line, "payment_plan", None)
        line.pk = line.id = None
        line.agreement = successor
        if line.uplift_first_year:
            line.uplift_first_year += offset
        line.save()
        Share.objects.bulk_create(
            Share(line=line, year=s.year + offset, amount=s.amount)
            for s in shares
            if s.year + offset in years
        )
        if plan is not None:
            plan.pk = plan.id = None
            plan.line = line
            plan.save()
    return successor
