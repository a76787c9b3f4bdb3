"""The import pipeline — read → map → validate → de-duplicate → save — shared by the portal, the CLI and the API.

Rows stream through in chunks: each chunk is checked, compared with the database in one query per
kind of key, and handed to a writer thread that saves it in bulk (COPY, multi-row INSERT) while the next
chunk is checked. A long list costs neither a query per row nor memory beyond a few chunks and what
de-duplication must remember (the keys and names already seen, a few hundred bytes a row).
"""

import gc
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, text

from crm.errors import Invalid
from crm.extensions import db
from crm.i18n import local_timezone
from crm.leads.bulk import Writer, bulk_insert, one_of, overlaps_writes
from crm.leads.dedup import Deduplicator, RowStatus, Verdict
from crm.leads.lists import LeadFile
from crm.leads.mapping import LeadField
from crm.leads.progress import PROGRESS_EVERY
from crm.leads.reading import cell_text
from crm.leads.validation import CheckedLead, LeadInput, Validator
from crm.models import ConsentBasis, LeadRow, LeadRowStatus, Prospect, ProspectListing, Stage
from crm.models.base import utcnow
from crm.people.problems import Problem
from crm.reference import PlaceMatcher

CHUNK_ROWS = 10_000
DEFAULT_MAX_ROWS = 200_000
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
_MATCHED_ON = {"nik": "NIK", "phone": _l("phone number"), "reference": _l("reference number")}
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
    candidate_id: int | None = None  # a possible duplicate's look-alike already in Sasar
    replayed: bool = False  # the agency's reference was sent before: this is that earlier result

    def describe(self) -> str:
        """One line saying what became of the row (reasons in the current language)."""
        if self.status is RowStatus.INVALID:
            return "; ".join(f"{problem.field} — {problem}" for problem in self.problems)
        if self.status is RowStatus.CREATED:
            return str(_l("new lead"))
        if self.status is RowStatus.DUPLICATE:
            key = _MATCHED_ON.get(self.matched_on, self.matched_on)
            if self.earlier_row:
                return str(_l("duplicate of row %(row)s (same %(key)s)", row=self.earlier_row, key=key))
            return str(_l("duplicate of prospect %(id)s, already in Sasar (same %(key)s)", id=self.prospect_id,
                          key=key))
        if self.earlier_row:
            return str(_l("possible duplicate of row %(row)s (%(name)s): saved and flagged", row=self.earlier_row,
                          name=self.candidate_name))
        return str(_l("possible duplicate of prospect %(id)s (%(name)s): saved and flagged", id=self.candidate_id,
                      name=self.candidate_name))


@dataclass
class ImportResult:
    batch_id: int | None = None
    rows: int = 0
    created: int = 0  # includes possible duplicates
    duplicates: int = 0
    possible_duplicates: int = 0
    invalid: int = 0
    unresolved_places: int = 0
    replayed: int = 0  # leads whose reference was sent before, answered with their first outcome (not counted above)
    outcomes: list[RowOutcome] = field(default_factory=list)

    def summary(self) -> dict:
        return {"batch": self.batch_id, "rows": self.rows, "created": self.created, "duplicates": self.duplicates,
                "possible_duplicates": self.possible_duplicates, "invalid": self.invalid}


PROSPECT_COLUMNS = ("branch_id", "name", "nik", "phone", "address", "kecamatan_id", "desa_id", "place_as_given",
                    "occupation", "business_name", "sector", "stage", "stage_changed_at", "source_agency_id",
                    "source_reference", "lead_batch_id", "latitude", "longitude", "created_at", "updated_at",
                    "consent_basis", "consent_agency_id", "consent_date")
# The agencies hand leads over under their public task of extending social security (Inpres 2/2021);
# the person's own consent is asked when an officer registers them.
_LEAD_CONSENT_BASIS = ConsentBasis.PUBLIC_TASK.name


def _prospect_values(lead: CheckedLead, target: ImportTarget, now, consent_day) -> tuple:
    """A new prospect's row, in PROSPECT_COLUMNS order; consent is dated by the branch's day, not UTC's."""
    return (target.branch_id, lead.name, lead.nik, lead.phone, lead.address, lead.kecamatan_id, lead.desa_id,
            lead.place_as_given, lead.occupation, lead.business_name, lead.sector_name, _NEW, now, target.agency_id,
            lead.reference, target.batch_id, lead.latitude, lead.longitude, now, now,
            _LEAD_CONSENT_BASIS, target.agency_id, consent_day)


def _detail(verdict: Verdict) -> dict | None:
    if verdict.status is RowStatus.DUPLICATE:
        return {"matched_on": verdict.matched_on, "earlier_row": verdict.earlier_row}
    if verdict.status is RowStatus.POSSIBLE_DUPLICATE:
        return {"matched_on": "name", "candidate_row": verdict.earlier_row, "candidate_name": verdict.candidate_name}
    return None


LISTING_COLUMNS = ("prospect_id", "agency_id", "lead_batch_id", "row_number", "listed_at")
LEAD_ROW_COLUMNS = ("batch_id", "row_number", "status", "cells", "reasons", "detail", "prospect_id", "candidate_id",
                    "reference")


@dataclass(slots=True)
class _Waiting:
    """A kept row or an outcome that needs the id of a new prospect (or of a look-alike earlier in the list),
    found at the end by its NIK or phone."""

    nik: str | None
    phone: str | None
    kept: dict | None
    outcome: RowOutcome | None
    which: str  # the id it fills: "prospect_id" or "candidate_id"


class _Run:
    """One pass of the pipeline over a stream of leads.

    New prospects, rows kept (LeadRows) and notes on prospects listed again are handed to a Writer as
    each chunk is checked; when saving, it writes them while the next chunk is checked, and the lookups
    then use a second connection. Kept rows that must point to a new prospect (a possible duplicate)
    wait, with the ids the API reports, until the end: then the ids are found and the rest written.
    """

    def __init__(self, target: ImportTarget, validator: Validator, limits: ImportLimits, keep_outcomes: int | None,
                 all_ids: bool, lookups, streaming: bool):
        self.target = target
        self.validator = validator
        self.limits = limits
        self.keep_outcomes = keep_outcomes  # None: every row's outcome; n: the first n problem rows
        self.all_ids = all_ids  # learn every new prospect's id (the API reports them)
        self.lookups = lookups
        self.dialect = db.session.get_bind().dialect.name
        self.dedup = Deduplicator(target.agency_id, lookups)
        self.result = ImportResult(batch_id=target.batch_id)
        self.now = utcnow()
        self.consent_day = self.now.astimezone(local_timezone()).date()
        self.writer = Writer(background=streaming)
        self.listed: set[int] = set()
        self.kept_waiting: list[dict] = []
        # New prospects whose ids a kept row or an outcome needs, and the look-alikes earlier in the list
        # that a possible duplicate points to
        self.waiting: list[_Waiting] = []

    def run(self, chunks: Iterable[list[CheckedLead]]) -> ImportResult:
        try:
            for chunk in chunks:
                self.result.rows += len(chunk)
                self._chunk(chunk)
            self.writer.finish()
        except BaseException:
            self.writer.abandon()
            raise
        if self.waiting:
            self._learn_ids()
        bulk_insert(LeadRow.__table__, self.kept_waiting)
        return self.result

    def _chunk(self, chunk: list[CheckedLead]) -> None:
        verdicts = self.dedup.classify(chunk)
        save, batch_id, target, now, result = self.target.save, self.target.batch_id, self.target, self.now, \
            self.result
        every_outcome, all_ids = self.keep_outcomes is None, self.all_ids
        consent_day = self.consent_day
        new_prospects, kept_rows = [], []
        for lead, verdict in zip(chunk, verdicts, strict=True):
            status = verdict.status
            if status is RowStatus.CREATED and not every_outcome:
                # The common case, kept lean: a new lead, nothing to keep or report.
                result.created += 1
                result.unresolved_places += lead.place_unresolved
                if save:
                    new_prospects.append(_prospect_values(lead, target, now, consent_day))
                continue
            self._count(lead, status)
            kept = None
            if status is not RowStatus.CREATED and batch_id is not None:
                possible = status is RowStatus.POSSIBLE_DUPLICATE
                kept = {
                    "batch_id": batch_id, "row_number": lead.row, "status": _ROW_STATUS[status],
                    "cells": [cell_text(cell) for cell in lead.cells],
                    "reasons": [problem.as_dict() for problem in lead.problems] or None,
                    "detail": _detail(verdict),
                    "prospect_id": None if possible else verdict.prospect_id,  # a new one's id comes at the end
                    "candidate_id": verdict.prospect_id if possible else None,
                    "reference": lead.reference,
                }
                if possible and save:
                    self.kept_waiting.append(kept)
                else:
                    kept_rows.append(tuple(kept[name] for name in LEAD_ROW_COLUMNS))
            outcome = self._keep_outcome(lead, verdict)
            if save and (status is RowStatus.CREATED or status is RowStatus.POSSIBLE_DUPLICATE):
                new_prospects.append(_prospect_values(lead, target, now, consent_day))
                if kept is not None or (all_ids and outcome is not None):
                    self.waiting.append(_Waiting(lead.nik, lead.phone, kept, outcome, "prospect_id"))
                if verdict.candidate_keys is not None:
                    self.waiting.append(_Waiting(*verdict.candidate_keys, kept, outcome, "candidate_id"))
        self.writer.write(Prospect.__table__, PROSPECT_COLUMNS, new_prospects)
        self.writer.write(LeadRow.__table__, LEAD_ROW_COLUMNS, kept_rows)
        if save:
            self._note_listings(chunk, verdicts)

    def _count(self, lead: CheckedLead, status: RowStatus) -> None:
        result = self.result
        if status is RowStatus.INVALID:
            result.invalid += 1
        elif status is RowStatus.DUPLICATE:
            result.duplicates += 1
        else:
            result.created += 1
            result.possible_duplicates += status is RowStatus.POSSIBLE_DUPLICATE
            result.unresolved_places += lead.place_unresolved

    def _learn_ids(self) -> None:
        # Within one list a NIK or phone belongs to one new prospect (repeats are duplicates), so the
        # batch and those keys find the ids again: a query per thousand rows, not an id returned per insert.
        by_nik, by_phone = {}, {}
        for start in range(0, len(self.waiting), CHUNK_ROWS):
            part = self.waiting[start:start + CHUNK_ROWS]
            by_nik.update(self._ids_by(Prospect.nik, [item.nik for item in part if item.nik]))
            by_phone.update(self._ids_by(Prospect.phone, [item.phone for item in part if item.phone]))
        for item in self.waiting:
            prospect_id = by_nik.get(item.nik) or by_phone.get(item.phone)
            if item.kept is not None:
                item.kept[item.which] = prospect_id
            if item.outcome is not None:
                setattr(item.outcome, item.which, prospect_id)

    def _ids_by(self, column, values: list[str]) -> dict[str, int]:
        # The batch is checked here rather than in SQL, so that the database uses the NIK/phone index.
        if not values:
            return {}
        batch_id = self.target.batch_id
        return {value: prospect_id for prospect_id, value, batch in db.session.execute(
            select(Prospect.id, column, Prospect.lead_batch_id).where(one_of(column, values, self.dialect)))
            if batch == batch_id}

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
        own = set(self.lookups.scalars(select(Prospect.id).where(
            one_of(Prospect.id, ids, self.dialect), Prospect.source_agency_id == agency_id)))
        already = set(self.lookups.scalars(select(ProspectListing.prospect_id).where(
            ProspectListing.agency_id == agency_id, one_of(ProspectListing.prospect_id, ids, self.dialect))))
        noted, notes = set(), []
        for prospect_id, row in sorted(found, key=lambda item: item[1]):
            if prospect_id in own or prospect_id in already or prospect_id in noted:
                continue
            noted.add(prospect_id)
            notes.append((prospect_id, agency_id, self.target.batch_id, row, self.now))
        self.writer.write(ProspectListing.__table__, LISTING_COLUMNS, notes)

    def _keep_outcome(self, lead: CheckedLead, verdict: Verdict) -> RowOutcome | None:
        status = verdict.status
        if self.keep_outcomes is not None and (
                status is RowStatus.CREATED or len(self.result.outcomes) >= self.keep_outcomes):
            return None
        outcome = RowOutcome(lead.row, status, list(lead.problems),
                             None if status is RowStatus.CREATED or status is RowStatus.POSSIBLE_DUPLICATE
                             else verdict.prospect_id,
                             verdict.earlier_row, verdict.matched_on, verdict.candidate_name, lead.reference,
                             verdict.prospect_id if status is RowStatus.POSSIBLE_DUPLICATE else None)
        self.result.outcomes.append(outcome)
        return outcome


def _tune_for_import(connection) -> None:
    if connection.dialect.name == "postgresql":
        # Every lookup of an import goes by an indexed key, but in the middle of a bulk load the table's
        # statistics are stale (a fresh table has none), and PostgreSQL then scans the whole table for
        # each chunk; a plan prepared early would also be kept while the table grows. For this
        # transaction only: plan each lookup afresh, and use the indexes. (Not where prospects are
        # written: foreign-key checks run a prepared query per row, and would be planned afresh too.)
        connection.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
        connection.execute(text("SET LOCAL enable_seqscan = off"))


@contextmanager
def _lookup_connection(streaming: bool):
    """What the import's lookups run on: the session, or (while the session's connection writes new
    prospects) a second connection, which sees what was committed — rows of this list are in memory."""
    if not streaming:
        _tune_for_import(db.session.connection())
        yield db.session
        return
    with db.engine.connect() as connection:
        transaction = connection.begin()
        try:
            _tune_for_import(connection)
            yield connection
        finally:
            transaction.rollback()


def _checked_chunks(leads: Iterable[LeadInput], validator: Validator, limits: ImportLimits,
                    progress: Callable[[int], None] | None = None) -> Iterator[list[CheckedLead]]:
    """The leads checked, a chunk at a time; refuses a list longer than the limit. `progress` is told the
    rows read every PROGRESS_EVERY rows, and at the end."""
    chunk: list[CheckedLead] = []
    check = validator.check
    report_at = PROGRESS_EVERY if progress is not None else 0
    rows = 0
    for rows, lead in enumerate(leads, start=1):
        if rows > limits.max_rows:
            raise TooManyRows(_l("The list has more than %(max)s rows. Split it into smaller files.",
                                 max=f"{limits.max_rows:,}".replace(",", ".")))
        chunk.append(check(lead))
        if rows == report_at:
            progress(rows)
            report_at += PROGRESS_EVERY
        if len(chunk) >= CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
    if progress is not None:
        progress(rows)


def run_pipeline(leads: Iterable[LeadInput] | None = None, *, labels: dict[LeadField, str] | None = None,
                 target: ImportTarget, limits: ImportLimits, keep_outcomes: int | None = 20, all_ids: bool = False,
                 lead_file: LeadFile | None = None, progress: Callable[[int], None] | None = None) -> ImportResult:
    """Check, de-duplicate and (when `target.save`) save leads — `leads`, or those of `lead_file`; the caller
    commits. Rows that did not simply become prospects are kept as LeadRows when the target has a batch.
    `progress`, when given, is told how many rows have been read as they are.
    """
    if lead_file is not None:
        leads, labels = lead_file.leads, lead_file.labels
    streaming = target.save and overlaps_writes(db.session.connection())
    validator = Validator(PlaceMatcher.for_branch(target.branch_id), labels)
    with _lookup_connection(streaming) as lookups:
        run = _Run(target, validator, limits, keep_outcomes, all_ids, lookups, streaming)
        return run.run(_checked_chunks(leads, validator, limits, progress))


@contextmanager
def interpreter_tuned_for_import():
    """Two process-wide settings that make a long import faster — for a process that runs the import and
    serves nobody else (`sasar import-leads`, the benchmark), never a web worker, whose other requests
    they would change too:

    - Python's cycle collector waits. Each chunk's objects outlive two young collections and so count
      towards full ones, which scan the whole heap: nine of them for 100,000 rows, a third of the CPU.
    - Threads switch every 0.2 ms instead of 5. The writing thread lets go of the GIL each time it sends
      rows to the database and must then wait for the checking thread to hand it back; at 5 ms a turn
      the database waits for rows.

    Both are given back at the end, also after an error.
    """
    collecting, interval = gc.isenabled(), sys.getswitchinterval()
    gc.disable()
    sys.setswitchinterval(0.0002)
    try:
        yield
    finally:
        sys.setswitchinterval(interval)
        if collecting:
            gc.enable()
