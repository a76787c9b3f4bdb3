"""What the officers' phone sends and receives — for the API and for the browser's own endpoints alike —
and its conversions to and from the domain's values."""

import gzip
import uuid
from datetime import UTC, date, datetime

from flask import jsonify, request
from pydantic import BaseModel, Field

from crm.api.spec import CleanText, DbId
from crm.i18n import local_timezone, local_today
from crm.models import DeclineReason, Outcome, PositionSource, Stage
from crm.prospects.stages import STAGE_LABELS
from crm.visits import geo, workingset
from crm.visits.recording import RecordedVisit, VisitReport


class VisitIn(BaseModel):
    id: uuid.UUID = Field(description="Made on the phone; sending the same id again stores nothing new")
    prospect_id: DbId
    outcome: Outcome
    visited_at: datetime | None = Field(None, description="When the visit happened (default: now)")
    decline_reason: DeclineReason | None = None
    notes: CleanText | None = Field(None, max_length=2000)
    next_follow_up: date | None = None
    latitude: float | None = Field(None, ge=-90, le=90)
    longitude: float | None = Field(None, ge=-180, le=180)
    accuracy_m: float | None = Field(None, ge=0)
    position_source: PositionSource | None = Field(None, description="Where the position came from; unsaid, a "
                                                   "position is the device's own (gps)")


class VisitOut(BaseModel):
    id: uuid.UUID
    prospect_id: DbId
    outcome: Outcome
    visited_at: datetime
    stage: Stage
    distance_m: float | None
    flagged: bool
    flag_reason: str | None
    created: bool = Field(description="False when this id had already been received")


class ProspectOut(BaseModel):
    id: int
    name: str
    stage: Stage
    phone: str | None
    desa: str | None
    kecamatan: str | None
    latitude: float | None
    longitude: float | None
    next_follow_up: date | None
    assigned_to_me: bool


class ProspectList(BaseModel):
    items: list[ProspectOut]


class WorkingProspect(BaseModel):
    id: int
    name: str
    stage: Stage
    phone: str | None = Field(description="In full: the officer calls from his phone")
    address: str | None
    desa: str | None
    place: str | None = Field(description="As the pages write it: \"Kilensari, Panarukan\"")
    kecamatan_id: int | None
    occupation: str | None
    business_name: str | None
    latitude: float | None = Field(description="Where the prospect is known to be (a good fix, else the desa's "
                                               "centre, else the kecamatan's)")
    longitude: float | None
    next_follow_up: date | None
    assigned_to_me: bool


class Members(BaseModel):
    count: int = Field(description="How many prospects the working set holds now")
    hash: int = Field(description="Sum of id × 2654435761 modulo 2³² over them: a phone whose ids give another "
                                  "count or hash syncs again without `since`")


class PlanStopOut(BaseModel):
    prospect_id: int
    leg_m: float | None = Field(description="Metres from the stop before; null: no known place, after the route")


class WorkingSetOut(BaseModel):
    officer_id: int
    cursor: str = Field(description="Send it back as `since` next time")
    full: bool = Field(description="True: the whole set (replace what the phone holds); false: changes only")
    synced_at: datetime
    day: date = Field(description="The day the plan is for")
    prospects: list[WorkingProspect] = Field(description="Added or changed since the cursor (all when full)")
    removed: list[int] = Field(description="Ids of prospects that changed and left the working set")
    members: Members
    plan: list[PlanStopOut] = Field(description="Today's stops in visiting order, from the kecamatan's centre")
    stage_labels: dict[Stage, str] = Field(description="Each stage's name in the user's language")


def report_from(body: VisitIn) -> VisitReport:
    return VisitReport(
        prospect_id=body.prospect_id, client_uuid=body.id, outcome=body.outcome, visited_at=body.visited_at,
        decline_reason=body.decline_reason, notes=body.notes, next_follow_up=body.next_follow_up,
        latitude=body.latitude, longitude=body.longitude, accuracy_m=body.accuracy_m,
        position_source=body.position_source,
    )


def visit_out(recorded: RecordedVisit) -> VisitOut:
    visit = recorded.visit
    return VisitOut(id=visit.client_uuid, prospect_id=visit.prospect_id, outcome=visit.outcome,
                    visited_at=visit.visited_at, stage=recorded.stage_after, distance_m=visit.distance_m,
                    flagged=visit.flagged, flag_reason=visit.flag_reason, created=recorded.created)


def working_set_response(officer, since: str | None):
    """The working set as JSON, for the API and for the officer's browser."""
    now = datetime.now(UTC)
    found = workingset.working_set(officer, since=since or None, now=now, day=local_today(), tz=local_timezone())
    prospects = []
    for prospect in found.prospects:
        place = geo.known_location(prospect)
        prospects.append(WorkingProspect(
            id=prospect.id, name=prospect.name, stage=prospect.stage, phone=prospect.phone, address=prospect.address,
            desa=prospect.desa.name if prospect.desa else None, place=workingset.place_of(prospect),
            kecamatan_id=prospect.kecamatan_id,
            occupation=prospect.occupation, business_name=prospect.business_name,
            latitude=place.latitude if place else None, longitude=place.longitude if place else None,
            next_follow_up=prospect.next_follow_up, assigned_to_me=prospect.assigned_officer_id == officer.id))
    body = WorkingSetOut(
        officer_id=officer.id, cursor=found.cursor, full=found.full, synced_at=now, day=found.day, prospects=prospects,
        removed=found.removed, members=Members(count=found.members.count, hash=found.members.hash),
        plan=[PlanStopOut(prospect_id=s.prospect_id, leg_m=s.leg_m) for s in found.plan],
        stage_labels={stage: str(label) for stage, label in STAGE_LABELS.items()})
    response = jsonify(body.model_dump(mode="json", exclude_none=False))
    response.headers["Cache-Control"] = "no-store"
    response.vary.add("Accept-Encoding")
    if request.accept_encodings["gzip"]:
        # A first sync is ~300 KB of JSON and ~26 KB compressed: the officer's data plan pays the second,
        # whether or not a reverse proxy compresses.
        response.set_data(gzip.compress(response.get_data(), compresslevel=6))
        response.headers["Content-Encoding"] = "gzip"
    return response
