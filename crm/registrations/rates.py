"""Admins keep the contribution rate table: add a row, correct one, close one with an end date.

Registrations keep the contribution computed on their date, so changing a row never changes a
registration already made.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from crm import audit
from crm.errors import Invalid
from crm.extensions import db
from crm.models import ContributionRate, Payer, Programme, RateKind, Sector, User


@dataclass
class RateDetails:
    programme: Programme
    kind: RateKind
    value: Decimal
    effective_from: date
    effective_to: date | None = None
    sector_group: str | None = None
    payer: Payer | None = None
    payer_excluded: bool = False
    note: str | None = None


SECTOR_GROUPS = tuple(sector.value for sector in Sector)


def all_rates() -> list[ContributionRate]:
    return list(db.session.scalars(select(ContributionRate).order_by(
        ContributionRate.programme, ContributionRate.effective_from, ContributionRate.id)))


def snapshot(rate: ContributionRate) -> dict:
    return {"programme": rate.programme.name, "kind": rate.kind.name, "value": str(rate.value),
            "effective_from": rate.effective_from.isoformat(),
            "effective_to": rate.effective_to.isoformat() if rate.effective_to else None,
            "sector_group": rate.sector_group, "payer": rate.payer.name if rate.payer else None,
            "payer_excluded": rate.payer_excluded, "note": rate.note}


def _check(details: RateDetails) -> None:
    if details.value is None or details.value < 0:
        raise Invalid(_l("A rate cannot be negative."), field="value")
    if details.kind is RateKind.PERCENT_OF_INCOME and details.value > 100:
        raise Invalid(_l("A percentage cannot be above 100."), field="value")
    if details.effective_from is None:
        raise Invalid(_l("Enter the date the rate starts."), field="effective_from")
    if details.effective_to is not None and details.effective_to < details.effective_from:
        raise Invalid(_l("The end date comes before the start date."), field="effective_to")
    if details.sector_group is not None and details.sector_group not in SECTOR_GROUPS:
        raise Invalid(_l("Unknown sector group."), field="sector_group")
    if details.payer_excluded and details.payer is None:
        raise Invalid(_l("Choose the payer the rate does not apply to."), field="payer")


def save_rate(rate: ContributionRate | None, details: RateDetails, *, actor: User | None = None,
              ip: str | None = None) -> ContributionRate:
    """Add a rate row (`rate` None) or correct one. The caller commits."""
    _check(details)
    before = snapshot(rate) if rate is not None else None
    if rate is None:
        rate = ContributionRate()
        db.session.add(rate)
    rate.programme, rate.kind, rate.value = details.programme, details.kind, details.value
    rate.effective_from, rate.effective_to = details.effective_from, details.effective_to
    rate.sector_group, rate.payer = details.sector_group or None, details.payer
    rate.payer_excluded = bool(details.payer_excluded and details.payer is not None)
    rate.note = (details.note or "").strip() or None
    db.session.flush()
    audit.record("create" if before is None else "update", "contribution_rate", rate.id, actor=actor, ip=ip,
                 before=before, after=snapshot(rate))
    return rate
