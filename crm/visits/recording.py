"""Recording a visit: one function behind the visit form, the offline sync and the API."""

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm import audit
from crm.errors import Invalid, NotFound
from crm.extensions import db
from crm.models import (
    DeclineReason,
    Outcome,
    ParticipantStatus,
    PositionSource,
    Prospect,
    Stage,
    User,
    Visit,
)
from crm.prospects import scope, stages
from crm.visits import geo

MAX_NOTES = 2000
CLOCK_SKEW = timedelta(minutes=10)  # phones' clocks run ahead; a visit "from the future" beyond this is a typo


@dataclass(frozen=True)
class VisitReport:
    """What the officer reported, as plain values."""

    prospect_id: int
    client_uuid: uuid.UUID
    outcome: Outcome
    visited_at: datetime | None = None
    decline_reason: DeclineReason | None = None
    notes: str | None = None
    next_follow_up: date | None = None
    latitude: float | None = None
    longitude: float | None = None
    accuracy_m: float | None = None
    position_source: PositionSource | None = None


@dataclass(frozen=True)
class FlagRules:
    """How far a visit may be from the prospect's known place, by how well that place is known.

    An earlier good fix of the person is tight (`max_distance_from_fix_m`); a desa or kecamatan centre allows
    the place's own reach (crm/visits/reach.py, set by `sasar load-centroids`), or, where no reach is known,
    `max_distance_m` from a desa centre and `max_distance_from_kecamatan_m` from a kecamatan's.
    """

    max_distance_m: float = 2000
    max_accuracy_m: float = 500
    good_fix_m: float = 100
    # A kecamatan spans 10–20 km: measured from its centre, only a visit in another kecamatan is suspect.
    max_distance_from_kecamatan_m: float = 10_000
    max_distance_from_fix_m: float = 500

    @classmethod
    def from_config(cls, config) -> "FlagRules":
        return cls(config.get("SASAR_VISIT_FLAG_DISTANCE_M", 2000), config.get("SASAR_VISIT_FLAG_ACCURACY_M", 500),
                   config.get("SASAR_GOOD_FIX_M", 100), config.get("SASAR_VISIT_FLAG_KECAMATAN_DISTANCE_M", 10_000),
                   config.get("SASAR_VISIT_FLAG_FIX_DISTANCE_M", 500))

    def max_distance_for(self, place: geo.KnownPlace | None) -> float:
        if place is None or place.precision == "fix":
            return self.max_distance_from_fix_m
        if place.reach_m is not None:
            return place.reach_m
        return self.max_distance_from_kecamatan_m if place.precision == "kecamatan" else self.max_distance_m


@dataclass(frozen=True)
class RecordedVisit:
    visit: Visit
    created: bool           # False when the same client UUID had already arrived
    stage_before: Stage
    stage_after: Stage


def position_source(report: VisitReport) -> PositionSource | None:
    """Where the reported position came from: as the report says, else the device's own fix (GPS) — the web
    form says "manual" for coordinates typed by hand. Only a GPS fix moves where the prospect is known to be."""
    if report.latitude is None:
        return None
    return report.position_source or PositionSource.GPS


def _check(report: VisitReport, now: datetime) -> None:
    if report.outcome is Outcome.NOT_INTERESTED and report.decline_reason is None:
        raise Invalid(_l("Say why the person is not interested."), field="decline_reason")
    if report.notes and len(report.notes) > MAX_NOTES:
        raise Invalid(_l("Notes can be at most %(n)d characters.", n=MAX_NOTES), field="notes")
    if report.visited_at is not None and report.visited_at > now + CLOCK_SKEW:
        raise Invalid(_l("The visit time is in the future."), field="visited_at")
    visited_on = (report.visited_at or now).date()
    if report.next_follow_up is not None and report.next_follow_up < visited_on:
        raise Invalid(_l("The next follow-up cannot be before the visit."), field="next_follow_up")
    if (report.latitude is None) != (report.longitude is None):
        raise Invalid(_l("Give both latitude and longitude, or neither."), field="latitude")
    if report.latitude is not None and not geo.is_plausible(report.latitude, report.longitude):
        raise Invalid(_l("The position is not a valid latitude/longitude."), field="latitude")
    if report.accuracy_m is not None and report.accuracy_m < 0:
        raise Invalid(_l("The accuracy cannot be negative."), field="accuracy_m")


def record_visit(officer: User, report: VisitReport, rules: FlagRules, *, ip: str | None = None) -> RecordedVisit:
    """Store a visit once per client UUID, flag it if far or imprecise, and move the stage by the rules.

    A visit that arrives late (logged offline) is stored as reported; the stage rules are applied to
    the prospect as it is now, so a prospect registered meanwhile stays registered.
    """
    existing = db.session.scalar(select(Visit).where(Visit.client_uuid == report.client_uuid))
    if existing is not None:
        if existing.officer_id != officer.id:
            raise Invalid(_l("This visit id belongs to another officer."), field="client_uuid")
        stage = existing.prospect.stage
        return RecordedVisit(existing, False, stage, stage)

    prospect = db.session.get(Prospect, report.prospect_id)
    if prospect is None or not scope.can_work(officer, prospect):
        raise NotFound(_l("No such prospect among yours."), field="prospect_id")
    now = datetime.now(UTC)
    _check(report, now)

    fix = geo.Point.of(report.latitude, report.longitude)
    place = geo.known_place(prospect)
    assessment = geo.assess_fix(place.point if place else None, fix, report.accuracy_m,
                                max_distance_m=rules.max_distance_for(place), max_accuracy_m=rules.max_accuracy_m)
    visit = Visit(
        client_uuid=report.client_uuid, branch_id=prospect.branch_id, prospect=prospect, officer=officer,
        visited_at=report.visited_at or now, outcome=report.outcome,
        decline_reason=report.decline_reason if report.outcome is Outcome.NOT_INTERESTED else None,
        notes=(report.notes or "").strip() or None, next_follow_up=report.next_follow_up,
        latitude=geo.as_decimal(fix.latitude) if fix else None,
        longitude=geo.as_decimal(fix.longitude) if fix else None,
        accuracy_m=report.accuracy_m, position_source=position_source(report) if fix else None,
        distance_m=assessment.distance_m, flagged=assessment.flagged, flag_reason=assessment.flag_reason,
        distance_from=place.precision if place else None, distance_limit_m=assessment.max_distance_m,
    )
    db.session.add(visit)

    stage_before = prospect.stage
    stages.move(prospect, stages.stage_after_visit(prospect.stage, report.outcome))
    being_worked = prospect.stage in stages.OPEN_STAGES or _is_lapsed_participant(prospect)
    prospect.next_follow_up = report.next_follow_up if being_worked else None
    if fix is not None and report.accuracy_m is not None and report.accuracy_m <= rules.good_fix_m \
            and visit.position_source is PositionSource.GPS:
        prospect.latitude, prospect.longitude = visit.latitude, visit.longitude
        prospect.location_accuracy_m = report.accuracy_m
    if prospect.assigned_officer_id is None:
        prospect.assigned_officer = officer
    db.session.flush()
    audit.record("create", "visit", visit.id, actor=officer, branch_id=prospect.branch_id, ip=ip,
                 after={"prospect_id": prospect.id, "outcome": report.outcome.value,
                        "stage": [stage_before.value, prospect.stage.value], "flag": assessment.flag_reason})
    return RecordedVisit(visit, True, stage_before, prospect.stage)


def visit_saved(prospect: Prospect, client_uuid: str | None) -> Visit | None:
    """The prospect's visit with this client UUID, when it has reached the server (to confirm a save)."""
    try:
        wanted = uuid.UUID(client_uuid or "")
    except ValueError:
        return None
    return db.session.scalar(select(Visit).where(Visit.client_uuid == wanted, Visit.prospect_id == prospect.id))


def _is_lapsed_participant(prospect: Prospect) -> bool:
    """Lapsed participants are worked like prospects until active again, follow-ups included."""
    registration = prospect.registration
    return registration is not None and registration.status is ParticipantStatus.LAPSED


FLAGGED_SHOWN = 200


def flagged_visits(manager: User, include_reviewed: bool = False) -> list[Visit]:
    """The flagged visits of the prospects `manager` may see, newest first (the latest FLAGGED_SHOWN); those
    already reviewed only when asked."""
    query = (select(Visit).join(Visit.prospect).where(Visit.flagged, scope.visibility_filter(manager))
             .options(selectinload(Visit.prospect).selectinload(Prospect.desa),
                      selectinload(Visit.prospect).selectinload(Prospect.kecamatan), selectinload(Visit.officer))
             .order_by(Visit.visited_at.desc()).limit(FLAGGED_SHOWN))
    if not include_reviewed:
        query = query.where(Visit.reviewed_at.is_(None))
    return list(db.session.scalars(query))


def mark_reviewed(visit: Visit, manager: User, *, ip: str | None = None) -> None:
    visit.reviewed_by = manager
    visit.reviewed_at = datetime.now(UTC)
    audit.record("review", "visit", visit.id, actor=manager, branch_id=visit.branch_id, ip=ip)
