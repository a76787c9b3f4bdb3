"""Every model, importable from one place."""

from crm.models.audit import AuditEvent
from crm.models.lead_batch import BatchSource, BatchStatus, LeadBatch
from crm.models.org import Agency, Branch, Region, RegionLevel
from crm.models.prospect import Prospect, Sector, Stage
from crm.models.registration import (
    ContributionRate,
    ParticipantStatus,
    Payer,
    Programme,
    RateKind,
    Registration,
)
from crm.models.target import Target
from crm.models.user import ApiToken, Role, User, officer_kecamatan
from crm.models.visit import DeclineReason, Outcome, Visit

__all__ = [
    "Agency", "ApiToken", "AuditEvent", "BatchSource", "BatchStatus", "Branch", "ContributionRate",
    "DeclineReason", "LeadBatch", "Outcome", "ParticipantStatus", "Payer", "Programme", "Prospect",
    "RateKind", "Region", "RegionLevel", "Registration", "Role", "Sector", "Stage", "Target", "User",
    "Visit", "officer_kecamatan",
]
