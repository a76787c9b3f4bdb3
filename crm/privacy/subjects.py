"""Data-subject requests: everything Sasar holds on one person, and erasing it.

Erasure anonymises rather than deletes: the prospect row stays, with its stage, sector, place and
dates, so every count, funnel figure and target stays as it was; what identifies the person goes.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, update

from crm import audit
from crm.events.signups import discard_held, events_of_prospect, held_with_nik
from crm.extensions import db
from crm.models import (
    ContactAttempt,
    LeadRow,
    Prospect,
    ProspectListing,
    Registration,
    User,
    Visit,
)
from crm.privacy import history
from crm.prospects import scope

ERASED_NAME = history.ERASED
PURPOSES = _l("Outreach for BPJS Ketenagakerjaan social security (Sasar, Situbondo branch)")


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value or "")


def prospects_with_nik(nik: str, seen_by: User | None = None) -> list[Prospect]:
    """Prospects carrying this NIK (spaces, dots and dashes ignored); with `seen_by`, those that person may see
    (the command line, run on the server, sees all)."""
    wanted = _digits(nik)
    if len(wanted) != 16:
        return []
    query = select(Prospect).where(Prospect.nik == wanted).order_by(Prospect.id)
    if seen_by is not None:
        query = query.where(scope.visibility_filter(seen_by))
    return list(db.session.scalars(query))


def _value(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    if hasattr(value, "value"):
        return value.value
    if value is None or isinstance(value, str | int | float | bool | list | dict):
        return value
    return str(value)


def _row(obj, columns: tuple[str, ...]) -> dict:
    return {column: _value(getattr(obj, column)) for column in columns}


PROSPECT_COLUMNS = ("id", "name", "nik", "phone", "address", "place_as_given", "occupation", "business_name",
                    "sector", "stage", "stage_changed_at", "source_reference", "latitude", "longitude",
                    "next_follow_up", "notes", "consent_basis", "consent_date", "consent_version", "created_at",
                    "updated_at",
                    "anonymised_at")
VISIT_COLUMNS = ("client_uuid", "visited_at", "outcome", "decline_reason", "notes", "next_follow_up", "latitude",
                 "longitude", "accuracy_m", "distance_m", "flagged", "flag_reason")
CONTACT_COLUMNS = ("contacted_at", "channel", "outcome", "decline_reason")
REGISTRATION_COLUMNS = ("kpj", "registered_on", "jkk", "jkm", "jht", "declared_income", "monthly_contribution",
                        "payer", "sponsor_name", "status", "status_changed_on")


def export_subject(nik: str, seen_by: User | None = None) -> dict:
    """Everything held on the person with this NIK, as a JSON-ready document."""
    people = []
    for prospect in prospects_with_nik(nik, seen_by):
        visits = db.session.scalars(select(Visit).where(Visit.prospect_id == prospect.id).order_by(Visit.visited_at))
        contacts = db.session.scalars(select(ContactAttempt).where(ContactAttempt.prospect_id == prospect.id)
                                      .order_by(ContactAttempt.contacted_at))
        registration = db.session.scalar(select(Registration).where(Registration.prospect_id == prospect.id))
        listings = db.session.scalars(select(ProspectListing).where(ProspectListing.prospect_id == prospect.id))
        rows = db.session.scalars(select(LeadRow).where(or_(LeadRow.prospect_id == prospect.id,
                                                            LeadRow.candidate_id == prospect.id)))
        people.append({
            "prospect": {**_row(prospect, PROSPECT_COLUMNS),
                         "desa": prospect.desa.name if prospect.desa else None,
                         "kecamatan": prospect.kecamatan.name if prospect.kecamatan else None,
                         "source_agency": prospect.source_agency.code if prospect.source_agency else None,
                         "consent_agency": prospect.consent_agency.code if prospect.consent_agency else None,
                         "assigned_officer": prospect.assigned_officer.name if prospect.assigned_officer else None},
            "visits": [{**_row(v, VISIT_COLUMNS), "officer": v.officer.name} for v in visits],
            "contacts": [{**_row(c, CONTACT_COLUMNS), "officer": c.officer.name} for c in contacts],
            "registration": _row(registration, REGISTRATION_COLUMNS) if registration else None,
            "also_listed_by": [{"agency": item.agency.code, "listed_at": _value(item.listed_at)} for item in listings],
            "events": [{"event": signup.event.title, "starts_at": _value(signup.event.starts_at),
                        "signed_up_at": _value(signup.created_at), "source": signup.source.value,
                        "present": signup.present, "consent_version": signup.consent_version}
                       for signup in events_of_prospect(prospect.id)],
            "lead_rows": [{"batch": row.batch_id, "row_number": row.row_number, "status": row.status.value,
                           "cells": row.cells} for row in rows],
            "history": history.history(prospect),
        })
    held = [{"event": signup.event.title, "sent_at": _value(signup.created_at), "answers": signup.answers}
            for signup in held_with_nik(_digits(nik))]
    return {"generated_at": datetime.now(UTC).isoformat(), "nik": _digits(nik), "people": people,
            "event_answers_held_for_review": held,
            "purposes": str(PURPOSES)}


@dataclass(frozen=True)
class Erasure:
    prospects: int
    visits: int
    registrations: int
    lead_rows: int
    held_answers: int = 0  # sign-up answers of an event held for review, discarded


def anonymise_prospect(prospect: Prospect, now: datetime) -> tuple[int, int, int]:
    """Blank what identifies the person; returns (visits, registrations, lead rows) touched."""
    prospect.name = ERASED_NAME
    prospect.nik = prospect.phone = prospect.address = prospect.place_as_given = None
    prospect.business_name = prospect.notes = prospect.source_reference = None
    prospect.latitude = prospect.longitude = prospect.location_accuracy_m = None
    prospect.next_follow_up = None
    prospect.anonymised_at = now
    visits = db.session.execute(update(Visit).where(Visit.prospect_id == prospect.id).values(
        notes=None, latitude=None, longitude=None)).rowcount
    registrations = db.session.execute(update(Registration).where(Registration.prospect_id == prospect.id).values(
        kpj="X" + f"{prospect.id:010d}", sponsor_name=None)).rowcount
    rows = db.session.scalars(select(LeadRow).where(or_(LeadRow.prospect_id == prospect.id,
                                                        LeadRow.candidate_id == prospect.id))).all()
    for row in rows:
        row.cells = [None] * len(row.cells or [])
        row.detail = None
    return visits, registrations, len(rows)


def erase_subject(nik: str, actor: User | None, *, ip: str | None = None) -> Erasure:
    """Anonymise every prospect with this NIK, their visits' notes and positions, KPJ and lead rows, and blank
    their identifiers in the audit trail's values (the events stay)."""
    now = datetime.now(UTC)
    totals = [0, 0, 0, 0]
    for prospect in prospects_with_nik(nik, actor):
        history.erase_from_trail(prospect, history.identifiers_of(prospect))
        visits, registrations, rows = anonymise_prospect(prospect, now)
        totals = [totals[0] + 1, totals[1] + visits, totals[2] + registrations, totals[3] + rows]
        # The trail keeps that it happened and to which record, not who the person was.
        audit.record("erase", "prospect", prospect.id, actor=actor, branch_id=prospect.branch_id, ip=ip)
    held = held_with_nik(_digits(nik))
    for signup in held:
        discard_held(signup, actor)
    db.session.flush()
    return Erasure(*totals, held_answers=len(held))


def reveal(prospect: Prospect, field: str, actor: User, *, ip: str | None = None) -> str | None:
    """The unmasked NIK or phone, recorded in the audit trail."""
    audit.record("reveal", "prospect", prospect.id, actor=actor, branch_id=prospect.branch_id, ip=ip,
                 after={"field": field})
    return getattr(prospect, field)

