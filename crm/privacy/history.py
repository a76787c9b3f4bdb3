"""A person's history in the audit trail: the events on their records, for the data-subject export, and
erasing what identifies them from those events' values when they are erased (the events themselves stay).
"""

from sqlalchemy import String, Text, cast, or_, select

from crm import audit
from crm.audit_trail.describe import sentence
from crm.extensions import db
from crm.models import AuditEvent, Prospect, Registration, User, Visit

ERASED = "—"
# Keys whose values identify the person in an event about their own records.
IDENTIFYING_KEYS = frozenset({
    "name", "nik", "phone", "kpj", "address", "place_as_given", "business_name", "notes", "sponsor_name",
    "source_reference", "latitude", "longitude", "cells", "answers",
})
# Shorter strings (a name, a short number) match too much of other people's events to be looked for in text.
SHORTEST_SEARCHED = 8


def person_events(prospect: Prospect) -> list[AuditEvent]:
    """The trail's events on the person's records: their prospect, its visits and its registration, oldest first."""
    visit_ids = select(cast(Visit.id, String)).where(Visit.prospect_id == prospect.id)
    registration_ids = select(cast(Registration.id, String)).where(Registration.prospect_id == prospect.id)
    return list(db.session.scalars(select(AuditEvent).where(or_(
        (AuditEvent.entity == "prospect") & (AuditEvent.entity_id == str(prospect.id)),
        (AuditEvent.entity == "visit") & AuditEvent.entity_id.in_(visit_ids),
        (AuditEvent.entity == "registration") & AuditEvent.entity_id.in_(registration_ids),
    )).order_by(AuditEvent.at, AuditEvent.id)))


def history(prospect: Prospect) -> list[dict]:
    """The person's events for their export: when, what, by whom, the values before and after, and the event as
    a sentence in the current language."""
    actors = {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(
        select(AuditEvent.actor_id).where(AuditEvent.id.in_([e.id for e in person_events(prospect)])))))}
    return [{"at": event.at.isoformat(), "action": event.action, "entity": event.entity,
             "entity_id": event.entity_id, "by": actors[event.actor_id].name if event.actor_id in actors else None,
             "before": event.before, "after": event.after, "description": sentence(event, actors.get(event.actor_id))}
            for event in person_events(prospect)]


def identifiers_of(prospect: Prospect) -> set[str]:
    """The person's numbers worth finding anywhere in the trail: NIK, phone, KPJ."""
    kpj = db.session.scalar(select(Registration.kpj).where(Registration.prospect_id == prospect.id))
    return {value for value in (prospect.nik, prospect.phone, kpj) if value and len(value) >= SHORTEST_SEARCHED}


def _scrubbed(value, identifiers: set[str], about_the_person: bool):
    if isinstance(value, dict):
        return {key: ERASED if about_the_person and key in IDENTIFYING_KEYS and item not in (None, "", [])
                else _scrubbed(item, identifiers, about_the_person) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrubbed(item, identifiers, about_the_person) for item in value]
    if isinstance(value, str) and any(identifier in value for identifier in identifiers):
        return ERASED
    return value


def erase_from_trail(prospect: Prospect, identifiers: set[str]) -> int:
    """Blank the person's identifiers in the values of the trail's events: every identifying value of the events
    on their records, and their NIK, phone or KPJ wherever else they appear. Call it before the records are
    anonymised (it finds them through their identifiers). Returns how many events were changed."""
    about = {event.id for event in person_events(prospect)}
    mentions = [cast(column, Text).contains(identifier) for identifier in identifiers
                for column in (AuditEvent.before, AuditEvent.after)]
    found = db.session.scalars(select(AuditEvent).where(or_(AuditEvent.id.in_(about), *mentions))).all()
    changed = 0
    for event in found:
        before = _scrubbed(event.before, identifiers, event.id in about)
        after = _scrubbed(event.after, identifiers, event.id in about)
        if (before, after) != (event.before, event.after):
            audit.redact(event, before=before, after=after)
            changed += 1
    return changed
