"""An officer's day: follow-ups due and overdue, new prospects, and the visits already logged."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from crm.extensions import db
from crm.models import Prospect, Stage, User, Visit
from crm.prospects import scope
from crm.prospects.listing import being_followed_up

# More than a day's work is not shown: the most overdue, the oldest new leads and the latest visits, with
# how many there are (the full lists are in the prospect list). Follow-ups due today are all shown.
SHOWN_PER_LIST = 30


@dataclass(frozen=True)
class Today:
    day: date
    due: list[Prospect]
    overdue: list[Prospect]
    overdue_total: int
    new: list[Prospect]
    new_total: int
    visits: list  # the latest logged today, rows: prospect_id, outcome, visited_at, prospect_name
    visits_total: int

    @property
    def to_visit(self) -> list[Prospect]:
        """Everyone worth seeing today, overdue first: the day plan's stops."""
        return self.overdue + self.due + self.new


def _day_bounds(day: date, tz) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def today_statements(officer: User, day: date, tz) -> tuple[Select, Select, Select, Select]:
    """The officer's follow-ups due on `day`, the most overdue ones, the first new prospects, and the visits
    logged on `day`."""
    mine = scope.visibility_filter(officer)
    to_follow_up = (mine, being_followed_up())
    due = (select(Prospect).where(*to_follow_up, Prospect.next_follow_up == day)
           .order_by(Prospect.name, Prospect.id))
    overdue = (select(Prospect).where(*to_follow_up, Prospect.next_follow_up < day)
               .order_by(Prospect.next_follow_up, Prospect.name, Prospect.id).limit(SHOWN_PER_LIST))
    new = (select(Prospect).where(mine, Prospect.stage == Stage.NEW)
           .order_by((Prospect.assigned_officer_id == officer.id).desc(), Prospect.created_at, Prospect.id)
           .limit(SHOWN_PER_LIST))
    start, end = _day_bounds(day, tz)
    visits = (select(Visit.prospect_id, Visit.outcome, Visit.visited_at, Prospect.name.label("prospect_name"))
              .join(Prospect, Prospect.id == Visit.prospect_id)
              .where(Visit.officer_id == officer.id, Visit.visited_at >= start, Visit.visited_at < end)
              .order_by(Visit.visited_at.desc()).limit(SHOWN_PER_LIST))
    return due, overdue, new, visits


def _total(statement: Select, shown: list) -> int:
    """How many rows `statement` has: those shown, or, when as many as a list shows came back, counted."""
    if len(shown) < SHOWN_PER_LIST:
        return len(shown)
    return db.session.scalar(select(func.count()).select_from(statement.limit(None).order_by(None).subquery()))


def officer_today(officer: User, day: date, tz, *, with_regions: bool = False) -> Today:
    """`with_regions` loads each prospect's desa and kecamatan (the day plan places stops by them); the
    pages name places without them (reference.place_name)."""
    due_query, overdue_query, new_query, visit_query = today_statements(officer, day, tz)
    options = (selectinload(Prospect.desa), selectinload(Prospect.kecamatan)) if with_regions else ()
    due, overdue, new = (db.session.scalars(query.options(*options)).all()
                         for query in (due_query, overdue_query, new_query))
    visits = db.session.execute(visit_query).all()
    return Today(
        day=day, due=list(due),
        overdue=list(overdue), overdue_total=_total(overdue_query, overdue),
        new=list(new), new_total=_total(new_query, new),
        visits=list(visits), visits_total=_total(visit_query, visits),
    )
