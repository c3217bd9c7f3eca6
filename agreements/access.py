"""Who may see and do what: the one place that answers it.

Another organisation's object answers 404 (its existence must not leak); a visible object
the user's role may not change answers 403.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404

from funding.models import FundingLine, IndexSeries, IndexValue, Payment

from .models import (
    EDITABLE_REPORT_STATUSES,
    Agreement,
    AgreementParty,
    Decision,
    DueItem,
    Invitation,
    IssuedDocument,
    Meeting,
    Membership,
    Party,
    PartyCorrection,
    PartyKind,
    PartyRole,
    Report,
    ReportAttachment,
    Role,
)
from .numbers import normalize_org_number

ADMINISTRATOR = Role.ADMINISTRATOR
COORDINATOR = Role.COORDINATOR
SECRETARY = Role.SECRETARY


def memberships_of(user):
    """(party id, role) of every membership of the user, read once per user object.

    Kept on the user object as Django's ModelBackend keeps permissions (_perm_cache): the
    middleware loads the user afresh for every request, so a request reads them once.
    """
    if not user.is_authenticated:
        return ()
    try:
        return user._iop_memberships
    except AttributeError:
        user._iop_memberships = tuple(
            Membership.objects.filter(user=user).order_by("pk").values_list("party_id", "role")
        )
        return user._iop_memberships


def party_ids_of(user, *roles):
    """Ids of the organisations the user belongs to (with one of roles, if given)."""
    return list(
        dict.fromkeys(party for party, role in memberships_of(user) if not roles or role in roles)
    )


def user_roles(user):
    """Every role the user holds in any organisation (for menus, not for object access)."""
    return {role for _, role in memberships_of(user)}


def is_any(user, *roles):
    """Whether the user holds one of roles in some organisation (superusers hold all)."""
    return user.is_authenticated and (user.is_superuser or bool(user_roles(user) & set(roles)))


def require_any(user, *roles):
    """403 unless the user holds one of roles somewhere."""
    if not is_any(user, *roles):
        raise PermissionDenied


def agreements_visible_to(user):
    """The only queryset agreement lists start from."""
    if not user.is_authenticated:
        return Agreement.objects.none()
    if user.is_superuser:
        return Agreement.objects.all()
    return _agreements_of(party_ids_of(user))


def _agreements_of(party_ids):
    """Agreements to which one of these organisations is party. The user's organisations are
    read once per user object, so once per request (memberships_of): the check is one index
    probe per agreement
    instead of a join through the organisations and their memberships."""
    if not party_ids:
        return Agreement.objects.none()
    return Agreement.objects.filter(
        Exists(AgreementParty.objects.filter(agreement=OuterRef("pk"), party_id__in=party_ids))
    )


def agreements_of_own_organisation(user, party):
    """The agreements of an organisation the user belongs to (as get_own_party_for finds it),
    every one of which the user sees; none for any other organisation. Asked for directly, not
    as the visible agreements narrowed to the organisation: the two conditions overlap, and
    PostgreSQL, taking them as independent, expects a fifth of the rows and picks nested
    loops."""
    if not (user.is_superuser or party.pk in party_ids_of(user)):
        return Agreement.objects.none()
    return _agreements_of([party.pk])


def due_items_visible_to(user):
    """Stored due items (agreements.models.DueItem) of the agreements the user sees, each once.

    The items are stored once per party of their agreement: a member of one organisation
    reads its own rows off the (party, due date) index; a superuser, or a member of several
    organisations, one row per item.
    """
    if not user.is_authenticated:
        return DueItem.objects.none()
    if user.is_superuser:
        return DueItem.objects.filter(first=True)
    parties = party_ids_of(user)
    if len(parties) == 1:
        return DueItem.objects.filter(party_id=parties[0])
    return DueItem.objects.filter(first=True, agreement__in=agreements_visible_to(user))


def agreements_with_role(user, *roles):
    """Agreements to which an organisation where the user holds one of roles is party."""
    if not user.is_authenticated:
        return Agreement.objects.none()
    if user.is_superuser:
        return Agreement.objects.all()
    return _agreements_of(party_ids_of(user, *roles))


def parties_visible_to(user):
    """Organisations the user belongs to, those party to agreements the user sees, and those
    the user's organisations registered that have no users of their own yet."""
    if not user.is_authenticated:
        return Party.objects.none()
    if user.is_superuser:
        return Party.objects.all()
    own = party_ids_of(user)
    if not own:
        return Party.objects.none()
    visible = _agreements_of(own)
    return Party.objects.filter(
        Exists(AgreementParty.objects.filter(party=OuterRef("pk"), agreement__in=visible))
        | Q(pk__in=own)
        | _unclaimed_registered_by(own)
    )


# Who changes an organisation's record (name, organisationsnummer, address, bankgiro, contact
# people): its own administrators and coordinators (a non-profit's users are coordinators).
# Sharing an agreement grants no right to it: partners propose a correction instead.
RECORD_EDITORS = (ADMINISTRATOR, COORDINATOR)


def _unclaimed_registered_by(party_ids):
    """Organisations registered by one of party_ids that have no user who may change them."""
    return Q(registered_by_id__in=party_ids) & ~Exists(
        Membership.objects.filter(party=OuterRef("pk"), role__in=RECORD_EDITORS)
    )


def parties_editable_by(user):
    """Organisations whose record the user may change: those where the user is an
    administrator or coordinator, and those registered by an organisation the user
    administers that have no administrator or coordinator of their own yet."""
    if not user.is_authenticated:
        return Party.objects.none()
    if user.is_superuser:
        return Party.objects.all()
    editors_of = party_ids_of(user, *RECORD_EDITORS)
    administered = party_ids_of(user, ADMINISTRATOR)
    if not editors_of:
        return Party.objects.none()
    return Party.objects.filter(Q(pk__in=editors_of) | _unclaimed_registered_by(administered))


def may_edit_party(user, party):
    return parties_editable_by(user).filter(pk=party.pk).exists()


def may_set_two_factor_policy(user, party):
    """Whether the user may require two factors of the organisation's members: its own
    administrators only (not a registering organisation's, nor a partner's)."""
    return user.is_superuser or party.pk in party_ids_of(user, ADMINISTRATOR)


def parties_offered_to(user):
    """The organisations offered in a list when an administrator picks the parties of an
    agreement: those the user already sees. Any other is found only by its exact
    organisationsnummer (party_with_org_number): a list of every organisation of the
    system would show each tenant every other tenant."""
    return parties_visible_to(user)


def party_with_org_number(value):
    """The organisation with exactly this organisationsnummer, or None (also for a number
    that is not one)."""
    try:
        number = normalize_org_number(value)
    except ValidationError:
        return None
    return Party.objects.filter(org_number=number).first()


def proposing_organisation(user, party):
    """The user's organisation a correction of party is proposed for: one sharing an
    agreement with it, else the user's first (None for a superuser without any)."""
    own = party_ids_of(user)
    shared = (
        AgreementParty.objects.filter(
            party_id__in=own,
            agreement__in=AgreementParty.objects.filter(party=party).values("agreement_id"),
        )
        .exclude(party=party)
        .order_by("party_id")
        .values_list("party_id", flat=True)
        .first()
    )
    chosen = shared or next(iter(own), None)
    return Party.objects.filter(pk=chosen).first() if chosen else None


def decisions_visible_to(user):
    if not user.is_authenticated:
        return Decision.objects.none()
    if user.is_superuser:
        return Decision.objects.all()
    own = party_ids_of(user)
    if not own:
        return Decision.objects.none()
    through = Decision.agreements.through
    return Decision.objects.filter(
        Exists(through.objects.filter(decision=OuterRef("pk"), agreement__in=_agreements_of(own)))
        | Q(organisation_id__in=own)
    )


def decisions_of_own_organisations(user):
    """Decisions of the organisations the user belongs to (all visible to their members)."""
    return Decision.objects.filter(organisation_id__in=party_ids_of(user))


def reports_visible_to(user):
    return Report.objects.filter(agreement__in=agreements_visible_to(user))


def roles_on(user, agreement):
    """The roles the user holds in organisations that are party to the agreement."""
    if not user.is_authenticated:
        return set()
    if "parties" in getattr(agreement, "_prefetched_objects_cache", {}):
        parties = {ap.party_id for ap in agreement.parties.all()}
    else:
        parties = set(agreement.parties.values_list("party_id", flat=True))
    return {role for party, role in memberships_of(user) if party in parties}


def acting_roles(user, agreement):
    """The roles the user acts in on the agreement: those held in its parties, every role for
    a superuser."""
    if user.is_superuser:
        return {ADMINISTRATOR, COORDINATOR, SECRETARY}
    return roles_on(user, agreement)


def acting_parties_for(user, agreement, *roles):
    """Ids of the agreement's parties, in its order, for which the user acts with one of
    roles (every party for a superuser): whose act a step of its life cycle is."""
    if not user.is_authenticated:
        return []
    parties = [ap.party_id for ap in agreement.parties.all()]
    if user.is_superuser:
        return parties
    held = {party for party, role in memberships_of(user) if role in roles}
    return [party for party in parties if party in held]


def has_role(user, agreement, *roles):
    return user.is_superuser or bool(roles_on(user, agreement) & set(roles))


def require_role(user, agreement, *roles):
    """403 unless the user holds one of roles in an organisation party to the agreement."""
    if not has_role(user, agreement, *roles):
        raise PermissionDenied


def get_agreement_for(user, pk, *, roles=None):
    """The agreement if the user may see it (else 404); with roles, 403 unless one is held."""
    agreement = get_object_or_404(agreements_visible_to(user), pk=pk)
    if roles:
        require_role(user, agreement, *roles)
    return agreement


def get_own_party_for(user, pk):
    """An organisation the user belongs to (any role); 404 for any other."""
    if user.is_superuser:
        return get_object_or_404(Party, pk=pk)
    return get_object_or_404(Party.objects.filter(pk__in=party_ids_of(user)), pk=pk)


def _held_in(user, party_id):
    return {role for party, role in memberships_of(user) if party == party_id}


def get_decision_for(user, pk, *, roles=None):
    """The decision if the user may see it (else 404); with roles, 403 unless one is held
    in the deciding organisation."""
    decision = get_object_or_404(decisions_visible_to(user).select_related("organisation"), pk=pk)
    if (
        roles
        and not user.is_superuser
        and not _held_in(user, decision.organisation_id) & set(roles)
    ):
        raise PermissionDenied
    return decision


def get_report_for(user, pk, *, edit=False, review=False):
    """The report if its agreement is visible (else 404); with edit, 403 unless the user is
    a coordinator of the reporting organisation; with review, unless may_review_report."""
    report = get_object_or_404(
        reports_visible_to(user).select_related(
            "agreement", "party", "submitted_by", "reviewed_by", "obligation"
        ),
        pk=pk,
    )
    if edit and not user.is_superuser and COORDINATOR not in _held_in(user, report.party_id):
        raise PermissionDenied
    if review and not may_review_report(user, report):
        raise PermissionDenied
    return report


def may_review_report(user, report):
    """Whether the user approves or returns the report: an administrator of the party the
    obligation names as recipient, else of any other party to the agreement than the one
    reporting."""
    if user.is_superuser:
        return True
    recipient = report.obligation.recipient_id if report.obligation else None
    administered = set(party_ids_of(user, ADMINISTRATOR))
    if recipient is not None:
        return recipient in administered
    parties = set(report.agreement.parties.values_list("party_id", flat=True))
    return bool((parties - {report.party_id}) & administered)


def attachments_visible_to(user):
    """Report attachments of the agreements the user sees (their reports' rule)."""
    return ReportAttachment.objects.filter(report__agreement__in=agreements_visible_to(user))


def get_attachment_for(user, pk, *, edit=False):
    """A report attachment, through its report's access rule."""
    attachment = get_object_or_404(attachments_visible_to(user), pk=pk)
    get_report_for(user, attachment.report_id, edit=edit)
    return attachment


def get_meeting_for(user, pk, *, roles=None):
    """A meeting of a visible agreement (else 404); with roles, 403 unless one is held."""
    meeting = get_object_or_404(
        Meeting.objects.filter(agreement__in=agreements_visible_to(user)).select_related(
            "agreement"
        ),
        pk=pk,
    )
    if roles and not has_role(user, meeting.agreement, *roles):
        raise PermissionDenied
    return meeting


# Who registers a meeting of an agreement: the administrators and coordinators of its parties.
MEETING_REGISTRARS = (ADMINISTRATOR, COORDINATOR)


def may_change_meeting(user, meeting):
    """Whether the user may change a meeting's date and caller, not only its minutes: an
    administrator of one of the agreement's parties, or a coordinator of the organisation
    that called it (a non-profit that calls the meetings keeps its own record of them)."""
    if has_role(user, meeting.agreement, ADMINISTRATOR):
        return True
    return meeting.called_by_id is not None and COORDINATOR in _held_in(user, meeting.called_by_id)


def meeting_callers_for(user):
    """Ids of the organisations whose meetings the user changes as their coordinator."""
    return set(party_ids_of(user, COORDINATOR))


def payments_visible_to(user):
    """Payments on the funding lines of the agreements the user sees: every party's members
    see every payment of a shared agreement (its payments page lists them all)."""
    return Payment.objects.filter(line__agreement__in=agreements_visible_to(user))


def get_payment_for(user, pk, *, edit=False):
    """A payment on a visible agreement (else 404); with edit, 403 unless the user may
    change its line's payments (funding_parties_for)."""
    payment = get_object_or_404(
        payments_visible_to(user).select_related("line__agreement", "line__party"), pk=pk
    )
    if edit and payment.line.party_id not in funding_parties_for(user, payment.line.agreement):
        raise PermissionDenied
    return payment


def get_funding_line_for(user, pk, *, edit=False):
    """A funding line of a visible agreement (else 404); with edit, 403 unless the user may
    change the paying party's lines (funding_parties_for)."""
    line = get_object_or_404(
        FundingLine.objects.filter(agreement__in=agreements_visible_to(user)).select_related(
            "agreement", "party", "receiver"
        ),
        pk=pk,
    )
    if edit and line.party_id not in funding_parties_for(user, line.agreement):
        raise PermissionDenied
    return line


def funding_parties_for(user, agreement):
    """Ids of the agreement's parties whose funding lines and payments the user may change.

    A party's lines are its own commitment: its administrators change them, and register
    and correct the payments on them. A party without an administrator of its own cannot do
    that in the app: the administrators of the agreement's other parties, who register the
    agreement as agreed, enter its lines until it gets one. A superuser: every party.
    """
    if not user.is_authenticated:
        return set()
    if "parties" in getattr(agreement, "_prefetched_objects_cache", {}):
        parties = {ap.party_id for ap in agreement.parties.all()}
    else:
        parties = set(agreement.parties.values_list("party_id", flat=True))
    if user.is_superuser:
        return parties
    own = parties & set(party_ids_of(user, ADMINISTRATOR))
    others = parties - own
    if own and others:
        administered = Membership.objects.filter(party=OuterRef("pk"), role=ADMINISTRATOR)
        without = Party.objects.filter(pk__in=others).exclude(Exists(administered))
        own |= set(without.values_list("pk", flat=True))
    return own


NATIONAL_INDEX_PERMISSION = "funding.maintain_national_index"


def index_series_usable_by(user):
    """The series a user may uplift a funding line by: national ones and their
    organisations' own."""
    if not user.is_authenticated:
        return IndexSeries.objects.none()
    if user.is_superuser:
        return IndexSeries.objects.all()
    return IndexSeries.objects.filter(Q(owner__isnull=True) | Q(owner_id__in=party_ids_of(user)))


def index_series_visible_to(user):
    """National series, the user's organisations' own, and those the lines of the
    agreements the user sees are uplifted by."""
    if not user.is_authenticated:
        return IndexSeries.objects.none()
    if user.is_superuser:
        return IndexSeries.objects.all()
    used = FundingLine.objects.filter(
        uplift_series=OuterRef("pk"), agreement__in=agreements_visible_to(user)
    )
    return IndexSeries.objects.filter(
        Q(owner__isnull=True) | Q(owner_id__in=party_ids_of(user)) | Exists(used)
    )


def may_maintain_index_series(user, series):
    """Whether the user may add, correct and withdraw the series' values: a national series
    by those the operator trusts with it (the permission maintain_national_index, given in
    the Django admin), an organisation's own by its administrators."""
    if series.owner_id is None:
        return user.has_perm(NATIONAL_INDEX_PERMISSION)
    return user.is_superuser or series.owner_id in party_ids_of(user, ADMINISTRATOR)


def get_index_series_for(user, pk, *, edit=False):
    """A visible index series (else 404); with edit, 403 unless the user maintains it."""
    series = get_object_or_404(index_series_visible_to(user).select_related("owner"), pk=pk)
    if edit and not may_maintain_index_series(user, series):
        raise PermissionDenied
    return series


def get_index_value_for(user, pk, *, edit=False):
    """A value of a visible index series (else 404); with edit, 403 unless the user
    maintains the series."""
    value = get_object_or_404(
        IndexValue.objects.filter(series__in=index_series_visible_to(user)).select_related(
            "series__owner"
        ),
        pk=pk,
    )
    if edit and not may_maintain_index_series(user, value.series):
        raise PermissionDenied
    return value


def get_party_for(user, pk, *, edit=False):
    """A visible organisation (else 404); with edit, 403 unless the user may change its
    record (parties_editable_by)."""
    party = get_object_or_404(parties_visible_to(user), pk=pk)
    if edit and not may_edit_party(user, party):
        raise PermissionDenied
    return party


def get_party_to_correct(user, pk):
    """A visible organisation whose record the user may propose a correction of: one the
    user sees but may not change (else 404 or 403)."""
    party = get_object_or_404(parties_visible_to(user), pk=pk)
    if may_edit_party(user, party):
        raise PermissionDenied
    return party


def corrections_visible_to(user):
    """Corrections the user may read: those of organisations the user may change, and
    those proposed by the user or for one of the user's organisations."""
    if not user.is_authenticated:
        return PartyCorrection.objects.none()
    return PartyCorrection.objects.filter(
        Q(party__in=parties_editable_by(user))
        | Q(organisation_id__in=party_ids_of(user))
        | Q(proposed_by=user)
    )


def get_correction_for(user, pk, *, decide=False):
    """A correction the user may read (else 404); with decide, 403 unless the user may
    change the organisation's record."""
    correction = get_object_or_404(
        corrections_visible_to(user).select_related(
            "party", "organisation", "proposed_by", "decided_by"
        ),
        pk=pk,
    )
    if decide and not may_edit_party(user, correction.party):
        raise PermissionDenied
    return correction


def issued_documents_visible_to(user):
    """Issued documents of the agreements the user sees. A proposal is stored with the
    agreement it was issued for: a decision covering several agreements shows it to those
    who see that one."""
    return IssuedDocument.objects.filter(agreement__in=agreements_visible_to(user))


def get_issued_document_for(user, pk):
    """An issued document of a visible agreement (else 404)."""
    return get_object_or_404(issued_documents_visible_to(user), pk=pk)


def administered_party_ids(user):
    """Ids of the organisations where the user is an administrator."""
    return party_ids_of(user, ADMINISTRATOR)


def may_create_agreement(user):
    """Administrators create agreements for their organisation (superusers for any)."""
    return user.is_superuser or bool(administered_party_ids(user))


def reporting_party_for(user, agreement):
    """The party the user reports for as a coordinator on the agreement; 403 if none."""
    own = set(party_ids_of(user, COORDINATOR))
    for agreement_party in agreement.parties.select_related("party"):
        if agreement_party.party_id in own:
            return agreement_party.party
    raise PermissionDenied


def may_edit_report(user, report):
    """A report not handed in (or returned) is edited by a coordinator of the reporting
    organisation."""
    return report.status in EDITABLE_REPORT_STATUSES and (
        user.is_superuser or report.party_id in party_ids_of(user, COORDINATOR)
    )


def is_secretary_of(user, decision):
    """Whether the user is a secretary of the organisation deciding."""
    return user.is_superuser or decision.organisation_id in party_ids_of(user, SECRETARY)


# Who issues the printed documents of their organisation.
ISSUERS = (ADMINISTRATOR, SECRETARY)


def may_issue_proposal(user, decision):
    """Whether the user may issue the decision's proposal (an issuer of the deciding
    organisation)."""
    return user.is_superuser or bool(_held_in(user, decision.organisation_id) & set(ISSUERS))


def may_correct_decision(user, decision):
    """A recorded decision is corrected by a secretary or an administrator of the deciding
    organisation (superusers always)."""
    return user.is_superuser or bool(
        _held_in(user, decision.organisation_id) & {SECRETARY, ADMINISTRATOR}
    )


def may_propose(user, agreement):
    """Whether the user may prepare a proposal for the agreement: a secretary of one of its
    public parties, as proposal_organisations_for answers (read off the prefetched parties)."""
    secretary_of = set(party_ids_of(user, SECRETARY))
    return user.is_superuser or any(
        ap.role == PartyRole.PUBLIC and ap.party_id in secretary_of
        for ap in agreement.parties.all()
    )


def agreements_decision_may_cover(user, decision):
    """The agreements the user sees to which the deciding organisation is a public party:
    those the decision may cover."""
    return agreements_visible_to(user).filter(
        Exists(
            AgreementParty.objects.filter(
                agreement=OuterRef("pk"), party_id=decision.organisation_id, role=PartyRole.PUBLIC
            )
        )
    )


def proposal_organisations_for(user, agreement):
    """The public parties of the agreement for which the user may prepare a proposal (those
    where the user is a secretary; all for a superuser); 403 if none."""
    organisations = Party.objects.filter(
        agreement_roles__agreement=agreement, agreement_roles__role=PartyRole.PUBLIC
    )
    if not user.is_superuser:
        organisations = organisations.filter(pk__in=party_ids_of(user, SECRETARY))
    organisations = list(organisations)
    if not organisations:
        raise PermissionDenied
    return organisations


# --- An organisation's members ----------------------------------------------------------


def member_manager_role(party):
    """The role whose holders manage an organisation's members: the administrators of a
    region, a municipality or another organisation; the coordinators of a non-profit, whose
    users are coordinators (an administrator there would change its agreements)."""
    return COORDINATOR if party.kind == PartyKind.NONPROFIT else ADMINISTRATOR


def roles_offered(party):
    """The roles a member of the organisation may be given: a non-profit's users are
    coordinators; a public organisation's hold any role."""
    if party.kind == PartyKind.NONPROFIT:
        return (COORDINATOR,)
    return (ADMINISTRATOR, COORDINATOR, SECRETARY)


def may_manage_members(user, party):
    """Whether the user invites, changes and removes the organisation's members."""
    return user.is_superuser or member_manager_role(party) in _held_in(user, party.pk)


def get_party_to_manage(user, pk):
    """An organisation of the user's (else 404) whose members the user manages (else 403)."""
    party = get_own_party_for(user, pk)
    if not may_manage_members(user, party):
        raise PermissionDenied
    return party


def _of_own_organisations(user, queryset):
    if user.is_superuser:
        return queryset
    return queryset.filter(party_id__in=party_ids_of(user))


def get_membership_to_manage(user, pk):
    """A membership in one of the user's organisations (else 404) whose members the user
    manages (else 403)."""
    membership = get_object_or_404(
        _of_own_organisations(user, Membership.objects.select_related("user", "party")), pk=pk
    )
    if not may_manage_members(user, membership.party):
        raise PermissionDenied
    return membership


def get_invitation_to_manage(user, pk):
    """An invitation to one of the user's organisations (else 404) whose members the user
    manages (else 403)."""
    invitation = get_object_or_404(
        _of_own_organisations(user, Invitation.objects.select_related("party")), pk=pk
    )
    if not may_manage_members(user, invitation.party):
        raise PermissionDenied
    return invitation


def managed_parties(user):
    """The user's organisations whose members the user manages, by name."""
    own = Party.objects.filter(pk__in=party_ids_of(user)).order_by("name", "pk")
    return [party for party in own if may_manage_members(user, party)]


# Due items a coordinator of the responsible organisation closes or moves (their reports).
REPORT_ITEM_KINDS = ("tertial_report", "annual_report", "one_off_report", "evaluation")


def may_change_due_item(user, agreement, item):
    """Whether the user closes or moves an item (a Deadline) of the agreement.

    An item owed by one party (its responsible_party_id: a report, a meeting, a decision
    awaited from it) is that party's own: only its administrators close or move it, its
    coordinators too for a report or where they manage a non-profit; a partner moving it
    earlier would make it late. An item of the agreement as a whole (the notice date) is
    closed or moved by an administrator of any of its parties. A payment is its payer's commitment:
    only those who change the paying party's payments (funding_parties_for) close or move it.
    """
    if item.kind == "payment":
        return item.responsible_party_id in _funding_parties_once(user, agreement)
    if user.is_superuser:
        return True
    owner = item.responsible_party_id
    if owner is None:
        return has_role(user, agreement, ADMINISTRATOR)
    if owner not in acting_parties_for(user, agreement, ADMINISTRATOR, COORDINATOR):
        return False
    held = _held_in(user, owner)
    if ADMINISTRATOR in held or (item.kind in REPORT_ITEM_KINDS and COORDINATOR in held):
        return True
    # Otherwise those who manage the owner's members: a non-profit's coordinators.
    return member_manager_role(_party_of(agreement, owner)) in held


def _party_of(agreement, party_id):
    """The agreement's party party_id, read off its parties (prefetched with the party)."""
    return next(ap.party for ap in agreement.parties.all() if ap.party_id == party_id)


def may_set_letterhead(user, party):
    """Whether the user sets the logo and house font of the organisation's documents: its
    own administrators (a non-profit's coordinators), as for its members; never a partner's,
    nor the organisation that registered it."""
    return may_manage_members(user, party)


def get_party_for_letterhead(user, pk):
    """A visible organisation (else 404) whose letterhead the user sets (else 403)."""
    party = get_object_or_404(parties_visible_to(user), pk=pk)
    if not may_set_letterhead(user, party):
        raise PermissionDenied
    return party


def _funding_parties_once(user, agreement):
    """funding_parties_for, read once per agreement object and user (a page asks it for
    every payment item)."""
    cache = agreement.__dict__.setdefault("_iop_funding_parties", {})
    if user.pk not in cache:
        cache[user.pk] = funding_parties_for(user, agreement)
    return cache[user.pk]
