"""The figures on each role's landing page."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from crm.extensions import db
from crm.models import Prospect, Stage, User
from crm.prospects import scope
from crm.registrations import targets


@dataclass(frozen=True)
class BranchOverview:
    year: int
    progress: targets.Progress | None  # None when no target is set for the year
    prospects_by_stage: dict[Stage, int]


def branch_overview(branch_id: int, today: date) -> BranchOverview:
    rows = db.session.execute(select(Prospect.stage, func.count()).where(Prospect.branch_id == branch_id)
                              .group_by(Prospect.stage)).all()
    by_stage = dict.fromkeys(Stage, 0) | {stage: count for stage, count in rows}
    return BranchOverview(today.year, targets.branch_progress(branch_id, today.year, today), by_stage)


def agency_prospect_counts(liaison: User) -> dict[Stage, int]:
    """The stages of the leads a liaison's agency sent to the liaison's branch."""
    rows = db.session.execute(select(Prospect.stage, func.count())
                              .where(scope.visibility_filter(liaison)).group_by(Prospect.stage)).all()
    return dict.fromkeys(Stage, 0) | {stage: count for stage, count in rows}
