"""The API of outreach events: list and create them, and send the people met at one (item by item, like
POST /api/v1/leads)."""

from datetime import datetime
from decimal import Decimal
from typing import Literal

from flask import abort, current_app, jsonify, request
from flask_login import current_user
from pydantic import BaseModel, Field, RootModel

from crm.api.spec import CleanText, DbId, operation, parse_body
from crm.api.views import bp
from crm.events import planning, scope, signups
from crm.events.links import signup_url
from crm.i18n import local_timezone, local_today
from crm.models import Event, EventKind, SignupSource
from crm.models.base import utcnow

MAX_ATTENDEES_PER_CALL = 500
Kind = Literal[tuple(kind.value for kind in EventKind)]


class EventIn(BaseModel):
    title: CleanText = Field(max_length=160)
    kind: Kind  # type: ignore[valid-type]
    starts_at: datetime = Field(description="With an offset; without one it is the branch's local time (WIB)")
    ends_at: datetime
    desa_id: DbId = Field(description="A desa of the token's user's branch")
    latitude: Decimal | None = Field(None, ge=-90, le=90, max_digits=9, decimal_places=6)
    longitude: Decimal | None = Field(None, ge=-180, le=180, max_digits=9, decimal_places=6)
    agency_id: DbId | None = Field(None, description="The partner agency")
    officer_ids: list[DbId] = Field(default_factory=list, max_length=50, description="Officers present")
    expected_attendees: int | None = Field(None, ge=1, le=planning.MAX_ATTENDEES)
    signup_cap: int | None = Field(None, ge=1, le=planning.MAX_SIGNUP_CAP, description=(
        "Answers of the public form taken before the rest are held for review (default: the branch's)"))


class EventCreated(BaseModel):
    id: int
    code: str
    signup_url: str


class EventOut(BaseModel):
    id: int
    code: str
    title: str
    kind: Kind  # type: ignore[valid-type]
    starts_at: datetime
    ends_at: datetime
    desa_id: int
    agency_id: int | None
    signup_url: str
    signup_state: Literal["not_yet", "open", "closed"]
    signed_up: int


class EventsOut(BaseModel):
    events: list[EventOut]


class AttendeeIn(BaseModel):
    name: str | None = Field(None, max_length=500)
    nik: str | None = Field(None, max_length=64, description="16 digits; spaces, dots and dashes are ignored")
    phone: str | None = Field(None, max_length=64, description="Indonesian, in any usual writing: 0812…, +62 812…")
    desa_id: DbId | None = Field(None, description="A desa of the event's branch (default: the event's)")
    occupation: str | None = Field(None, max_length=200)
    present: bool = Field(True, description="Ticked as present at the event")


class AttendeesIn(RootModel[list[AttendeeIn]]):
    root: list[AttendeeIn] = Field(min_length=1, max_length=MAX_ATTENDEES_PER_CALL)


class AttendeeReason(BaseModel):
    field: str
    code: str
    message: str


class AttendeeResult(BaseModel):
    index: int = Field(description="Position of the attendee in the list sent, from 0")
    status: Literal["created", "known", "possible_duplicate", "invalid"]
    prospect_id: int | None = Field(description="created: the new prospect; known: the one already in Sasar")
    reasons: list[AttendeeReason] = Field(default_factory=list)


class AttendeesOut(BaseModel):
    created: int
    known: int
    invalid: int
    results: list[AttendeeResult]


WORKERS = planning.EVENT_ROLES


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=local_timezone())


@operation(bp, "GET", "/events", summary="The events the token's user may see, latest first", roles=WORKERS,
           response=EventsOut, tags=("events",))
def list_events():
    events = planning.visible_events(current_user, limit=200)
    counts, now = planning.signup_counts([event.id for event in events]), utcnow()
    return jsonify(EventsOut(events=[EventOut(
        id=e.id, code=e.code, title=e.title, kind=e.kind.value, starts_at=e.starts_at, ends_at=e.ends_at,
        desa_id=e.desa_id, agency_id=e.agency_id, signup_url=signup_url(e),
        signup_state=planning.signup_state(e, now), signed_up=counts.get(e.id, 0)) for e in events]
    ).model_dump(mode="json"))


@operation(bp, "POST", "/events", summary="Plan an event of the token's user's branch", roles=WORKERS,
           body=EventIn, response=EventCreated, tags=("events",), success=(201,))
def create_event():
    body = parse_body(EventIn)
    event = planning.create_event(planning.EventDetails(
        title=body.title, kind=EventKind(body.kind), starts_at=_aware(body.starts_at), ends_at=_aware(body.ends_at),
        desa_id=body.desa_id, latitude=body.latitude, longitude=body.longitude, agency_id=body.agency_id,
        officer_ids=list(body.officer_ids), expected_attendees=body.expected_attendees,
        signup_cap=body.signup_cap), current_user, ip=request.remote_addr,
        default_cap=current_app.config["SASAR_EVENT_SIGNUP_CAP"])
    return jsonify(EventCreated(id=event.id, code=event.code, signup_url=signup_url(event)).model_dump()), 201


@operation(bp, "POST", "/events/<int:event_id>/attendees", summary=(
    "Send the people met at an event; each gets its own result (a person already in Sasar is not created again)"),
    roles=WORKERS, body=AttendeesIn, response=AttendeesOut, tags=("events",),
    extra_responses={404: "No such event among the token's user's"})
def post_attendees(event_id: int):
    event: Event | None = scope.visible_event(current_user, event_id)
    if event is None:
        abort(404)
    body = parse_body(AttendeesIn)
    outcomes = signups.add_attendees(event, [(signups.Answers(
        name=item.name, nik=item.nik, phone=item.phone, desa_id=item.desa_id, occupation=item.occupation),
        item.present) for item in body.root], current_user, source=SignupSource.API, now=utcnow(),
        today=local_today())
    results = [AttendeeResult(index=index, status=outcome.status, prospect_id=outcome.prospect_id, reasons=[
        AttendeeReason(field=r.field, code=r.code, message=r.message) for r in outcome.reasons])
        for index, outcome in enumerate(outcomes)]
    return jsonify(AttendeesOut(
        created=sum(r.status in ("created", "possible_duplicate") for r in results),
        known=sum(r.status == "known" for r in results), invalid=sum(r.status == "invalid" for r in results),
        results=results).model_dump(mode="json"))
