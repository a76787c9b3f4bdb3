"""Creating an event, its public link's window, closing it early, and the lists of events."""

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from crm import audit
from crm.errors import Invalid
from crm.events import scope
from crm.extensions import db
from crm.i18n import number
from crm.models import Agency, Event, EventKind, EventSignup, Region, RegionLevel, Role, SignupStatus, User
from crm.models.base import utcnow
from crm.registrations.targets import FIRST_YEAR, LAST_YEAR

KIND_LABELS = {
    EventKind.SOSIALISASI: _l("Socialisation (sosialisasi)"),
    EventKind.TPI: _l("Fish auction (TPI)"),
    EventKind.MARKET: _l("Market day (pasar)"),
    EventKind.SOCIAL_AID: _l("Social aid distribution (bantuan sosial)"),
    EventKind.OTHER: _l("Other"),
}
# Who plans events and works them: everyone of the branch but the agencies' liaisons.
EVENT_ROLES = (Role.ADMIN, Role.MANAGER, Role.OFFICER)
# The public form takes answers from a day before the start to three days after the end.
OPENS_BEFORE_START = timedelta(days=1)
CLOSES_AFTER_END = timedelta(days=3)
LONGEST_EVENT = timedelta(days=31)
DEFAULT_SIGNUP_CAP = 300
MAX_SIGNUP_CAP = 100_000
MAX_ATTENDEES = 100_000
# Codes of the short link: no 0/O, 1/l/I, so that a code read off a poster is typed right.
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 7


@dataclass
class EventDetails:
    """What an officer fills in for a new event; everything after `desa_id` may be left out."""

    title: str
    kind: EventKind
    starts_at: datetime
    ends_at: datetime
    desa_id: int
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    agency_id: int | None = None
    officer_ids: list[int] = field(default_factory=list)
    expected_attendees: int | None = None
    signup_cap: int | None = None


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def desa_choices(branch_id: int) -> list[tuple[int, str]]:
    """The desa an event of the branch may take place in (and its people live in), by kecamatan and name, as
    form choices: "Kilensari (Panarukan)". Plain rows, no objects: the public form reads them on every view."""
    parent = db.aliased(Region)
    return [(desa_id, f"{name} ({kecamatan})") for desa_id, name, kecamatan in db.session.execute(
        select(Region.id, Region.name, parent.name).join(parent, Region.parent_id == parent.id)
        .where(Region.branch_id == branch_id, Region.level == RegionLevel.DESA)
        .order_by(parent.name, Region.name))]


def _check(details: EventDetails, branch_id: int) -> tuple[Region, Agency | None, list[User]]:
    title = " ".join((details.title or "").split())
    if not title:
        raise Invalid(_l("Give the event a title."), field="title")
    if len(title) > 160:
        raise Invalid(_l("The title may have at most %(max)d characters.", max=160), field="title")
    details.title = title
    if details.starts_at is None or details.ends_at is None:
        raise Invalid(_l("Enter when the event starts and ends."), field="starts_at")
    years = (details.starts_at.year, details.ends_at.year)
    if min(years) < FIRST_YEAR or max(years) > LAST_YEAR:  # before any arithmetic: year 9999 would overflow
        raise Invalid(_l("An event takes place from %(first)d to %(last)d.", first=FIRST_YEAR, last=LAST_YEAR),
                      field="starts_at")
    if details.ends_at <= details.starts_at:
        raise Invalid(_l("The event must end after it starts."), field="ends_at")
    if details.ends_at - details.starts_at > LONGEST_EVENT:
        raise Invalid(_l("An event lasts at most %(days)d days.", days=LONGEST_EVENT.days), field="ends_at")
    desa = db.session.get(Region, details.desa_id) if details.desa_id else None
    if desa is None or desa.level is not RegionLevel.DESA or desa.branch_id != branch_id:
        raise Invalid(_l("Choose a desa of your branch."), field="desa_id")
    if (details.latitude is None) != (details.longitude is None):
        raise Invalid(_l("Give both the latitude and the longitude of the pin, or neither."), field="latitude")
    if details.latitude is not None and not (-90 <= details.latitude <= 90 and -180 <= details.longitude <= 180):
        raise Invalid(_l("The pin is not on the map: latitude −90 to 90, longitude −180 to 180."), field="latitude")
    agency = None
    if details.agency_id:
        agency = db.session.get(Agency, details.agency_id)
        if agency is None or not agency.active:
            raise Invalid(_l("Choose one of the partner agencies."), field="agency_id")
    officers = list(db.session.scalars(select(User).where(User.id.in_(details.officer_ids or [])))) \
        if details.officer_ids else []
    if len(officers) != len(set(details.officer_ids or [])) or any(
            o.role is not Role.OFFICER or not o.active or o.branch_id != branch_id for o in officers):
        raise Invalid(_l("Choose active officers of the event's branch."), field="officer_ids")
    for name, value, largest in (("expected_attendees", details.expected_attendees, MAX_ATTENDEES),
                                 ("signup_cap", details.signup_cap, MAX_SIGNUP_CAP)):
        if value is not None and not 0 < value <= largest:
            raise Invalid(_l("Enter a whole number from 1 to %(max)s.", max=number(largest)),
                          field=name)
    return desa, agency, officers


def create_event(details: EventDetails, actor: User, *, default_cap: int = DEFAULT_SIGNUP_CAP, ip=None) -> Event:
    """A new event of the actor's branch, with its short public code. The caller commits."""
    desa, agency, officers = _check(details, actor.branch_id)
    code = new_code()
    while db.session.scalar(select(Event.id).where(Event.code == code)) is not None:
        code = new_code()
    event = Event(branch_id=actor.branch_id, code=code, title=details.title, kind=details.kind,
                  starts_at=details.starts_at, ends_at=details.ends_at, desa=desa, latitude=details.latitude,
                  longitude=details.longitude, agency=agency, expected_attendees=details.expected_attendees,
                  signup_cap=details.signup_cap or default_cap, created_by_id=actor.id, officers=officers)
    db.session.add(event)
    db.session.flush()
    audit.record("create", "event", event.id, actor=actor, branch_id=event.branch_id, ip=ip,
                 after={"title": event.title, "kind": event.kind.value, "code": event.code,
                        "starts_at": event.starts_at.isoformat(), "ends_at": event.ends_at.isoformat()})
    return event


def set_signup_cap(event: Event, cap: int | None, actor: User, *, ip=None) -> None:
    if cap is None or not 0 < cap <= MAX_SIGNUP_CAP:
        raise Invalid(_l("Enter a whole number from 1 to %(max)s.", max=number(MAX_SIGNUP_CAP)),
                      field="signup_cap")
    audit.record("update", "event", event.id, actor=actor, branch_id=event.branch_id, ip=ip,
                 before={"signup_cap": event.signup_cap}, after={"signup_cap": cap})
    event.signup_cap = cap


# --- the public link's window ----------------------------------------------------------------------

def signup_opens_at(event: Event) -> datetime:
    return event.starts_at - OPENS_BEFORE_START


def signup_closes_at(event: Event) -> datetime:
    """When the form stops taking answers: three days after the end, or when an officer closed it."""
    closes = event.ends_at + CLOSES_AFTER_END
    return min(closes, event.closed_at) if event.closed_at is not None else closes


def signup_state(event: Event, now: datetime) -> str:
    """`not_yet`, `open` or `closed`."""
    if now >= signup_closes_at(event):
        return "closed"
    if now < signup_opens_at(event):
        return "not_yet"
    return "open"


def close_link(event: Event, actor: User, *, ip=None) -> None:
    """The public form stops taking answers now. The caller commits."""
    if event.closed_at is not None:
        return
    event.closed_at = utcnow()
    audit.record("close", "event", event.id, actor=actor, branch_id=event.branch_id, ip=ip)


def reopen_link(event: Event, actor: User, *, ip=None) -> None:
    """Undo an early close (the usual window still applies). The caller commits."""
    if event.closed_at is None:
        return
    event.closed_at = None
    audit.record("reopen", "event", event.id, actor=actor, branch_id=event.branch_id, ip=ip)


# --- lists ------------------------------------------------------------------------------------------

def visible_events(user: User, *, start: datetime | None = None, end: datetime | None = None,
                   limit: int | None = None) -> list[Event]:
    """The events `user` may see, latest first; with `start`/`end`, those that overlap that span."""
    query = select(Event).where(scope.visibility_filter(user)).options(
        selectinload(Event.desa).selectinload(Region.parent), selectinload(Event.agency),
        selectinload(Event.officers))
    if start is not None:
        query = query.where(Event.ends_at >= start)
    if end is not None:
        query = query.where(Event.starts_at < end)
    return list(db.session.scalars(query.order_by(Event.starts_at.desc(), Event.id.desc()).limit(limit)))


def month_span(day: date, tz) -> tuple[datetime, datetime]:
    """The month of `day`, as instants in the branch's zone: its first moment and the next month's."""
    first = day.replace(day=1)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return datetime.combine(first, time.min, tzinfo=tz), datetime.combine(following, time.min, tzinfo=tz)


def events_this_month(user: User, today: date, tz) -> list[Event]:
    """The events of the month `today` is in, soonest first: the dashboard's and Today's short list."""
    start, end = month_span(today, tz)
    return sorted(visible_events(user, start=start, end=end), key=lambda e: (e.starts_at, e.id))


def signup_counts(event_ids: list[int]) -> dict[int, int]:
    """Accepted sign-ups per event, in one query."""
    if not event_ids:
        return {}
    return dict(db.session.execute(select(EventSignup.event_id, func.count()).where(
        EventSignup.event_id.in_(event_ids), EventSignup.status == SignupStatus.ACCEPTED)
        .group_by(EventSignup.event_id)).all())
