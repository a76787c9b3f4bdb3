"""The data-subject export as the person reads it: each field keeps its stable machine key (for a system that
reads the file) and gets an Indonesian label beside it; a coded value (a stage, an outcome) gets its words too.

    "stage": {"label": "Tahap", "value": "interested", "text": "Tertarik"}

The document is always in Indonesian, whatever language the admin works in: it is the person's copy.
"""

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from crm.audit_trail.describe import ACTION_LABELS, ENTITY_LABELS
from crm.labels import (
    CHANNEL_LABELS,
    CONTACT_OUTCOME_LABELS,
    DECLINE_LABELS,
    FLAG_LABELS,
    OUTCOME_LABELS,
    SECTOR_LABELS,
)
from crm.models import ConsentBasis, LeadRowStatus, SignupSource, User
from crm.privacy import subjects
from crm.prospects.stages import STAGE_LABELS
from crm.registrations.registering import PAYER_LABELS, STATUS_LABELS

LANGUAGE = "id"

SECTION_LABELS = {
    "prospect": _l("Personal data"), "visits": _l("Visits"), "contacts": _l("Calls and messages"),
    "registration": _l("Registration"), "also_listed_by": _l("Also listed by"), "events": _l("Events"),
    "lead_rows": _l("Rows of lead lists"), "history": _l("Audit history"),
    "event_answers_held_for_review": _l("Event answers held for review"),
}
FIELD_LABELS = {
    # the document
    "generated_at": _l("Made at"), "nik": "NIK", "purposes": _l("Purpose of processing"),
    # the prospect
    "id": _l("Record number"), "name": _l("Name"), "phone": _l("Phone number"), "address": _l("Address"),
    "place_as_given": _l("Place as written"), "occupation": _l("Occupation"), "business_name": _l("Business name"),
    "sector": _l("Sector"), "stage": _l("Stage"), "stage_changed_at": _l("Stage since"),
    "source_reference": _l("Agency's reference"), "latitude": _l("Latitude"), "longitude": _l("Longitude"),
    "next_follow_up": _l("Next follow-up"), "notes": _l("Notes"), "consent_basis": _l("Lawful basis"),
    "consent_date": _l("Consent date"), "consent_version": _l("Consent text version"),
    "created_at": _l("Recorded at"), "updated_at": _l("Last changed at"), "anonymised_at": _l("Anonymised at"),
    "desa": _l("Desa/Kelurahan"), "kecamatan": _l("Kecamatan"), "source_agency": _l("Agency that sent the lead"),
    "consent_agency": _l("Agency the consent was given to"), "assigned_officer": _l("Officer"),
    # visits and contacts
    "client_uuid": _l("Visit id"), "visited_at": _l("Visited at"), "outcome": _l("Outcome"),
    "decline_reason": _l("Why not interested"), "accuracy_m": _l("Position accuracy (m)"),
    "distance_m": _l("Distance from the prospect's place (m)"), "flagged": _l("Flagged for review"),
    "flag_reason": _l("Why flagged"), "officer": _l("Officer"), "contacted_at": _l("Contacted at"),
    "channel": _l("Channel"),
    # the registration
    "kpj": "KPJ", "registered_on": _l("Registration date"), "jkk": _l("Work-accident cover (JKK)"),
    "jkm": _l("Death benefit (JKM)"), "jht": _l("Old-age savings (JHT)"), "declared_income": _l("Declared income"),
    "monthly_contribution": _l("Monthly contribution"), "payer": _l("Who pays"), "sponsor_name": _l("Sponsor"),
    "status": _l("Status"), "status_changed_on": _l("Status since"),
    # listings, events, lead rows
    "agency": _l("Agency"), "listed_at": _l("Listed at"), "event": _l("Event"), "starts_at": _l("Starts at"),
    "signed_up_at": _l("Signed up at"), "source": _l("How they signed up"), "present": _l("Present"),
    "sent_at": _l("Sent at"), "answers": _l("Answers"), "batch": _l("Lead list number"),
    "row_number": _l("Row number"), "cells": _l("Row as sent"),
    # the audit history
    "at": _l("When"), "action": _l("What was done"), "entity": _l("On what"), "entity_id": _l("Record number"),
    "by": _l("By"), "before": _l("Before"), "after": _l("After"), "description": _l("Description"),
}
CONSENT_LABELS = {ConsentBasis.CONSENT: _l("Consent of the person"),
                  ConsentBasis.PUBLIC_TASK: _l("A public body's duty")}
ROW_STATUS_LABELS = {LeadRowStatus.INVALID: _l("Refused"), LeadRowStatus.DUPLICATE: _l("Duplicate"),
                     LeadRowStatus.POSSIBLE_DUPLICATE: _l("Possible duplicate")}
SOURCE_LABELS = {SignupSource.FORM: _l("The event's form"), SignupSource.OFFICER: _l("Added by an officer"),
                 SignupSource.API: _l("Through the API")}


def _by_code(labels: dict) -> dict:
    return {getattr(member, "value", member): label for member, label in labels.items()}


# The words of a coded value, by (section, field): the same key may hold another code elsewhere.
CODES = {
    ("prospect", "stage"): _by_code(STAGE_LABELS), ("prospect", "sector"): _by_code(SECTOR_LABELS),
    ("prospect", "consent_basis"): _by_code(CONSENT_LABELS),
    ("visits", "outcome"): _by_code(OUTCOME_LABELS), ("visits", "decline_reason"): _by_code(DECLINE_LABELS),
    ("visits", "flag_reason"): _by_code(FLAG_LABELS),
    ("contacts", "outcome"): _by_code(CONTACT_OUTCOME_LABELS), ("contacts", "channel"): _by_code(CHANNEL_LABELS),
    ("contacts", "decline_reason"): _by_code(DECLINE_LABELS),
    ("registration", "payer"): _by_code(PAYER_LABELS), ("registration", "status"): _by_code(STATUS_LABELS),
    ("lead_rows", "status"): _by_code(ROW_STATUS_LABELS), ("events", "source"): _by_code(SOURCE_LABELS),
    ("history", "action"): ACTION_LABELS, ("history", "entity"): ENTITY_LABELS,
}


def _field(section: str, key: str, value) -> dict:
    # A field no label names yet shows its key rather than failing the export (a test finds it).
    field = {"label": str(FIELD_LABELS.get(key, key)), "value": value}
    words = CODES.get((section, key), {}).get(value) if isinstance(value, str) else None
    if words is not None:
        field["text"] = str(words)
    return field


def _labelled(section: str, record: dict | None) -> dict | None:
    return None if record is None else {key: _field(section, key, value) for key, value in record.items()}


def subject_document(nik: str, seen_by: User | None = None) -> dict:
    """Everything held on the person with this NIK (crm/privacy/subjects.export_subject), labelled in Indonesian."""
    with force_locale(LANGUAGE):
        raw = subjects.export_subject(nik, seen_by)
        people = [{section: [_labelled(section, item) for item in value] if isinstance(value, list)
                   else _labelled(section, value) for section, value in person.items()} for person in raw["people"]]
        held = "event_answers_held_for_review"
        return {
            "generated_at": _field("", "generated_at", raw["generated_at"]),
            "nik": _field("", "nik", raw["nik"]),
            "purposes": _field("", "purposes", str(subjects.PURPOSES)),
            "sections": {key: str(label) for key, label in SECTION_LABELS.items()},
            "people": people,
            held: [_labelled(held, item) for item in raw[held]],
        }
