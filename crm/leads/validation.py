"""Checking one lead: each value present must be well formed, a name and a NIK or phone are needed.

A row is refused with one reason per problem, each naming the column as the agency wrote it. A
place that matches no region does not refuse the row: its location is kept as given, unresolved.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from crm.leads.mapping import LeadField
from crm.leads.reading import Cell, cell_text
from crm.leads.sectors import sector_for
from crm.models import Sector
from crm.people import names, nik, phone
from crm.people.problems import Problem, Refused
from crm.reference import PlaceMatcher

MESSAGES = {
    "nik_or_phone_missing": _l("A lead needs a NIK or a phone number; both are empty."),
    "text_too_long": _l("At most %(max)d characters; this has %(count)d."),
}
TEMPLATES = {**nik.MESSAGES, **phone.MESSAGES, **names.MESSAGES, **MESSAGES}

# The lead fields by name: the hot path keys values by these plain strings (an Enum hashes slowly).
NAME, NIK, PHONE, ADDRESS, DESA, KECAMATAN, OCCUPATION, BUSINESS_TYPE, BUSINESS_NAME, REFERENCE = (
    lead_field.value for lead_field in LeadField)
MAX_LENGTHS = {ADDRESS: 255, OCCUPATION: 120, BUSINESS_TYPE: 120, BUSINESS_NAME: 160, REFERENCE: 64, DESA: 80,
               KECAMATAN: 80}
_IDENTITY_FIELDS = frozenset({NAME, NIK, PHONE})
PLACE_AS_GIVEN_LENGTH = 160
# What people type in a cell to say "nothing here".
_PLACEHOLDER = re.compile(r"^(?:[-–—_.\s/]*|0+|tidak ada|tdk ada|belum ada|blm ada|kosong|nihil|n/?a|none|null)$",
                          re.IGNORECASE)


_LONGEST_PLACEHOLDER = 12


PLACEHOLDER_STARTS = frozenset("-–—_./ 0tTbBkKnN")  # how every placeholder begins


def is_blank(cell: Cell | None) -> bool:
    """Empty, or a placeholder such as `-`, `0` or `tidak ada` that people type for "nothing"."""
    if cell is None:
        return True
    if not isinstance(cell, str):
        return cell == 0
    return not cell or (len(cell) <= _LONGEST_PLACEHOLDER and cell[0] in PLACEHOLDER_STARTS
                        and _PLACEHOLDER.match(cell) is not None)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(slots=True)
class LeadInput:
    """One lead as sent: its row number, its values by field name (blank ones left out), its original cells."""

    row: int
    values: dict[str, Cell]
    cells: list[Cell]


@dataclass(slots=True)
class CheckedLead:
    """A lead after checking: normalised values, the place found, and the problems (none: valid)."""

    row: int
    cells: list[Cell]
    problems: list[Problem] = field(default_factory=list)
    name: str = ""
    nik: str | None = None
    phone: str | None = None
    address: str | None = None
    occupation: str | None = None
    business_name: str | None = None
    reference: str | None = None
    sector: Sector = Sector.OTHER
    sector_name: str = Sector.OTHER.name  # as stored
    kecamatan_id: int | None = None
    desa_id: int | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    place_unresolved: bool = False
    place_as_given: str | None = None

    @property
    def valid(self) -> bool:
        return not self.problems


def problem_from_dict(stored: dict) -> Problem:
    """A stored reason back as a Problem that renders in the reader's language."""
    code = stored.get("code", "")
    template = TEMPLATES.get(code, code)
    return Problem(code, stored.get("field", ""), template, stored.get("params") or {})


class Validator:
    """Checks leads against the rules; `labels` names each field as the sender's column does."""

    def __init__(self, matcher: PlaceMatcher, labels: dict[LeadField, str]):
        self.matcher = matcher
        self.labels = {lead_field.value: labels.get(lead_field) or lead_field.value for lead_field in LeadField}

    def check(self, lead: LeadInput) -> CheckedLead:
        checked = CheckedLead(lead.row, lead.cells)
        values, labels, problems = lead.values, self.labels, checked.problems
        try:
            checked.name = names.parse_name(values.get(NAME), labels[NAME])
        except Refused as refused:
            problems.append(refused.problem)
        raw_nik, raw_phone = values.get(NIK), values.get(PHONE)
        if raw_nik is not None:
            try:
                checked.nik = nik.parse_nik(raw_nik, labels[NIK])
            except Refused as refused:
                problems.append(refused.problem)
        if raw_phone is not None:
            try:
                checked.phone = phone.parse_phone(raw_phone, labels[PHONE])
            except Refused as refused:
                problems.append(refused.problem)
        if raw_nik is None and raw_phone is None:
            both = f"{labels[NIK]} / {labels[PHONE]}"
            problems.append(Problem("nik_or_phone_missing", both, MESSAGES["nik_or_phone_missing"]))
        if values.keys() <= _IDENTITY_FIELDS:  # nothing beyond name, NIK and phone to look at
            return checked
        texts = {}
        for name, value in values.items():
            if name in _IDENTITY_FIELDS:
                continue
            text = value if isinstance(value, str) else cell_text(value)
            if _CONTROL.search(text):  # stray control characters from spreadsheets; PostgreSQL refuses NUL
                text = _CONTROL.sub(" ", text)
            if "  " in text or "\n" in text or "\t" in text:
                text = " ".join(text.split())
            if len(text) > MAX_LENGTHS[name]:
                problems.append(Problem("text_too_long", labels[name], MESSAGES["text_too_long"],
                                        {"max": MAX_LENGTHS[name], "count": len(text)}))
            else:
                texts[name] = text
        get = texts.get
        occupation, business_type = get(OCCUPATION), get(BUSINESS_TYPE)
        checked.address, checked.business_name, checked.reference = get(ADDRESS), get(BUSINESS_NAME), get(REFERENCE)
        checked.occupation = occupation or business_type
        if occupation or business_type:
            checked.sector = sector = sector_for(occupation, business_type)
            checked.sector_name = sector._name_
        desa, kecamatan = get(DESA), get(KECAMATAN)
        if desa or kecamatan:
            place = self.matcher.match(desa, kecamatan)
            checked.kecamatan_id, checked.desa_id = place.kecamatan_id, place.desa_id
            checked.latitude, checked.longitude = place.latitude, place.longitude
            if not place.resolved:
                checked.place_unresolved = True
                checked.place_as_given = ", ".join(part for part in (desa, kecamatan) if part)[:PLACE_AS_GIVEN_LENGTH]
        return checked
