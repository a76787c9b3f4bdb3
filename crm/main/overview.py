"""The figures on each role's landing page."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import extract, func, select

from crm.extensions import db
from crm.models import ParticipantStatus, Prospect, Registration, Stage, Target, User


@dataclass(frozen=True)
class BranchOverview:
    year: int
    target: Target | None
    registered_this_year: int
    lapsed_this_year: int
    prospects_by_stage: dict[Stage, int]

    @property
    def active_now(self) -> int | None:
        if self.target is None:
            return None
        return self.target.baseline + self.registered_this_year - self.lapsed_this_year

    @property
    def share_of_target(self) -> float | None:
        if self.target is None or not self.target.participants:
            return None
        return self.active_now / self.target.participants


def branch_overview(branch_id: int, today: date) -> BranchOverview:
    year = today.year
    target = db.session.scalar(select(Target).where(Target.branch_id == branch_id, Target.year == year))
    in_year = (Registration.branch_id == branch_id, extract("year", Registration.registered_on) == year)
    registered = db.session.scalar(select(func.count()).where(*in_year)) or 0
    lapsed = db.session.scalar(select(func.count()).where(
        Registration.branch_id == branch_id, Registration.status == ParticipantStatus.LAPSED,
        extract("year", Registration.status_changed_on) == year)) or 0
    rows = db.session.execute(select(Prospect.stage, func.count()).where(Prospect.branch_id == branch_id)
                              .group_by(Prospect.stage)).all()
    by_stage = dict.fromkeys(Stage, 0) | {stage: count for stage, count in rows}
    return BranchOverview(year, target, registered, lapsed, by_stage)


def officer_prospect_counts(officer: User) -> dict[Stage, int]:
    rows = db.session.execute(select(Prospect.stage, func.count())
                              .where(Prospect.assigned_officer_id == officer.id).group_by(Prospect.stage)).all()
    return dict.fromkeys(Stage, 0) | {stage: count for stage, count in rows}


def agency_prospect_counts(agency_id: int) -> dict[Stage, int]:
    rows = db.session.execute(select(Prospect.stage, func.count())
                              .where(Prospect.source_agency_id == agency_id).group_by(Prospect.stage)).all()
    return dict.fromkeys(Stage, 0) | {stage: count for stage, count in rows}
