"""An officer's day: follow-ups due and overdue, new prospects, and the visits already logged."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import or_, select
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


def officer_today(officer: User, day: date, tz) -> Today:
    mine = scope.visibility_filter(officer)
    with_places = (selectinload(Prospect.desa), selectinload(Prospect.kecamatan))
    lapsed = select(Registration.prospect_id).where(Registration.status == ParticipantStatus.LAPSED)
    being_worked = or_(Prospect.stage.in_(OPEN_STAGES), Prospect.id.in_(lapsed))
    follow_ups = db.session.scalars(
        select(Prospect).where(mine, being_worked, Prospect.next_follow_up <= day)
        .options(*with_places).order_by(Prospect.next_follow_up, Prospect.name)).all()
    new_query = select(Prospect).where(mine, Prospect.stage == Stage.NEW)
    new = db.session.scalars(new_query.options(*with_places)
                             .order_by((Prospect.assigned_officer_id == officer.id).desc(), Prospect.created_at,
                                       Prospect.id).limit(NEW_PROSPECTS_SHOWN)).all()
    new_total = db.session.scalar(select(db.func.count()).select_from(new_query.subquery()))
    start, end = _day_bounds(day, tz)
    visits = db.session.scalars(
        select(Visit).where(Visit.officer_id == officer.id, Visit.visited_at >= start, Visit.visited_at < end)
        .options(selectinload(Visit.prospect)).order_by(Visit.visited_at.desc())).all()
    return Today(
        day=day,
        due=[p for p in follow_ups if p.next_follow_up == day],
        overdue=[p for p in follow_ups if p.next_follow_up < day],
        new=list(new), new_total=new_total, visits=list(visits),
    )
