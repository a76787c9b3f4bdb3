"""The three ways a list comes in, each a thin sequence over the one pipeline in importer.py:

- a file in one go (the CLI): read, check and save — or, as a dry run, only count;
- a file through the portal: stored, previewed (nothing saved but the batch and its problem rows),
  re-previewed after the liaison corrects the mapping or sheet, then committed;
- leads sent as JSON by an agency's own system (the API), idempotent on the agency's reference.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from crm import audit
from crm.errors import Conflict
from crm.extensions import db
from crm.leads.dedup import RowStatus
from crm.leads.importer import (
    ImportLimits,
    ImportResult,
    ImportTarget,
    MappingIncomplete,
    RowOutcome,
    run_pipeline,
)
from crm.leads.lists import LeadFile, mapping_problem, open_lead_file
from crm.leads.mapping import LeadField, mapping_from_names, mapping_names, remember_mapping, remembered_mapping
from crm.leads.reading import cell_text
from crm.leads.storage import StoredFile, store_path, stored_path, too_large
from crm.leads.validation import LeadInput, is_blank, problem_from_dict
from crm.models import BatchSource, BatchStatus, LeadBatch, LeadRow, LeadRowStatus, Prospect, User
from crm.models.base import utcnow

SAMPLE_ROWS = 3
API_FIELDS = (LeadField.REFERENCE, LeadField.NAME, LeadField.NIK, LeadField.PHONE, LeadField.ADDRESS,
              LeadField.DESA, LeadField.KECAMATAN, LeadField.OCCUPATION, LeadField.BUSINESS_TYPE,
              LeadField.BUSINESS_NAME)


@dataclass(frozen=True)
class Submission:
    """Who sends a list, for whom, and how."""

    branch_id: int
    agency_id: int
    user_id: int | None
    source: BatchSource


def _new_batch(submission: Submission, stored: StoredFile | None, status: BatchStatus) -> LeadBatch:
    batch = LeadBatch(branch_id=submission.branch_id, agency_id=submission.agency_id,
                      submitted_by_id=submission.user_id, source=submission.source, status=status)
    if stored is not None:
        batch.filename, batch.file_sha256, batch.file_size = stored.filename, stored.sha256, stored.size
    db.session.add(batch)
    db.session.flush()
    return batch


def _describe(batch: LeadBatch, lead_file: LeadFile) -> None:
    table = lead_file.table
    batch.file_format, batch.encoding, batch.delimiter = table.format, table.encoding, table.delimiter
    batch.sheet_name, batch.header_row, batch.header = table.sheet, lead_file.header_row, lead_file.header
    batch.column_mapping = mapping_names(lead_file.mapping)


def _record(batch: LeadBatch, result: ImportResult) -> None:
    batch.rows_total, batch.created_count, batch.duplicate_count = result.rows, result.created, result.duplicates
    batch.possible_duplicate_count, batch.invalid_count = result.possible_duplicates, result.invalid
    batch.unresolved_place_count = result.unresolved_places


def _audit_saved(batch: LeadBatch, result: ImportResult) -> None:
    """Personal data of many people came in: the trail says who sent which list and what it made."""
    actor = db.session.get(User, batch.submitted_by_id) if batch.submitted_by_id else None
    audit.record("import", "lead_batch", batch.id, actor=actor, branch_id=batch.branch_id,
                 after={"agency_id": batch.agency_id, "source": batch.source.value, **result.summary()})


def _require_mapping(lead_file: LeadFile) -> None:
    problem = mapping_problem(lead_file.mapping)
    if problem is not None:
        raise MappingIncomplete(problem, header=lead_file.header)


def import_file(path: Path, *, submission: Submission, limits: ImportLimits, uploads: Path,
                sheet: str | None = None, dry_run: bool = False, keep_outcomes: int = 20) -> ImportResult:
    """Read, check and save a list in one go (a dry run saves nothing, not even the file). The caller commits."""
    if path.stat().st_size > limits.max_bytes:
        raise too_large(limits.max_bytes)
    remembered = remembered_mapping(submission.agency_id)
    if dry_run:
        with open_lead_file(path, sheet=sheet, remembered=remembered) as lead_file:
            _require_mapping(lead_file)
            target = ImportTarget(submission.branch_id, submission.agency_id)
            return run_pipeline(lead_file=lead_file, target=target, limits=limits,
                                keep_outcomes=keep_outcomes)
    stored = store_path(path, uploads, limits.max_bytes)
    batch = _new_batch(submission, stored, BatchStatus.COMMITTED)
    with open_lead_file(stored.path, sheet=sheet, remembered=remembered) as lead_file:
        _require_mapping(lead_file)
        _describe(batch, lead_file)
        target = ImportTarget(submission.branch_id, submission.agency_id, batch.id, save=True)
        result = run_pipeline(lead_file=lead_file, target=target, limits=limits,
                              keep_outcomes=keep_outcomes)
    _record(batch, result)
    batch.committed_at = utcnow()
    _audit_saved(batch, result)
    return result


# --- the portal: preview, correct, commit -------------------------------------------------------------

@dataclass
class FileView:
    """How a batch's file is read: its sheets, column titles, the field of each column, the first rows."""

    header: list[str]
    mapping: list[LeadField | None]
    samples: list[list[str]] = field(default_factory=list)
    sheet_names: list[str] = field(default_factory=list)
    sheet: str | None = None
    mapping_problem: object | None = None  # a lazy message when the columns cannot be imported yet


def _open_batch_file(batch: LeadBatch, uploads: Path, mapping=None):
    """The batch's stored file, opened on its sheet with `mapping` (by default the mapping the batch keeps)
    and the columns its agency chose before."""
    if mapping is None and batch.column_mapping:
        mapping = mapping_from_names(batch.column_mapping)
    return open_lead_file(stored_path(uploads, batch.file_sha256), sheet=batch.sheet_name, mapping=mapping,
                          remembered=remembered_mapping(batch.agency_id))


def describe_file(batch: LeadBatch, *, uploads: Path) -> FileView:
    """Read only the head of the batch's stored file, to show how its columns are understood."""
    with _open_batch_file(batch, uploads) as lead_file:
        samples = []
        for lead in lead_file.leads:
            samples.append([cell_text(cell) for cell in lead.cells])
            if len(samples) >= SAMPLE_ROWS:
                break
        return FileView(lead_file.header, lead_file.mapping, samples, lead_file.table.sheet_names,
                        lead_file.table.sheet, mapping_problem(lead_file.mapping))


def start_preview(stored: StoredFile, *, submission: Submission, limits: ImportLimits, uploads: Path,
                  sheet: str | None = None, progress: Callable[[int], None] | None = None) -> LeadBatch:
    """A batch in preview for a stored file: counted and its problem rows kept, no prospect created yet."""
    batch = _new_batch(submission, stored, BatchStatus.PREVIEW)
    batch.sheet_name = sheet or None
    refresh_preview(batch, limits=limits, uploads=uploads, progress=progress)
    return batch


class Discarded(Conflict):
    """The preview is gone: someone chose not to save it (perhaps at the same moment)."""


def _settled(batch_id: int) -> Conflict:
    """Why a batch is no longer a preview, read afresh (what another request did to it meanwhile)."""
    if is_discarded(batch_id):
        return Discarded(_l("This list was not saved: it was discarded."))
    return Conflict(_l("This list has already been saved."))


def is_discarded(batch_id: int) -> bool:
    """Whether the batch is gone (its preview was discarded)."""
    return db.session.scalar(select(LeadBatch.id).where(LeadBatch.id == batch_id)) is None


def _claim(batch: LeadBatch, status: BatchStatus = BatchStatus.PREVIEW) -> None:
    """Take the batch while it is still a preview, atomically, setting `status` (PREVIEW: only take it).

    One conditional UPDATE: when two requests commit, discard or recount the same preview at once, the
    database lets one through (PostgreSQL holds the second until the first ends; SQLite lets one write at
    a time) and the other finds the status changed and is told what happened, never a crash.
    """
    taken = db.session.execute(
        update(LeadBatch).where(LeadBatch.id == batch.id, LeadBatch.status == BatchStatus.PREVIEW)
        .values(status=status), execution_options={"synchronize_session": False}).rowcount
    if not taken:
        raise _settled(batch.id)
    batch.status = status


def refresh_preview(batch: LeadBatch, *, limits: ImportLimits, uploads: Path,
                    mapping: list[LeadField | None] | None = None, sheet: str | None = None,
                    remember: bool = False, progress: Callable[[int], None] | None = None) -> None:
    """Count the stored file again, with a corrected mapping or another sheet; the caller commits.

    With `remember`, the mapping becomes the agency's choice for these column titles. While no column
    is marked as the name (or none as NIK or phone) nothing is counted: the mapping must be fixed first.
    """
    _claim(batch)
    db.session.execute(delete(LeadRow).where(LeadRow.batch_id == batch.id))
    if sheet is not None and sheet != (batch.sheet_name or ""):
        batch.sheet_name, batch.column_mapping, mapping = sheet or None, None, None
    if mapping is None and batch.column_mapping is not None:
        mapping = mapping_from_names(batch.column_mapping)
    with _open_batch_file(batch, uploads, mapping) as lead_file:
        _describe(batch, lead_file)
        if remember:
            remember_mapping(batch.agency_id, lead_file.header, lead_file.mapping)
        if mapping_problem(lead_file.mapping) is not None:
            _record(batch, ImportResult())
            return
        target = ImportTarget(batch.branch_id, batch.agency_id, batch.id)
        _record(batch, run_pipeline(lead_file=lead_file, target=target, limits=limits,
                                    keep_outcomes=0, progress=progress))


def commit_batch(batch: LeadBatch, *, limits: ImportLimits, uploads: Path,
                 progress: Callable[[int], None] | None = None) -> ImportResult:
    """Save the previewed list: the rows are checked again against what Sasar holds now. The caller commits.
    A second commit of the same list, or one after it was discarded, is refused (Conflict)."""
    _claim(batch, BatchStatus.COMMITTED)
    db.session.execute(delete(LeadRow).where(LeadRow.batch_id == batch.id))
    with _open_batch_file(batch, uploads) as lead_file:
        _require_mapping(lead_file)
        _describe(batch, lead_file)
        target = ImportTarget(batch.branch_id, batch.agency_id, batch.id, save=True)
        result = run_pipeline(lead_file=lead_file, target=target, limits=limits,
                              keep_outcomes=0, progress=progress)
    _record(batch, result)
    batch.committed_at = utcnow()
    _audit_saved(batch, result)
    return result


def discard_preview(batch: LeadBatch) -> None:
    """Forget a preview that was not wanted (the stored file stays: other batches may share it). Refused
    (Conflict) when the list was saved meanwhile, or already discarded."""
    gone = db.session.execute(delete(LeadBatch).where(LeadBatch.id == batch.id,
                                                      LeadBatch.status == BatchStatus.PREVIEW),
                              execution_options={"synchronize_session": False}).rowcount
    if not gone:
        raise _settled(batch.id)
    db.session.expunge(batch)


# --- the API -------------------------------------------------------------------------------------------

def import_api_leads(items: list[dict[LeadField, str | None]], *, submission: Submission,
                     limits: ImportLimits) -> ImportResult:
    """Leads sent by an agency's system; every item gets an outcome. The caller commits.

    Idempotent on the agency's reference, whatever the first outcome was: a lead whose reference was sent
    before is answered with that first outcome (`replayed`), creates nothing and is counted apart
    (`result.replayed`); a call made only of such leads records no batch. One exception: a lead first
    refused as invalid and now sent with different values is a correction, and is checked again.
    """
    leads = [LeadInput(index, {lead_field.value: value for lead_field, value in item.items()
                               if value is not None and not is_blank(value)},
                       [item.get(lead_field) or "" for lead_field in API_FIELDS])
             for index, item in enumerate(items, start=1)]
    earlier = _earlier_outcomes(submission.agency_id, leads)
    replays = [replace(earlier[_reference(lead)], row=lead.row) for lead in leads if _reference(lead) in earlier]
    fresh = [lead for lead in leads if _reference(lead) not in earlier]
    if not fresh:
        return ImportResult(replayed=len(replays), outcomes=replays)
    batch = _new_batch(submission, None, BatchStatus.COMMITTED)
    batch.header = batch.column_mapping = [lead_field.value for lead_field in API_FIELDS]
    target = ImportTarget(submission.branch_id, submission.agency_id, batch.id, save=True)
    result = run_pipeline(fresh, labels={lead_field: lead_field.value for lead_field in LeadField}, target=target,
                          limits=limits, keep_outcomes=None, all_ids=True)
    _record(batch, result)
    batch.committed_at = utcnow()
    _audit_saved(batch, result)
    result.replayed, result.outcomes = len(replays), result.outcomes + replays
    return result


def _reference(lead: LeadInput) -> str | None:
    value = lead.values.get(LeadField.REFERENCE.value)
    return str(value).strip() or None if value is not None else None


def _earlier_outcomes(agency_id: int, leads: list[LeadInput]) -> dict[str, RowOutcome]:
    """The first outcome of each reference the agency sent before, as an outcome replayed."""
    references = {reference for lead in leads if (reference := _reference(lead))}
    if not references:
        return {}
    found: dict[str, RowOutcome] = {}
    refused_cells: dict[str, list] = {}
    kept = db.session.scalars(
        select(LeadRow).join(LeadBatch, LeadRow.batch_id == LeadBatch.id)
        .where(LeadBatch.agency_id == agency_id, LeadBatch.status == BatchStatus.COMMITTED,
               LeadRow.reference.in_(references)).order_by(LeadRow.id))
    for row in kept:  # the latest row of a reference counts (an invalid lead may have been sent twice)
        detail = row.detail or {}
        if row.status is LeadRowStatus.INVALID:
            found[row.reference] = RowOutcome(0, RowStatus.INVALID, [problem_from_dict(reason)
                                                                     for reason in row.reasons or []],
                                              reference=row.reference, replayed=True)
            refused_cells[row.reference] = list(row.cells or [])
        elif row.status is LeadRowStatus.DUPLICATE:
            found[row.reference] = RowOutcome(0, RowStatus.DUPLICATE, prospect_id=row.prospect_id,
                                              matched_on=detail.get("matched_on"), reference=row.reference,
                                              replayed=True)
        else:
            found[row.reference] = RowOutcome(0, RowStatus.POSSIBLE_DUPLICATE, prospect_id=row.prospect_id,
                                              candidate_id=row.candidate_id, matched_on="name",
                                              candidate_name=detail.get("candidate_name"),
                                              reference=row.reference, replayed=True)
    for prospect_id, reference in db.session.execute(select(Prospect.id, Prospect.source_reference).where(
            Prospect.source_agency_id == agency_id, Prospect.source_reference.in_(references))):
        if found.get(reference) is None or found[reference].prospect_id != prospect_id:
            found[reference] = RowOutcome(0, RowStatus.CREATED, prospect_id=prospect_id, reference=reference,
                                          replayed=True)
    # An invalid lead sent again with other values is a correction, not a replay.
    sent = {_reference(lead): [cell_text(cell) for cell in lead.cells] for lead in leads}
    return {reference: outcome for reference, outcome in found.items()
            if outcome.status is not RowStatus.INVALID or refused_cells[reference] == sent.get(reference)}
