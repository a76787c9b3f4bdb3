"""The import pipeline — read → map → validate → de-duplicate → save — shared by the portal, the CLI and the API.

Rows stream through in chunks: each chunk is checked, compared with the database in one query per
kind of key, and written with bulk inserts, so a long list costs neither a query per row nor memory
beyond what de-duplication must remember (the keys and names already seen).
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from crm.errors import Invalid
from crm.extensions import db
from crm.leads.bulk import bulk_insert
from crm.leads.dedup import Deduplicator, RowStatus, Verdict
from crm.leads.mapping import (
    LeadField,
    field_labels,
    header_score,
    propose_mapping,
)
from crm.leads.reading import Table, Unreadable, cell_text, open_table, peek
from crm.leads.validation import CheckedLead, LeadInput, Validator, is_blank
from crm.models import LeadRow, LeadRowStatus, Prospect, ProspectListing, Stage
from crm.models.base import utcnow
from crm.people.problems import Problem
from crm.reference import PlaceMatcher

CHUNK_ROWS = 1000
HEADER_SEARCH_ROWS = 10
DEFAULT_MAX_ROWS = 200_000
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
_NEW = Stage.NEW.name  # enum columns take names; giving them saves hashing an Enum per row
_ROW_STATUS = {RowStatus.INVALID: LeadRowStatus.INVALID, RowStatus.DUPLICATE: LeadRowStatus.DUPLICATE,
               RowStatus.POSSIBLE_DUPLICATE: LeadRowStatus.POSSIBLE_DUPLICATE}


class TooManyRows(Invalid):
    pass


class MappingIncomplete(Invalid):
    pass


@dataclass(frozen=True)
class ImportLimits:
    max_rows: int = DEFAULT_MAX_ROWS
    max_bytes: int = DEFAULT_MAX_BYTES

    @classmethod
    def from_config(cls, config) -> "ImportLimits":
        return cls(int(config.get("SASAR_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)),
                   int(config.get("SASAR_IMPORT_MAX_BYTES") or config.get("MAX_CONTENT_LENGTH") or DEFAULT_MAX_BYTES))


@dataclass(frozen=True)
class ImportTarget:
    """Where the leads go: whose they are, and the batch that records them (None: a dry run)."""

    branch_id: int
    agency_id: int
    batch_id: int | None = None
    save: bool = False  # False: check and count only (preview, dry run)


@dataclass(slots=True)
class RowOutcome:
    row: int
    status: RowStatus
    problems: list[Problem] = field(default_factory=list)
    prospect_id: int | None = None  # created, or the one it duplicates / resembles
    earlier_row: int | None = None
    matched_on: str | None = None
    candidate_name: str | None = None
    reference: str | None = None
    replayed: bool = False  # the agency's reference was sent before: this is that earlier result


@dataclass
class ImportResult:
    batch_id: int | None = None
    rows: int = 0
    created: int = 0  # includes possible duplicates
    duplicates: int = 0
    possible_duplicates: int = 0
    invalid: int = 0
    unresolved_places: int = 0
    outcomes: list[RowOutcome] = field(default_factory=list)

    def summary(self) -> dict:
        return {"batch": self.batch_id, "rows": self.rows, "created": self.created, "duplicates": self.duplicates,
                "possible_duplicates": self.possible_duplicates, "invalid": self.invalid}


@dataclass
class LeadFile:
    """A file opened for import: how it was read, its header and mapping, and its leads as a stream."""

    table: Table
    header: list[str]
    header_row: int
    mapping: list[LeadField | None]
    leads: Iterator[LeadInput]

    @property
    def labels(self) -> dict[LeadField, str]:
        return field_labels(self.header, self.mapping)


def mapping_problem(mapping: list[LeadField | None]):
    """Why the mapping cannot be imported (a lazy message), or None."""
    if LeadField.NAME not in mapping:
        return _l("No column is marked as the name. Choose the column that holds the names.")
    if LeadField.NIK not in mapping and LeadField.PHONE not in mapping:
        return _l("No column is marked as NIK or phone. Choose the column that holds them.")
    return None


def _find_header(first_rows: list[tuple[int, list]]) -> tuple[int, list]:
    # Agencies often put a title (and a date) above the column titles: take the row naming most fields.
    best = max(first_rows, key=lambda item: header_score(item[1]))
    return best if header_score(best[1]) > 0 else first_rows[0]


def _leads(rows: Iterator[tuple[int, list]], header_row: int, mapping: list[LeadField | None]) -> Iterator[LeadInput]:
    columns = [(index, lead_field.value) for index, lead_field in enumerate(mapping) if lead_field is not None]
    for number, cells in rows:
        if number <= header_row:
            continue
        values = {}
        width = len(cells)
        for index, lead_field in columns:
            if index < width:
                cell = cells[index]
                if cell != "" and not is_blank(cell):
                    values[lead_field] = cell
        yield LeadInput(number, values, cells)


@contextmanager
def open_lead_file(path: Path, *, sheet: str | None = None, mapping: list[LeadField | None] | None = None,
                   remembered: dict | None = None) -> Iterator[LeadFile]:
    """Open a CSV/XLSX list: find its header row, map its columns (given mapping, else the agency's
    remembered choices and the known titles) and stream its leads."""
    with open_table(path, sheet=sheet) as table:
        first, rows = peek(table.rows, HEADER_SEARCH_ROWS)
        if not first:
            raise Unreadable(_l("The file holds no rows."))
        header_row, header_cells = _find_header(first)
        header = [cell_text(cell) for cell in header_cells]
        if mapping is None or len(mapping) != len(header):
            mapping = propose_mapping(header, remembered)
        yield LeadFile(table, header, header_row, mapping, _leads(rows, header_row, mapping))


def _prospect_values(lead: CheckedLead, target: ImportTarget, now) -> dict:
    return {
        "branch_id": target.branch_id, "name": lead.name, "nik": lead.nik, "phone": lead.phone,
        "address": lead.address, "kecamatan_id": lead.kecamatan_id, "desa_id": lead.desa_id,
        "place_as_given": lead.place_as_given, "occupation": lead.occupation, "business_name": lead.business_name,
        "sector": lead.sector.name, "stage": _NEW, "stage_changed_at": now, "source_agency_id": target.agency_id,
        "source_reference": lead.reference, "lead_batch_id": target.batch_id, "latitude": lead.latitude,
        "longitude": lead.longitude, "created_at": now, "updated_at": now,
    }


def _detail(verdict: Verdict) -> dict | None:
    if verdict.status is RowStatus.DUPLICATE:
        return {"matched_on": verdict.matched_on, "earlier_row": verdict.earlier_row}
    if verdict.status is RowStatus.POSSIBLE_DUPLICATE:
        return {"matched_on": "name", "candidate_row": verdict.earlier_row, "candidate_name": verdict.candidate_name}
    return None


class _Run:
    """One pass of the pipeline over a stream of leads."""

    def __init__(self, target: ImportTarget, validator: Validator, limits: ImportLimits, keep_outcomes: int | None,
                 all_ids: bool):
        self.target = target
        self.validator = validator
        self.limits = limits
        self.keep_outcomes = keep_outcomes  # None: every row's outcome; n: the first n problem rows
        self.all_ids = all_ids  # learn every new prospect's id (the API reports them)
        self.dedup = Deduplicator(target.agency_id)
        self.result = ImportResult(batch_id=target.batch_id)
        self.listed: set[int] = set()
        self.now = utcnow()
        self.prospects = Prospect.__table__
        self.lead_rows = LeadRow.__table__

    def run(self, leads: Iterable[LeadInput]) -> ImportResult:
        chunk: list[CheckedLead] = []
        for lead in leads:
            self.result.rows += 1
            if self.result.rows > self.limits.max_rows:
                raise TooManyRows(_l("The list has more than %(max)s rows. Split it into smaller files.",
                                     max=f"{self.limits.max_rows:,}".replace(",", ".")))
            chunk.append(self.validator.check(lead))
            if len(chunk) >= CHUNK_ROWS:
                self._chunk(chunk)
                chunk = []
        if chunk:
            self._chunk(chunk)
        return self.result

    def _count(self, lead: CheckedLead, verdict: Verdict) -> None:
        result, status = self.result, verdict.status
        if status is RowStatus.INVALID:
            result.invalid += 1
        elif status is RowStatus.DUPLICATE:
            result.duplicates += 1
        else:
            result.created += 1
            result.possible_duplicates += status is RowStatus.POSSIBLE_DUPLICATE
            result.unresolved_places += lead.place_unresolved

    def _chunk(self, chunk: list[CheckedLead]) -> None:
        verdicts = self.dedup.classify(chunk)
        new_ids = self._save_prospects(chunk, verdicts) if self.target.save else {}
        if self.target.save:
            self._note_listings(chunk, verdicts)
        kept_rows = []
        for lead, verdict in zip(chunk, verdicts, strict=True):
            self._count(lead, verdict)
            status = verdict.status
            if status is not RowStatus.CREATED and self.target.batch_id is not None:
                kept_rows.append({
                    "batch_id": self.target.batch_id, "row_number": lead.row, "status": _ROW_STATUS[status],
                    "cells": [cell_text(cell) for cell in lead.cells],
                    "reasons": [problem.as_dict() for problem in lead.problems] or None,
                    "detail": _detail(verdict),
                    "prospect_id": new_ids.get(lead.row) if status is RowStatus.POSSIBLE_DUPLICATE
                    else verdict.prospect_id,
                    "candidate_id": verdict.prospect_id if status is RowStatus.POSSIBLE_DUPLICATE else None,
                })
            self._keep_outcome(lead, verdict, new_ids)
        bulk_insert(self.lead_rows, kept_rows)

    def _save_prospects(self, chunk: list[CheckedLead], verdicts: list[Verdict]) -> dict[int, int]:
        """Write the chunk's new prospects; return the ids of those the caller must point to, by row."""
        rows, wanted = [], []
        for lead, verdict in zip(chunk, verdicts, strict=True):
            if verdict.status is RowStatus.CREATED or verdict.status is RowStatus.POSSIBLE_DUPLICATE:
                rows.append(_prospect_values(lead, self.target, self.now))
                if self.all_ids or verdict.status is RowStatus.POSSIBLE_DUPLICATE:
                    wanted.append(lead)
        bulk_insert(self.prospects, rows)
        if not wanted:
            return {}
        # Within one list a NIK or phone belongs to one new prospect (repeats are duplicates), so the
        # batch and those keys find the ids again — one query instead of an insert returning each id.
        batch_id = self.target.batch_id
        by_nik = self._ids_by(Prospect.nik, [lead.nik for lead in wanted if lead.nik], batch_id)
        by_phone = self._ids_by(Prospect.phone, [lead.phone for lead in wanted if lead.phone], batch_id)
        return {lead.row: by_nik.get(lead.nik) or by_phone.get(lead.phone) for lead in wanted}

    @staticmethod
    def _ids_by(column, values: list[str], batch_id: int) -> dict[str, int]:
        # The batch is checked here rather than in SQL, so that the database uses the NIK/phone index.
        if not values:
            return {}
        return {value: prospect_id for prospect_id, value, batch in db.session.execute(
            select(Prospect.id, column, Prospect.lead_batch_id).where(column.in_(values))) if batch == batch_id}

    def _note_listings(self, chunk: list[CheckedLead], verdicts: list[Verdict]) -> None:
        """Another agency listing a person Sasar already has leaves a note on that prospect."""
        agency_id = self.target.agency_id
        found = {(verdict.prospect_id, lead.row) for lead, verdict in zip(chunk, verdicts, strict=True)
                 if verdict.status is RowStatus.DUPLICATE and verdict.prospect_id and verdict.earlier_row is None
                 and verdict.prospect_id not in self.listed}
        if not found:
            return
        ids = {prospect_id for prospect_id, _ in found}
        self.listed |= ids
        own = set(db.session.scalars(select(Prospect.id).where(Prospect.id.in_(ids),
                                                               Prospect.source_agency_id == agency_id)))
        already = set(db.session.scalars(select(ProspectListing.prospect_id).where(
            ProspectListing.agency_id == agency_id, ProspectListing.prospect_id.in_(ids))))
        notes, noted = [], set()
        for prospect_id, row in sorted(found, key=lambda item: item[1]):
            if prospect_id in own or prospect_id in already or prospect_id in noted:
                continue
            noted.add(prospect_id)
            notes.append({"prospect_id": prospect_id, "agency_id": agency_id, "lead_batch_id": self.target.batch_id,
                          "row_number": row, "listed_at": self.now})
        bulk_insert(ProspectListing.__table__, notes)

    def _keep_outcome(self, lead: CheckedLead, verdict: Verdict, new_ids: dict[int, int]) -> None:
        status = verdict.status
        if self.keep_outcomes is not None and (
                status is RowStatus.CREATED or len(self.result.outcomes) >= self.keep_outcomes):
            return
        prospect_id = new_ids.get(lead.row) if status in (RowStatus.CREATED, RowStatus.POSSIBLE_DUPLICATE) \
            else verdict.prospect_id
        self.result.outcomes.append(RowOutcome(
            lead.row, status, list(lead.problems), prospect_id, verdict.earlier_row, verdict.matched_on,
            verdict.candidate_name, lead.reference,
        ))


def run_pipeline(leads: Iterable[LeadInput], *, labels: dict[LeadField, str], target: ImportTarget,
                 limits: ImportLimits, keep_outcomes: int | None = 20, all_ids: bool = False) -> ImportResult:
    """Check, de-duplicate and (when `target.save`) save a stream of leads; the caller commits.

    Rows that did not simply become prospects are kept as LeadRows when the target has a batch.
    """
    validator = Validator(PlaceMatcher.for_branch(target.branch_id), labels)
    return _Run(target, validator, limits, keep_outcomes, all_ids).run(leads)
