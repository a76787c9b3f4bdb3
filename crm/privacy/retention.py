"""Keeping personal data no longer than its purpose needs: stale prospects are anonymised."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import exists, select

from crm import audit
from crm.extensions import db
from crm.models import Prospect, ProspectListing, Stage, Visit
from crm.privacy.subjects import anonymise_prospect

DEFAULT_MONTHS = 24


@dataclass(frozen=True)
class PurgeResult:
    cutoff: datetime
    anonymised: int


def cutoff_for(months: int, now: datetime) -> datetime:
    return now - timedelta(days=round(months * 30.4375))


def purge_stale(months: int = DEFAULT_MONTHS, now: datetime | None = None) -> PurgeResult:
    """Anonymise unconverted prospects with no activity for `months`; safe to run every day.

    Activity is a change to the prospect, a visit, or another agency listing them again.
    Registered prospects are participants and are never purged here.
    """
    now = now or datetime.now(UTC)
    cutoff = cutoff_for(months, now)
    recent_visit = exists().where(Visit.prospect_id == Prospect.id, Visit.visited_at >= cutoff)
    recent_listing = exists().where(ProspectListing.prospect_id == Prospect.id, ProspectListing.listed_at >= cutoff)
    stale = db.session.scalars(select(Prospect).where(
        Prospect.anonymised_at.is_(None), Prospect.stage != Stage.REGISTERED, Prospect.updated_at < cutoff,
        ~recent_visit, ~recent_listing)).all()
    for prospect in stale:
        anonymise_prospect(prospect, now)
    if stale:
        audit.record("purge", "prospect", None, after={"months": months, "count": len(stale),
                                                       "ids": [p.id for p in stale][:1000]})
    db.session.flush()
    return PurgeResult(cutoff, len(stale))
