"""An officer's day: follow-ups due and overdue, new prospects, and the visits already logged."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from crm.extensions import db
from crm.models import ParticipantStatus, Prospect, Registration, Stage, User, Visit
from crm.prospects import scope
from crm.prospects.stages import OPEN_STAGES

NEW_PROSPECTS_SHOWN = 50


@dataclass(frozen=True)
class Today:
    day: date
    due: list[Prospect]
    overdue: list[Prospect]
    new: list[Prospect]
    new_total: int
    visits: list[Visit]

    @property
    def to_visit(self) -> list[Prospect]:
        """Everyone worth seeing today, overdue first: the day plan's stops."""
        return self.overdue + self.due + self.new


def _day_bounds(day: date, tz) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def today_statements(officer: User, day: date, tz) -> tuple[Select, Select, Select]:
    """The officer's follow-ups due by `day`, the first new prospects, and the visits logged on `day`."""
    mine = scope.visibility_filter(officer)
    lapsed = select(Registration.id).where(Registration.prospect_id == Prospect.id,
                                           Registration.status == ParticipantStatus.LAPSED).exists()
    follow_ups = (select(Prospect).where(mine, or_(Prospect.stage.in_(OPEN_STAGES), lapsed),
                                         Prospect.next_follow_up <= day)
                  .order_by(Prospect.next_follow_up, Prospect.name, Prospect.id))
    new = (select(Prospect).where(mine, Prospect.stage == Stage.NEW)
           .order_by((Prospect.assigned_officer_id == officer.id).desc(), Prospect.created_at, Prospect.id)
           .limit(NEW_PROSPECTS_SHOWN))
    start, end = _day_bounds(day, tz)
    visits = (select(Visit).where(Visit.officer_id == officer.id, Visit.visited_at >= start, Visit.visited_at < end)
              .order_by(Visit.visited_at.desc()))
    return follow_ups, new, visits


def officer_today(officer: User, day: date, tz) -> Today:
    follow_up_query, new_query, visit_query = today_statements(officer, day, tz)
    with_places = (selectinload(Prospect.desa), selectinload(Prospect.kecamatan))
    follow_ups = db.session.scalars(follow_up_query.options(*with_places)).all()
    new = db.session.scalars(new_query.options(*with_places)).all()
    new_total = db.session.scalar(select(db.func.count()).select_from(
        select(Prospect.id).where(scope.visibility_filter(officer), Prospect.stage == Stage.NEW).subquery()))
    visits = db.session.scalars(visit_query.options(selectinload(Visit.prospect))).all()
    return Today(
        day=day,
        due=[p for p in follow_ups if p.next_follow_up == day],
        overdue=[p for p in follow_ups if p.next_follow_up < day],
        new=list(new), new_total=new_total, visits=list(visits),
    )
