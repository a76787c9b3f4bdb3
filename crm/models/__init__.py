"""Every model, importable from one place."""

from crm.models.audit import AuditEvent
from crm.models.contact import ContactAttempt, ContactChannel, ContactOutcome, MessageTemplate
from crm.models.event import Event, EventKind, EventSignup, SignupSource, SignupStatus, event_officer
from crm.models.lead_batch import (
    AgencyColumnMapping,
    BatchSource,
    BatchStatus,
    LeadBatch,
    LeadRow,
    LeadRowStatus,
    ProspectListing,
)
from crm.models.org import Agency, Branch, Region, RegionLevel
from crm.models.prospect import ConsentBasis, Prospect, Sector, Stage
from crm.models.registration import (
    ContributionRate,
    ParticipantStatus,
    Payer,
    Programme,
    RateKind,
    ReconciliationRun,
    Registration,
    RegistrationOrigin,
)
from crm.models.target import Target, TargetSplit
from crm.models.user import ApiToken, Role, User, officer_kecamatan
from crm.models.visit import DeclineReason, Outcome, PositionSource, Visit

__all__ = [
    "AgencyColumnMapping", "LeadRow", "LeadRowStatus", "ProspectListing",
    "ContactAttempt", "ContactChannel", "ContactOutcome", "MessageTemplate",
    "Agency", "ApiToken", "ConsentBasis", "AuditEvent", "BatchSource", "BatchStatus", "Branch", "ContributionRate",
    "DeclineReason", "LeadBatch", "Outcome", "ParticipantStatus", "Payer", "PositionSource", "Programme", "Prospect",
    "RateKind", "ReconciliationRun", "Region", "RegionLevel", "Registration", "RegistrationOrigin", "Role",
    "Sector", "Stage", "Target", "TargetSplit", "User", "Visit", "officer_kecamatan",
    "Event", "EventKind", "EventSignup", "SignupSource", "SignupStatus", "event_officer",
]
