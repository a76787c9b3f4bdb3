"""The conversion funnel of a cohort of leads: how many are at each stage, and how many made each step.

The cohort is the prospects whose lead arrived in the period and that match the narrowing
(crm/dashboard/filters.py defines both); the funnel counts them by the stage each is in *now*.

- `count(X)`: prospects of the cohort now at stage X, for each of the seven stages; `total`: all of them.
- `reached(X)`, for X on the road new → contacted → visited → interested → registered: prospects now at X
  or at a later stage of the road. Declined and unreachable prospects are counted aside: Sasar keeps the
  stage a prospect is in, not every stage it passed, so how far an exit got is not known. They count in
  `total` and in the overall rate, never in the road's steps, so `reached(new)` = total − exits.
- `step_rate(X)` = reached(X) / reached(the road stage before X); `overall_rate` = registered / total.
- `median_days`: over the cohort's prospects now registered that have a registration, the days from
  the lead's arrival (its day in the branch's time zone) to `Registration.registered_on`; the median of
  an even number of values is the mean of the middle two. A registration learnt from the core system
  can be dated before the lead arrived; its days are then negative and counted as they are.

Two aggregate queries: the stage counts, and the days to registration grouped by value (so the median is
exact on SQLite and PostgreSQL alike without fetching a row per participant).
"""

from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlalchemy import Integer, func, literal_column, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from crm.dashboard.filters import DashboardFilter
from crm.extensions import db
from crm.models import Prospect, Registration, Stage, User
from crm.prospects.listing import filter_clauses
from crm.prospects.stages import EXITS, ROAD


class days_from_arrival(FunctionElement):  # noqa: N801 - an SQL function, named as SQLAlchemy names them
    """SQL: the whole days from the local day of a timestamp (`instant`) to a date (`day`).

    Arguments: day, instant, the zone's name and its fixed offset (for SQLite, which knows no zones) as
    literal SQL strings; see `days_between`.
    """

    type = Integer()
    inherit_cache = True
    name = "days_from_arrival"


@compiles(days_from_arrival, "postgresql")
def _days_postgresql(element, compiler, **kw):
    day, instant, zone, _offset = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"({day} - CAST(timezone({zone}, {instant}) AS DATE))"


@compiles(days_from_arrival)
def _days_sqlite(element, compiler, **kw):
    day, instant, _zone, offset = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(round(julianday({day}) - julianday(date({instant}, {offset}))) AS INTEGER)"


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def days_between(day, instant, tz: tzinfo):
    """`day` minus the day `instant` falls on in `tz`, in SQL. SQLite shifts by the zone's offset now, which
    is exact for zones without daylight saving (all of Indonesia's)."""
    offset = tz.utcoffset(datetime.now(tz))
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    zone = getattr(tz, "key", None) or "UTC"
    return days_from_arrival(day, instant, literal_column(_sql_string(zone)),
                             literal_column(_sql_string(f"{minutes:+d} minutes")))


def median_of_counts(counts: dict[int, int]) -> float | None:
    """The median of values given as {value: how many times}; None when there are none."""
    n = sum(counts.values())
    if n == 0:
        return None
    wanted = {(n - 1) // 2, n // 2}
    found, seen = [], 0
    for value in sorted(counts):
        here = range(seen, seen + counts[value])
        found.extend(value for position in wanted if position in here)
        seen += counts[value]
    return sum(found) / len(found)


@dataclass(frozen=True)
class Funnel:
    counts: dict[Stage, int]
    median_days: float | None
    timed: int  # registered prospects the median is over

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count(self, stage: Stage) -> int:
        return self.counts.get(stage, 0)

    def reached(self, stage: Stage) -> int:
        return sum(self.count(s) for s in ROAD[ROAD.index(stage):])

    def step_rate(self, stage: Stage) -> float | None:
        """The share of prospects at the road stage before `stage` (or later) who reached `stage`."""
        index = ROAD.index(stage)
        if index == 0:
            return None
        before = self.reached(ROAD[index - 1])
        return self.reached(stage) / before if before else None

    @property
    def exits(self) -> int:
        return sum(self.count(s) for s in EXITS)

    @property
    def overall_rate(self) -> float | None:
        return self.count(Stage.REGISTERED) / self.total if self.total else None


def stage_counts(clauses: list) -> dict[Stage, int]:
    rows = db.session.execute(select(Prospect.stage, func.count()).where(*clauses).group_by(Prospect.stage))
    return dict.fromkeys(Stage, 0) | {stage: count for stage, count in rows}


def days_to_registration(clauses: list, tz: tzinfo) -> dict[int, int]:
    """{days from arrival to registration: how many registered prospects} for the prospects of `clauses`."""
    days = days_between(Registration.registered_on, Prospect.created_at, tz)
    rows = db.session.execute(
        select(days, func.count()).select_from(Prospect).join(Registration, Registration.prospect_id == Prospect.id)
        .where(*clauses, Prospect.stage == Stage.REGISTERED).group_by(days))
    return {int(value): count for value, count in rows}


def funnel(user: User, flt: DashboardFilter, tz: tzinfo) -> Funnel:
    """The funnel of the leads that arrived in the period and match the filter, as `user` may see them."""
    clauses = filter_clauses(user, flt.prospect_filter(tz))
    histogram = days_to_registration(clauses, tz)
    return Funnel(stage_counts(clauses), median_of_counts(histogram), sum(histogram.values()))
