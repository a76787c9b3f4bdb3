"""An officer's working set: what his phone keeps so that his day works without signal.

Every prospect he works (assigned to him, or in a kecamatan he covers) who is new or still followed up, with
what the prospect page, the visit form and the day plan show — never the NIK. A phone that synced before
sends back its cursor and gets only what changed since, plus the ids of changed prospects that left the set;
`members` (count and an order-free hash of the ids) lets it check that it holds exactly the set, and sync in
full when it does not (a prospect reassigned to someone else, a withdrawn lead list, a new kecamatan).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from crm import reference
from crm.errors import Invalid
from crm.extensions import db
from crm.models import Prospect, Stage, User
from crm.prospects import scope
from crm.prospects.listing import being_followed_up
from crm.visits import dayplan, geo
from crm.visits.today import officer_today

# A change written by a transaction still open when the cursor was made carries an earlier time than the
# cursor: each cursor reaches this far back, so such a change is sent (again) on the next sync.
CURSOR_OVERLAP = timedelta(minutes=5)
_HASH_MULTIPLIER, _HASH_MODULUS = 2_654_435_761, 2**32  # Knuth's multiplicative hash, summed: order-free


def in_working_set():
    """A WHERE clause on Prospect: new, or still followed up (the prospects Today and the day plan list)."""
    return or_(Prospect.stage == Stage.NEW, being_followed_up())


def working_set_filter(officer: User):
    return scope.visibility_filter(officer) & in_working_set()


@dataclass(frozen=True)
class Members:
    count: int
    hash: int

    @classmethod
    def of(cls, ids) -> "Members":
        ids = list(ids)
        return cls(len(ids), sum(i * _HASH_MULTIPLIER for i in ids) % _HASH_MODULUS)


@dataclass(frozen=True)
class PlanStop:
    prospect_id: int
    leg_m: float | None  # None: no known place, listed after the route


@dataclass(frozen=True)
class WorkingSet:
    cursor: str
    full: bool
    prospects: list[Prospect]
    removed: list[int]
    members: Members
    day: date
    plan: list[PlanStop]


def make_cursor(at: datetime) -> str:
    return f"t{int((at - CURSOR_OVERLAP).timestamp() * 1000)}"


def read_cursor(cursor: str) -> datetime:
    """The time a cursor of `make_cursor` stands for; Invalid when it is not one."""
    digits = cursor[1:] if cursor.startswith("t") else ""
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 13:  # 13 digits of ms: until the year 2286
        raise Invalid(_l("The sync cursor “%(cursor)s” is not one Sasar gave: sync again without it.",
                         cursor=cursor[:40]), field="since")
    return datetime.fromtimestamp(int(digits) / 1000, UTC)


def _day_plan(officer: User, day: date, tz) -> list[PlanStop]:
    """Today's stops from the centre of the officer's first kecamatan, as the plan page orders them when the
    phone shares no position."""
    todays = officer_today(officer, day, tz, with_regions=True)
    start, _from_phone = dayplan.starting_point(officer)
    if start is None:
        return [PlanStop(p.id, None) for p in todays.to_visit]
    plan = dayplan.plan_route(start, [(p, geo.known_location(p)) for p in todays.to_visit])
    return [PlanStop(s.item.id, s.leg_m) for s in plan.stops] + [PlanStop(p.id, None) for p in plan.unplaced]


def working_set(officer: User, *, since: str | None, now: datetime, day: date, tz) -> WorkingSet:
    """The officer's working set, whole (`since` None) or what changed after the cursor `since`."""
    changed_after = read_cursor(since) if since else None
    wanted = working_set_filter(officer)
    ids = db.session.scalars(select(Prospect.id).where(wanted)).all()
    query = (select(Prospect).options(selectinload(Prospect.desa), selectinload(Prospect.kecamatan))
             .order_by(Prospect.id))
    removed: list[int] = []
    if changed_after is None:
        prospects = db.session.scalars(query.where(wanted)).all()
    else:
        changed = db.session.scalars(query.where(scope.visibility_filter(officer),
                                                 Prospect.updated_at > changed_after)).all()
        members = set(ids)
        prospects = [p for p in changed if p.id in members]
        removed = [p.id for p in changed if p.id not in members]
    return WorkingSet(cursor=make_cursor(now), full=changed_after is None, prospects=list(prospects),
                      removed=removed, members=Members.of(ids), day=day, plan=_day_plan(officer, day, tz))


def place_of(prospect: Prospect) -> str | None:
    """How the pages write where the prospect lives (reference.place_name), or the place as given."""
    return reference.place_name(prospect.desa_id or prospect.kecamatan_id) or prospect.place_as_given
