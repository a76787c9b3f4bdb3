"""Searching the audit trail."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import aliased

from crm.extensions import db
from crm.models import AuditEvent, User

PAGE_SIZE = 100


@dataclass(frozen=True)
class TrailFilter:
    actor: str = ""          # name, email or username, in part
    action: str = ""
    entity: str = ""
    entity_id: str = ""
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class TrailPage:
    events: list[tuple[AuditEvent, User | None]]
    total: int
    page: int
    pages: int


def _query(criteria: TrailFilter, tz) -> Select:
    actor = aliased(User)
    query = select(AuditEvent, actor).outerjoin(actor, AuditEvent.actor_id == actor.id)
    if criteria.actor.strip():
        pattern = f"%{criteria.actor.strip().lower()}%"
        query = query.where(or_(func.lower(actor.name).like(pattern), func.lower(actor.email).like(pattern),
                                func.lower(actor.username).like(pattern)))
    if criteria.action:
        query = query.where(AuditEvent.action == criteria.action)
    if criteria.entity:
        query = query.where(AuditEvent.entity == criteria.entity)
    if criteria.entity_id.strip():
        query = query.where(AuditEvent.entity_id == criteria.entity_id.strip())
    if criteria.since:
        query = query.where(AuditEvent.at >= datetime.combine(criteria.since, time.min, tzinfo=tz))
    if criteria.until:
        query = query.where(AuditEvent.at < datetime.combine(criteria.until + timedelta(days=1), time.min, tzinfo=tz))
    return query


def search(criteria: TrailFilter, tz, page: int = 1) -> TrailPage:
    query = _query(criteria, tz)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = db.session.execute(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
                              .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return TrailPage([tuple(row) for row in rows], total, page, pages)


def all_matching(criteria: TrailFilter, tz):
    """Every matching event, oldest first, streamed for an export."""
    query = _query(criteria, tz).order_by(AuditEvent.at, AuditEvent.id)
    yield from db.session.execute(query.execution_options(yield_per=1000))


def known_values() -> tuple[list[str], list[str]]:
    actions = db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)).all()
    entities = db.session.scalars(select(AuditEvent.entity).distinct().order_by(AuditEvent.entity)).all()
    return list(actions), list(entities)
