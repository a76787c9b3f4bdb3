"""Telling new people from people Sasar (or the same list) already has.

The same NIK or the same phone — earlier in the list or already in Sasar — is a duplicate, and so is
the agency's own reference number sent again. A very similar name in the same desa, with no NIK or
phone match, is a possible duplicate: it is imported and flagged, with the candidate shown.

Lookups go to the database once per chunk of rows, for the whole chunk (`IN (…)`), never per row.
"""

import enum
from dataclasses import dataclass

from sqlalchemy import select

from crm.extensions import db
from crm.leads.validation import CheckedLead
from crm.models import Prospect
from crm.people.names import NameIndex, name_key


class RowStatus(enum.Enum):
    CREATED = "created"
    DUPLICATE = "duplicate"
    POSSIBLE_DUPLICATE = "possible_duplicate"
    INVALID = "invalid"


@dataclass(slots=True)
class Verdict:
    status: RowStatus
    matched_on: str | None = None  # nik, phone, reference or name
    prospect_id: int | None = None  # the prospect already in Sasar it duplicates or resembles
    earlier_row: int | None = None  # the row earlier in this list it duplicates or resembles
    candidate_name: str | None = None


@dataclass(slots=True)
class _Seen:
    row: int
    prospect_id: int | None


@dataclass(slots=True)
class _Named:
    prospect_id: int | None
    row: int | None
    name: str


class Deduplicator:
    """Classifies the valid leads of one list, chunk after chunk, remembering what the list has shown."""

    def __init__(self, agency_id: int):
        self.agency_id = agency_id
        self._nik: dict[str, _Seen] = {}
        self._phone: dict[str, _Seen] = {}
        self._reference: dict[str, _Seen] = {}
        self._names_by_desa: dict[int, NameIndex] = {}

    def _existing(self, column, values: set[str], *where) -> dict[str, int]:
        if not values:
            return {}
        found: dict[str, int] = {}
        for value, prospect_id in db.session.execute(
                select(column, Prospect.id).where(column.in_(values), *where).order_by(Prospect.id)):
            found.setdefault(value, prospect_id)
        return found

    def _load_desa_names(self, desa_ids: set[int]) -> None:
        missing = desa_ids - self._names_by_desa.keys()
        if not missing:
            return
        for desa_id in missing:
            self._names_by_desa[desa_id] = NameIndex()
        rows = db.session.execute(select(Prospect.id, Prospect.name, Prospect.desa_id)
                                  .where(Prospect.desa_id.in_(missing)).order_by(Prospect.id))
        for prospect_id, name, desa_id in rows:
            self._names_by_desa[desa_id].add(name_key(name), _Named(prospect_id, None, name))

    def classify(self, chunk: list[CheckedLead]) -> list[Verdict]:
        valid = [lead for lead in chunk if lead.valid]
        niks = {lead.nik for lead in valid if lead.nik and lead.nik not in self._nik}
        phones = {lead.phone for lead in valid if lead.phone and lead.phone not in self._phone}
        references = {lead.reference for lead in valid if lead.reference and lead.reference not in self._reference}
        by_nik = self._existing(Prospect.nik, niks)
        by_phone = self._existing(Prospect.phone, phones)
        by_reference = self._existing(Prospect.source_reference, references,
                                      Prospect.source_agency_id == self.agency_id)
        self._load_desa_names({lead.desa_id for lead in valid if lead.desa_id})
        return [self._verdict(lead, by_nik, by_phone, by_reference) if lead.valid else Verdict(RowStatus.INVALID)
                for lead in chunk]

    def _verdict(self, lead: CheckedLead, by_nik, by_phone, by_reference) -> Verdict:
        verdict = self._match(lead, by_nik, by_phone, by_reference)
        named = name_key(lead.name) if lead.desa_id else ""
        if verdict is None:
            verdict = self._resemble(lead, named)
        seen = _Seen(lead.row, verdict.prospect_id if verdict.status is RowStatus.DUPLICATE else None)
        for key, index in ((lead.nik, self._nik), (lead.phone, self._phone), (lead.reference, self._reference)):
            if key:
                index.setdefault(key, seen)
        if verdict.status is not RowStatus.DUPLICATE and lead.desa_id:
            self._names_by_desa[lead.desa_id].add(named, _Named(None, lead.row, lead.name))
        return verdict

    def _match(self, lead: CheckedLead, by_nik, by_phone, by_reference) -> Verdict | None:
        checks = (("reference", lead.reference, self._reference, by_reference),
                  ("nik", lead.nik, self._nik, by_nik), ("phone", lead.phone, self._phone, by_phone))
        for matched_on, key, earlier, existing in checks:
            if not key:
                continue
            if key in earlier:
                seen = earlier[key]
                return Verdict(RowStatus.DUPLICATE, matched_on, seen.prospect_id, seen.row)
            if key in existing:
                return Verdict(RowStatus.DUPLICATE, matched_on, existing[key])
        return None

    def _resemble(self, lead: CheckedLead, key: str) -> Verdict:
        if not lead.desa_id:
            return Verdict(RowStatus.CREATED)
        candidate = self._names_by_desa[lead.desa_id].find(key)
        if candidate is None:
            return Verdict(RowStatus.CREATED)
        return Verdict(RowStatus.POSSIBLE_DUPLICATE, "name", candidate.prospect_id, candidate.row, candidate.name)
