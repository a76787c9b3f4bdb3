"""The target section: active participants against the year's target, the months so far and the road to
December. The counting and the arithmetic are crm/registrations/targets.py's; this module adds the
branches up (a parent branch's manager sees the branches under it together) and draws the monthly line.

The target counts every participant of the branches, so of the dashboard's filters only the branch applies.
"""

import math
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.extensions import db
from crm.models import Target
from crm.registrations import targets


@dataclass(frozen=True)
class MonthPoint:
    month: int
    registered: int
    lapsed: int
    planned: int | None
    active: int | None  # active participants at the month's end (to the as-of day for its month); None ahead
    projected: int | None  # for the months ahead: where the run rate so far takes the count

    @property
    def net(self) -> int:
        return self.registered - self.lapsed


@dataclass(frozen=True)
class TargetOverview:
    progress: targets.Progress
    branches: tuple[str, ...]
    months: tuple[MonthPoint, ...]


def _projected(progress: targets.Progress, month: int) -> int:
    """Active participants at the end of `month` if the run rate holds: at December, Progress.projection."""
    if month == targets.MONTHS_IN_YEAR:
        return progress.projection
    rate = Fraction(progress.net_gain) / progress.months_elapsed
    return math.floor(progress.active_now + rate * (month - progress.months_elapsed) + Fraction(1, 2))


def target_overview(branch_ids: list[int], year: int, today: date) -> TargetOverview | None:
    """The year's progress of the branches that have a target for it, added together (None when none has)."""
    rows = db.session.scalars(select(Target).where(Target.branch_id.in_(branch_ids), Target.year == year)
                              .options(selectinload(Target.branch), selectinload(Target.splits))
                              .order_by(Target.branch_id)).all()
    if not rows:
        return None
    as_of = targets.as_of_for(year, today)
    registered = lapsed = 0
    per_month: dict[int, list[int]] = {m: [0, 0, 0, 0] for m in range(1, targets.MONTHS_IN_YEAR + 1)}
    for target in rows:
        counts = targets.year_counts(target.branch_id, year, as_of)
        registered, lapsed = registered + counts[0], lapsed + counts[1]
        for figures in targets.monthly_figures(target, today):
            totals = per_month[figures.month]
            totals[0] += figures.registered
            totals[1] += figures.lapsed
            if figures.planned is not None:
                totals[2] += figures.planned
                totals[3] = 1
    progress = targets.progress(year=year, as_of=as_of, target=sum(t.participants for t in rows),
                                baseline=sum(t.baseline for t in rows), registered=registered, lapsed=lapsed)
    current_month = as_of.month if as_of.year == year and today >= date(year, 1, 1) else 0
    months, active = [], progress.baseline
    for month, (reg, lap, planned, has_plan) in per_month.items():
        started = month <= current_month
        active += reg - lap
        ahead = not started and progress.months_elapsed > 0
        months.append(MonthPoint(month, reg, lap, planned if has_plan else None, active if started else None,
                                 _projected(progress, month) if ahead else None))
    return TargetOverview(progress, tuple(t.branch.name for t in rows), tuple(months))
