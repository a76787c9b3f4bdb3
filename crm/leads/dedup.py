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
from crm.leads.bulk import one_of
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
    candidate_keys: tuple[str | None, str | None] | None = None  # NIK and phone of a look-alike earlier in the list


@dataclass(slots=True)
class _Named:
    prospect_id: int | None
    row: int | None
    name: str
    keys: tuple[str | None, str | None] | None = None


class Deduplicator:
    """Classifies the valid leads of one list, chunk after chunk, remembering what the list has shown."""

    def __init__(self, agency_id: int, lookups=None):
        self.agency_id = agency_id
        self.lookups = lookups if lookups is not None else db.session  # a Session or a Connection
        self.dialect = db.session.get_bind().dialect.name
        # key → (row, prospect it duplicates or None): what this list has shown so far
        self._nik: dict[str, tuple[int, int | None]] = {}
        self._phone: dict[str, tuple[int, int | None]] = {}
        self._reference: dict[str, tuple[int, int | None]] = {}
        self._names_by_desa: dict[int, NameIndex] = {}

    def _existing(self, niks: set[str], phones: set[str]) -> tuple[dict[str, int], dict[str, int]]:
        """Prospects already in Sasar with these NIKs or phones (the oldest, if several).

        One query per key, not one with OR: each is then answered from its own index alone.
        """
        found = []
        for column, values in ((Prospect.nik, niks), (Prospect.phone, phones)):
            by_key: dict[str, int] = {}
            if values:
                for value, prospect_id in self.lookups.execute(
                        select(column, Prospect.id).where(one_of(column, values, self.dialect))):
                    if value not in by_key or prospect_id < by_key[value]:
                        by_key[value] = prospect_id
            found.append(by_key)
        return found[0], found[1]

    def _existing_references(self, references: set[str]) -> dict[str, int]:
        if not references:
            return {}
        return dict(self.lookups.execute(select(Prospect.source_reference, Prospect.id).where(
            Prospect.source_agency_id == self.agency_id, one_of(Prospect.source_reference, references, self.dialect))
        ).all())

    def _load_desa_names(self, desa_ids: set[int]) -> None:
        missing = desa_ids - self._names_by_desa.keys()
        if not missing:
            return
        for desa_id in missing:
            self._names_by_desa[desa_id] = NameIndex()
        rows = self.lookups.execute(select(Prospect.id, Prospect.name, Prospect.desa_id)
                                  .where(one_of(Prospect.desa_id, missing, self.dialect)).order_by(Prospect.id))
        for prospect_id, name, desa_id in rows:
            self._names_by_desa[desa_id].add(name_key(name), _Named(prospect_id, None, name))

    def classify(self, chunk: list[CheckedLead]) -> list[Verdict]:
        valid = [lead for lead in chunk if lead.valid]
        niks = {lead.nik for lead in valid if lead.nik and lead.nik not in self._nik}
        phones = {lead.phone for lead in valid if lead.phone and lead.phone not in self._phone}
        references = {lead.reference for lead in valid if lead.reference and lead.reference not in self._reference}
        by_nik, by_phone = self._existing(niks, phones)
        by_reference = self._existing_references(references)
        self._load_desa_names({lead.desa_id for lead in valid if lead.desa_id})
        return [self._verdict(lead, by_nik, by_phone, by_reference) if not lead.problems else _INVALID
                for lead in chunk]

    def _verdict(self, lead: CheckedLead, by_nik, by_phone, by_reference) -> Verdict:
        nik, phone, reference, desa_id = lead.nik, lead.phone, lead.reference, lead.desa_id
        verdict = None
        if reference:
            verdict = self._same(reference, "reference", self._reference, by_reference)
        if verdict is None and nik:
            verdict = self._same(nik, "nik", self._nik, by_nik)
        if verdict is None and phone:
            verdict = self._same(phone, "phone", self._phone, by_phone)
        named = name_key(lead.name) if desa_id else ""
        if verdict is None:
            verdict = _CREATED
            if desa_id:
                candidate = self._names_by_desa[desa_id].find(named)
                if candidate is not None:
                    verdict = Verdict(RowStatus.POSSIBLE_DUPLICATE, "name", candidate.prospect_id, candidate.row,
                                      candidate.name, candidate.keys)
        # Remember the row's keys, so a later row with the same NIK, phone or reference is its duplicate.
        duplicate = verdict.status is RowStatus.DUPLICATE
        seen = (lead.row, verdict.prospect_id if duplicate else None)
        if nik and nik not in self._nik:
            self._nik[nik] = seen
        if phone and phone not in self._phone:
            self._phone[phone] = seen
        if reference and reference not in self._reference:
            self._reference[reference] = seen
        if desa_id and not duplicate:
            self._names_by_desa[desa_id].add(named, _Named(None, lead.row, lead.name, (nik, phone)))
        return verdict

    @staticmethod
    def _same(key: str, matched_on: str, earlier: dict, existing: dict) -> Verdict | None:
        seen = earlier.get(key)
        if seen is not None:
            return Verdict(RowStatus.DUPLICATE, matched_on, seen[1], seen[0])
        prospect_id = existing.get(key)
        if prospect_id is not None:
            return Verdict(RowStatus.DUPLICATE, matched_on, prospect_id)
        return None


# Shared answers for the common cases; verdicts are read, never changed.
_CREATED = Verdict(RowStatus.CREATED)
_INVALID = Verdict(RowStatus.INVALID)
