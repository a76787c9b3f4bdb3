"""What an event brought: its funnel (signed up → present → contacted → visited → registered) and the first
monthly contributions of the registrations it led to.

The steps count the event's accepted sign-ups: `present` those ticked at the event; `contacted` and
`visited` the prospects now at that stage of the road or further (Sasar keeps the stage a prospect is in,
as the dashboard's funnel explains); `registered` the prospects registered on or after the event's first day —
someone registered before they came is not the event's doing. `first_contributions` adds up those
registrations' monthly contributions (unknown for registrations learnt from the core system).
"""

from dataclasses import dataclass
from datetime import datetime, tzinfo

from sqlalchemy import Integer, case, func, select

from crm.extensions import db
from crm.models import Event, EventSignup, Prospect, Registration, SignupStatus, Stage

CONTACTED_OR_FURTHER = (Stage.CONTACTED, Stage.VISITED, Stage.INTERESTED, Stage.REGISTERED)
VISITED_OR_FURTHER = (Stage.VISITED, Stage.INTERESTED, Stage.REGISTERED)
STEPS = ("signed_up", "present", "contacted", "visited", "registered")


@dataclass(frozen=True)
class EventFunnel:
    signed_up: int = 0
    present: int = 0
    contacted: int = 0
    visited: int = 0
    registered: int = 0
    first_contributions: int = 0  # rupiah a month

    def steps(self) -> list[tuple[str, int]]:
        return [(step, getattr(self, step)) for step in STEPS]


def _local_day(moment: datetime, tz: tzinfo):
    return moment.astimezone(tz).date()


def _count_where(condition):
    return func.sum(case((condition, 1), else_=0)).cast(Integer)


def event_funnels(events: list[Event], tz: tzinfo) -> dict[int, EventFunnel]:
    """Each event's funnel, in two aggregate queries for all of them."""
    if not events:
        return {}
    ids = [event.id for event in events]
    counts = db.session.execute(
        select(EventSignup.event_id, func.count(), _count_where(EventSignup.present),
               _count_where(Prospect.stage.in_(CONTACTED_OR_FURTHER)),
               _count_where(Prospect.stage.in_(VISITED_OR_FURTHER)))
        .join(Prospect, Prospect.id == EventSignup.prospect_id)
        .where(EventSignup.event_id.in_(ids), EventSignup.status == SignupStatus.ACCEPTED)
        .group_by(EventSignup.event_id)).all()
    first_days = {event.id: _local_day(event.starts_at, tz) for event in events}
    registered: dict[int, list[int]] = {}
    for event_id, registered_on, contribution in db.session.execute(
            select(EventSignup.event_id, Registration.registered_on, Registration.monthly_contribution)
            .join(Registration, Registration.prospect_id == EventSignup.prospect_id)
            .where(EventSignup.event_id.in_(ids), EventSignup.status == SignupStatus.ACCEPTED)):
        if registered_on >= first_days[event_id]:
            registered.setdefault(event_id, []).append(contribution or 0)
    funnels = {event_id: EventFunnel() for event_id in ids}
    for event_id, signed_up, present, contacted, visited in counts:
        made = registered.get(event_id, [])
        funnels[event_id] = EventFunnel(signed_up, present or 0, contacted or 0, visited or 0, len(made), sum(made))
    return funnels


def event_registrations(event: Event, tz: tzinfo) -> list[tuple[Registration, Prospect]]:
    """The registrations the event led to, earliest first, with their prospects — those of the event's branch
    (a person another branch registered counts in the funnel, but is that branch's record)."""
    return [(registration, prospect) for registration, prospect in db.session.execute(
        select(Registration, Prospect).join(Prospect, Prospect.id == Registration.prospect_id)
        .join(EventSignup, EventSignup.prospect_id == Prospect.id)
        .where(EventSignup.event_id == event.id, EventSignup.status == SignupStatus.ACCEPTED,
               Prospect.branch_id == event.branch_id,
               Registration.registered_on >= _local_day(event.starts_at, tz))
        .order_by(Registration.registered_on, Registration.id)).all()]
