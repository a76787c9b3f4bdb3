"""The branch target and the progress toward it.

The arithmetic is plain functions over counts (`progress`), so it is tested on a known year without
a database; the queries that produce the counts come after it.

Months are counted as month-equivalents: on 15 October, 9 + 15/31 months of the year have passed.
So the run rate at the end of June is exactly the first half's gain divided by 6.
"""

import calendar
import math
from collections import Counter
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, extract, func, select

from crm import audit
from crm.errors import Invalid, NotFound
from crm.extensions import db
from crm.models import (
    Branch,
    ParticipantStatus,
    Prospect,
    Region,
    RegionLevel,
    Registration,
    Role,
    Target,
    TargetSplit,
    User,
)

MONTHS_IN_YEAR = 12
FIRST_YEAR, LAST_YEAR = 2000, 2100


# --- arithmetic ---------------------------------------------------------------------------------

def months_elapsed(year: int, as_of: date) -> Fraction:
    """How much of `year` has passed by the end of `as_of`, in months (0 before it, 12 after it)."""
    if as_of.year < year:
        return Fraction(0)
    if as_of.year > year:
        return Fraction(MONTHS_IN_YEAR)
    days_in_month = calendar.monthrange(as_of.year, as_of.month)[1]
    return (as_of.month - 1) + Fraction(as_of.day, days_in_month)


def _round_half_up(value: Fraction) -> int:
    return math.floor(value + Fraction(1, 2))


@dataclass(frozen=True)
class Progress:
    """Where a branch stands against its year's target.

    active now = baseline + registrations in the year − lapses in the year; the run rate is the net
    gain per month so far; the projection carries the run rate to the end of the year; the need is
    the gap to the target spread over the months left.
    """

    year: int
    as_of: date
    target: int
    baseline: int
    registered: int
    lapsed: int
    months_elapsed: Fraction

    @property
    def active_now(self) -> int:
        return self.baseline + self.registered - self.lapsed

    @property
    def net_gain(self) -> int:
        return self.registered - self.lapsed

    @property
    def share_of_target(self) -> float | None:
        return self.active_now / self.target if self.target else None

    @property
    def months_remaining(self) -> Fraction:
        return MONTHS_IN_YEAR - self.months_elapsed

    def _per_month(self, count: int) -> Fraction | None:
        return Fraction(count) / self.months_elapsed if self.months_elapsed else None

    @property
    def run_rate(self) -> float | None:
        """Net participants gained per month so far (None before the year starts)."""
        rate = self._per_month(self.net_gain)
        return None if rate is None else float(rate)

    @property
    def registrations_per_month(self) -> float | None:
        rate = self._per_month(self.registered)
        return None if rate is None else float(rate)

    @property
    def projection(self) -> int | None:
        """Active participants at the year's end if the run rate holds, rounded half up."""
        rate = self._per_month(self.net_gain)
        if rate is None:
            return None
        return _round_half_up(self.active_now + rate * self.months_remaining)

    @property
    def gap(self) -> int:
        """Participants still to gain; 0 once the target is reached."""
        return max(0, self.target - self.active_now)

    @property
    def needed_per_month(self) -> int | None:
        """Net gain needed in each remaining month, rounded up; None when no month remains."""
        if not self.months_remaining:
            return None
        return math.ceil(self.gap / self.months_remaining)

    @property
    def on_track(self) -> bool | None:
        if self.projection is None:
            return None
        return self.projection >= self.target


def progress(*, year: int, as_of: date, target: int, baseline: int, registered: int, lapsed: int) -> Progress:
    return Progress(year, as_of, target, baseline, registered, lapsed, months_elapsed(year, as_of))


# --- queries ------------------------------------------------------------------------------------

def as_of_for(year: int, today: date) -> date:
    """The day a year's progress is counted to: today, or the year's last day once it is over."""
    return min(today, date(year, 12, 31))


def years_with_target(branch_id: int) -> list[int]:
    """The years the branch has a target for, latest first."""
    return list(db.session.scalars(select(Target.year).where(Target.branch_id == branch_id)
                                   .order_by(Target.year.desc())))


def target_for(branch_id: int, year: int) -> Target | None:
    return db.session.scalar(select(Target).where(Target.branch_id == branch_id, Target.year == year))


def _registered_in(branch_id: int, year: int, as_of: date):
    return and_(Registration.branch_id == branch_id, Registration.registered_on >= date(year, 1, 1),
                Registration.registered_on <= as_of)


def _lapsed_in(branch_id: int, year: int, as_of: date):
    return and_(Registration.branch_id == branch_id, Registration.status == ParticipantStatus.LAPSED,
                Registration.status_changed_on >= date(year, 1, 1), Registration.status_changed_on <= as_of)


def year_counts(branch_id: int, year: int, as_of: date) -> tuple[int, int]:
    """(registrations, lapses) of the branch from 1 January of `year` to `as_of`."""
    registered = db.session.scalar(select(func.count(Registration.id))
                                   .where(_registered_in(branch_id, year, as_of))) or 0
    lapsed = db.session.scalar(select(func.count(Registration.id)).where(_lapsed_in(branch_id, year, as_of))) or 0
    return registered, lapsed


def branch_progress(branch_id: int, year: int, today: date) -> Progress | None:
    """The branch's progress in `year` as of today (None when no target is set for the year)."""
    target = target_for(branch_id, year)
    if target is None:
        return None
    as_of = as_of_for(year, today)
    registered, lapsed = year_counts(branch_id, year, as_of)
    return progress(year=year, as_of=as_of, target=target.participants, baseline=target.baseline,
                    registered=registered, lapsed=lapsed)


@dataclass(frozen=True)
class MonthFigures:
    month: int
    registered: int
    lapsed: int
    planned: int | None  # the month's split, when one is set

    @property
    def net(self) -> int:
        return self.registered - self.lapsed


def monthly_figures(target: Target, today: date) -> list[MonthFigures]:
    """Registrations and lapses per month of the target's year, to today, beside the month splits."""
    year, as_of = target.year, as_of_for(target.year, today)
    month_of_registration = extract("month", Registration.registered_on)
    month_of_lapse = extract("month", Registration.status_changed_on)
    registered = dict(db.session.execute(
        select(month_of_registration, func.count(Registration.id))
        .where(_registered_in(target.branch_id, year, as_of)).group_by(month_of_registration)).all())
    lapsed = dict(db.session.execute(
        select(month_of_lapse, func.count(Registration.id))
        .where(_lapsed_in(target.branch_id, year, as_of)).group_by(month_of_lapse)).all())
    planned = {s.month: s.registrations for s in target.splits
               if s.month is not None and s.kecamatan_id is None and s.officer_id is None}
    return [MonthFigures(m, int(registered.get(m, 0)), int(lapsed.get(m, 0)), planned.get(m))
            for m in range(1, MONTHS_IN_YEAR + 1)]


@dataclass(frozen=True)
class SplitProgress:
    split: TargetSplit
    registered: int

    @property
    def share(self) -> float | None:
        return self.registered / self.split.registrations if self.split.registrations else None


def split_progress(target: Target, today: date) -> list[SplitProgress]:
    """Each split beside the registrations of the year that fall in it (one grouped query)."""
    if not target.splits:
        return []
    as_of = as_of_for(target.year, today)
    month = extract("month", Registration.registered_on)
    rows = db.session.execute(
        select(Prospect.kecamatan_id, Registration.officer_id, month, func.count(Registration.id))
        .join(Prospect, Prospect.id == Registration.prospect_id)
        .where(_registered_in(target.branch_id, target.year, as_of))
        .group_by(Prospect.kecamatan_id, Registration.officer_id, month)).all()
    counts = Counter({(kec, officer, int(m)): n for kec, officer, m, n in rows})

    def fits(split: TargetSplit, key: tuple) -> bool:
        kec, officer, m = key
        return ((split.kecamatan_id is None or split.kecamatan_id == kec)
                and (split.officer_id is None or split.officer_id == officer)
                and (split.month is None or split.month == m))

    return [SplitProgress(s, sum(n for key, n in counts.items() if fits(s, key))) for s in target.splits]


# --- changes ------------------------------------------------------------------------------------

def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Invalid(_l("The year must be between %(first)d and %(last)d.", first=FIRST_YEAR, last=LAST_YEAR),
                      field="year")


def set_target(branch: Branch, year: int, participants: int, baseline: int, *, actor: User | None = None,
               ip: str | None = None) -> Target:
    """Set (or change) the branch's target for the year. The caller commits."""
    _check_year(year)
    if participants is None or participants <= 0:
        raise Invalid(_l("The target must be a positive number of participants."), field="participants")
    if baseline is None or baseline < 0:
        raise Invalid(_l("The baseline cannot be negative."), field="baseline")
    target = target_for(branch.id, year)
    before = None
    if target is None:
        target = Target(branch_id=branch.id, year=year, participants=participants, baseline=baseline)
        db.session.add(target)
    else:
        before = {"participants": target.participants, "baseline": target.baseline}
        target.participants, target.baseline = participants, baseline
    db.session.flush()
    audit.record("set" if before is None else "update", "target", target.id, actor=actor, branch_id=branch.id,
                 ip=ip, before=before, after={"year": year, "participants": participants, "baseline": baseline})
    return target


def set_split(target: Target, *, registrations: int, kecamatan: Region | None = None, officer: User | None = None,
              month: int | None = None, actor: User | None = None, ip: str | None = None) -> TargetSplit:
    """Set the registrations expected from a kecamatan, an officer, a month or a combination of them;
    a split for the same combination is replaced. The caller commits."""
    if kecamatan is None and officer is None and month is None:
        raise Invalid(_l("Choose a kecamatan, an officer or a month for the split."), field="kecamatan")
    if registrations is None or registrations < 0:
        raise Invalid(_l("The registrations expected cannot be negative."), field="registrations")
    if month is not None and not 1 <= month <= MONTHS_IN_YEAR:
        raise Invalid(_l("The month must be between 1 and 12."), field="month")
    if kecamatan is not None and (kecamatan.level is not RegionLevel.KECAMATAN
                                  or kecamatan.branch_id != target.branch_id):
        raise Invalid(_l("That kecamatan is not in the branch."), field="kecamatan")
    if officer is not None and (officer.role is not Role.OFFICER or officer.branch_id != target.branch_id):
        raise Invalid(_l("Choose a field officer of the branch."), field="officer")
    key = (getattr(kecamatan, "id", None), getattr(officer, "id", None), month)
    split = next((s for s in target.splits if (s.kecamatan_id, s.officer_id, s.month) == key), None)
    if split is None:
        split = TargetSplit(kecamatan=kecamatan, officer=officer, month=month, registrations=registrations)
        target.splits.append(split)
    else:
        split.registrations = registrations
    db.session.flush()
    audit.record("split", "target", target.id, actor=actor, branch_id=target.branch_id, ip=ip,
                 after={"kecamatan_id": key[0], "officer_id": key[1], "month": month,
                        "registrations": registrations})
    return split


def remove_split(target: Target, split_id: int, *, actor: User | None = None, ip: str | None = None) -> None:
    split = next((s for s in target.splits if s.id == split_id), None)
    if split is None:
        raise NotFound(_l("No such split."))
    target.splits.remove(split)
    audit.record("unsplit", "target", target.id, actor=actor, branch_id=target.branch_id, ip=ip,
                 before={"kecamatan_id": split.kecamatan_id, "officer_id": split.officer_id, "month": split.month,
                         "registrations": split.registrations})
