from .agreements import (
    STANDARD_SECTION_HEADINGS,
    Agreement,
    AgreementParty,
    AgreementSection,
    AgreementStatus,
    PartyRole,
    PredecessorRelation,
    ResourceContribution,
    Signatory,
)
from .decisions import (
    CaseDocument,
    Decision,
    DecisionCondition,
    DecisionItem,
    DecisionKind,
    DecisionOutcome,
    DecisionRecord,
)
from .documents import CalendarFeed, DocumentKind, IssuedDocument, ReminderLog
from .due import DueItem, DueState
from .followup import (
    Meeting,
    Report,
    ReportAttachment,
    ReportFigure,
    ReportPeriod,
    ReportStatus,
)
from .obligations import CapacityTarget, Obligation, ObligationKind
from .parties import PUBLIC_KINDS, ContactPerson, Membership, Party, PartyKind, Role
from .submissions import FormSubmission

__all__ = [
    "STANDARD_SECTION_HEADINGS",
    "Agreement",
    "AgreementParty",
    "AgreementSection",
    "AgreementStatus",
    "PartyRole",
    "PredecessorRelation",
    "ResourceContribution",
    "Signatory",
    "CaseDocument",
    "Decision",
    "DecisionCondition",
    "DecisionItem",
    "DecisionKind",
    "DecisionOutcome",
    "DecisionRecord",
    "DueItem",
    "DueState",
    "CalendarFeed",
    "DocumentKind",
    "IssuedDocument",
    "ReminderLog",
    "Meeting",
    "Report",
    "ReportAttachment",
    "ReportFigure",
    "ReportPeriod",
    "ReportStatus",
    "CapacityTarget",
    "Obligation",
    "ObligationKind",
    "PUBLIC_KINDS",
    "ContactPerson",
    "Membership",
    "Party",
    "PartyKind",
    "Role",
    "FormSubmission",
]
