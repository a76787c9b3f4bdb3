"""Batches after the fact: who may see which, their rows and leads, undoing one, and the files to download.

Within the branches a person may see (crm/prospects/scope.py), liaisons see only their own agency's
batches, managers and admins every batch. Officers do not work with lead lists. A batch someone may not
see is "not found".
"""

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import delete, exists, false, func, select
from sqlalchemy.orm import selectinload

from crm import audit
from crm.errors import Conflict, NotFound
from crm.extensions import db
from crm.leads.mapping import TEMPLATE_HEADERS, LeadField
from crm.leads.reading import WORKBOOK_FORMATS
from crm.leads.validation import problem_from_dict
from crm.models import (
    BatchStatus,
    ContactAttempt,
    LeadBatch,
    LeadRow,
    LeadRowStatus,
    Prospect,
    ProspectListing,
    Registration,
    Role,
    User,
    Visit,
)
from crm.models.base import utcnow
from crm.people.nik import mask_nik
from crm.people.phone import mask_phone
from crm.prospects.scope import in_visible_branches

PAGE_SIZE = 50
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"
TEMPLATE_ROWS = 500


# --- who sees what ------------------------------------------------------------------------------------

def visibility_filter(user: User):
    """A WHERE clause on LeadBatch: the batches `user` may open."""
    branches = in_visible_branches(user, LeadBatch.branch_id)
    if user.role in (Role.ADMIN, Role.MANAGER):
        return branches
    if user.role is Role.LIAISON and user.agency_id is not None:
        return branches & (LeadBatch.agency_id == user.agency_id)
    return false()


def batch_for(user: User, batch_id: int) -> LeadBatch:
    """The batch, if `user` may see it; NotFound otherwise (so another agency's batch does not even exist)."""
    batch = db.session.scalar(select(LeadBatch).where(LeadBatch.id == batch_id, visibility_filter(user)))
    if batch is None:
        raise NotFound(_l("There is no such lead list."))
    return batch


def history(user: User, page: int = 1) -> tuple[list[LeadBatch], int]:
    """The batches `user` may see, newest first, one page at a time; and how many there are."""
    query = select(LeadBatch).where(visibility_filter(user))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    batches = db.session.scalars(
        query.options(selectinload(LeadBatch.agency), selectinload(LeadBatch.submitted_by))
        .order_by(LeadBatch.created_at.desc(), LeadBatch.id.desc())
        .limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)).all()
    return list(batches), total


# --- what a batch holds ----------------------------------------------------------------------------

@dataclass(frozen=True)
class ShownRow:
    """A kept row as a person reads it: its number, values, reasons, and the person it matched."""

    row_number: int
    status: LeadRowStatus
    cells: list[str]
    reasons: list[tuple[str, str]]  # (the column as the list names it, what is wrong with it)
    matched_on: str | None
    earlier_row: int | None
    candidate_row: int | None
    other_name: str | None  # the prospect it duplicates or resembles
    other_nik: str  # masked
    other_desa: str | None
    other_agency: str | None
    prospect_id: int | None
    name_cell: str  # what the list had in its name column
    elsewhere: bool = False  # it duplicates a person of another branch, who is not named here


def kept_rows(batch: LeadBatch, status: LeadRowStatus | None = None, page: int = 1,
              per_page: int = PAGE_SIZE) -> tuple[list[ShownRow], int]:
    query = select(LeadRow).where(LeadRow.batch_id == batch.id)
    if status is not None:
        query = query.where(LeadRow.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.options(
        selectinload(LeadRow.prospect).selectinload(Prospect.desa),
        selectinload(LeadRow.prospect).selectinload(Prospect.source_agency),
        selectinload(LeadRow.candidate).selectinload(Prospect.desa),
        selectinload(LeadRow.candidate).selectinload(Prospect.source_agency),
    ).order_by(LeadRow.row_number).limit(per_page).offset((max(page, 1) - 1) * per_page)).all()
    name_index = (batch.column_mapping or []).index(LeadField.NAME.value) \
        if LeadField.NAME.value in (batch.column_mapping or []) else None
    return [_shown(row, name_index, batch.branch_id) for row in rows], total


def _shown(row: LeadRow, name_index: int | None, branch_id: int) -> ShownRow:
    detail = row.detail or {}
    other = row.candidate if row.status is LeadRowStatus.POSSIBLE_DUPLICATE else row.prospect
    # A NIK or phone is known across Sasar, but who holds it in another branch is that branch's to see.
    elsewhere = other is not None and other.branch_id != branch_id
    if elsewhere:
        other, detail = None, {**detail, "candidate_name": None}
    return ShownRow(
        row.row_number, row.status, list(row.cells or []),
        [(problem.field, str(problem)) for problem in map(problem_from_dict, row.reasons or [])],
        detail.get("matched_on"), detail.get("earlier_row"), detail.get("candidate_row"),
        other.name if other else detail.get("candidate_name"), mask_nik(other.nik) if other else "",
        other.desa.name if other and other.desa else None,
        other.source_agency.code if other and other.source_agency else None,
        None if elsewhere else row.prospect_id,
        row.cells[name_index] if name_index is not None and name_index < len(row.cells or []) else "",
        elsewhere,
    )


@dataclass(frozen=True)
class ShownLead:
    id: int
    name: str
    nik: str  # masked
    phone: str  # masked
    desa: str | None
    kecamatan: str | None
    place_as_given: str | None
    stage: object
    stage_changed_at: datetime
    flagged: bool  # saved as a possible duplicate, for review


def batch_leads(batch: LeadBatch, page: int = 1) -> tuple[list[ShownLead], int]:
    """The prospects this batch created, each with its stage now (never officers' notes), one page at a time."""
    query = select(Prospect).where(Prospect.lead_batch_id == batch.id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    prospects = db.session.scalars(query.options(selectinload(Prospect.desa), selectinload(Prospect.kecamatan))
                                   .order_by(Prospect.id).limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)).all()
    flagged = set(db.session.scalars(select(LeadRow.prospect_id).where(
        LeadRow.batch_id == batch.id, LeadRow.status == LeadRowStatus.POSSIBLE_DUPLICATE,
        LeadRow.prospect_id.in_([p.id for p in prospects]))))
    return [ShownLead(p.id, p.name, mask_nik(p.nik), mask_phone(p.phone), p.desa.name if p.desa else None,
                      p.kecamatan.name if p.kecamatan else None, p.place_as_given, p.stage, p.stage_changed_at,
                      p.id in flagged)
            for p in prospects], total


# --- withdrawing --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class WithdrawResult:
    removed: int
    kept: int  # prospects already called, messaged, visited or registered: they stay, listed under the batch


def _worked():
    return (exists().where(Visit.prospect_id == Prospect.id) | exists().where(Registration.prospect_id == Prospect.id)
            | exists().where(ContactAttempt.prospect_id == Prospect.id))


def withdraw(batch: LeadBatch, user: User) -> WithdrawResult:
    """Undo a batch: remove the prospects it created that nobody has called, messaged, visited or registered,
    and the notes it left on prospects other agencies had listed. The rest stay. The caller commits."""
    if batch.status is not BatchStatus.COMMITTED:
        raise Conflict(_l("Only a saved list can be withdrawn."))
    untouched = select(Prospect.id).where(Prospect.lead_batch_id == batch.id, ~_worked())
    removed = db.session.execute(delete(Prospect).where(Prospect.id.in_(untouched.scalar_subquery())),
                                 execution_options={"synchronize_session": False}).rowcount
    db.session.execute(delete(ProspectListing).where(ProspectListing.lead_batch_id == batch.id),
                       execution_options={"synchronize_session": False})
    kept = db.session.scalar(select(func.count()).where(Prospect.lead_batch_id == batch.id)) or 0
    batch.status, batch.withdrawn_at, batch.withdrawn_by_id = BatchStatus.WITHDRAWN, utcnow(), user.id
    batch.removed_count = removed
    audit.record("withdraw", "lead_batch", batch.id, actor=user, branch_id=batch.branch_id,
                 after={"removed": removed, "kept": kept})
    return WithdrawResult(removed, kept)


# --- files --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Download:
    content: bytes
    filename: str
    mimetype: str


def _stem(batch: LeadBatch) -> str:
    name = (batch.filename or f"leads-{batch.id}").rsplit(".", 1)[0]
    return "".join(ch if ch.isalnum() or ch in "-_ " else "-" for ch in name).strip() or f"leads-{batch.id}"


def _invalid_rows(batch: LeadBatch):
    offset = 0
    while True:
        rows = db.session.scalars(select(LeadRow).where(LeadRow.batch_id == batch.id,
                                                        LeadRow.status == LeadRowStatus.INVALID)
                                  .order_by(LeadRow.row_number).limit(1000).offset(offset)).all()
        if not rows:
            return
        yield from rows
        offset += len(rows)


ERROR_FILE_SUFFIX = "perlu diperbaiki"  # the file's name is Indonesian, as the branch and its agencies speak


def error_file(batch: LeadBatch) -> Download:
    """The rows that were refused, to fix and send again: first the row's number in the sheet the liaison
    sent (so she finds it in her own file), then the original columns, then one more saying why. A workbook's
    rows come back as XLSX (the NIK column as text), a CSV's as CSV with its delimiter. Named
    "<the file's name> - perlu diperbaiki"."""
    header = [gettext("Row")] + [str(title) for title in (batch.header or [])]
    column_title, reason_title = gettext("Column"), gettext("Reason")
    nik_columns = {index + 1 for index, name in enumerate(batch.column_mapping or []) if name == LeadField.NIK.value}
    width = len(header)
    rows = []
    for row in _invalid_rows(batch):
        cells = [row.row_number, *(row.cells or [])]
        width = max(width, len(cells))
        problems = [problem_from_dict(reason) for reason in row.reasons or []]
        rows.append((cells, ["; ".join(p.field for p in problems), "; ".join(str(p) for p in problems)]))
    header = header + [""] * (width - len(header)) + [column_title, reason_title]
    stem = f"{_stem(batch)} - {ERROR_FILE_SUFFIX}"
    if batch.file_format in WORKBOOK_FORMATS:
        return Download(_xlsx([header] + [cells + [""] * (width - len(cells)) + reason for cells, reason in rows],
                              text_columns=nik_columns), f"{stem}.xlsx", XLSX_MIME)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=batch.delimiter or ";", lineterminator="\r\n")
    writer.writerow(header)
    for cells, reason in rows:
        writer.writerow(cells + [""] * (width - len(cells)) + reason)
    # With a BOM, Excel opens UTF-8 as UTF-8 (and keeps ’, û and the like).
    return Download(out.getvalue().encode("utf-8-sig"), f"{stem}.csv", CSV_MIME)


def _xlsx(rows: list[list], text_columns: set[int] = frozenset(), sheet_title: str = "Data",
          extra_sheet: tuple[str, list[str]] | None = None, blank_rows: int = 0) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    for values in rows:
        sheet.append(values)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    last_row = max(len(rows), 1) + blank_rows
    for index in text_columns:
        for (cell,) in sheet.iter_rows(min_row=2, max_row=last_row, min_col=index + 1, max_col=index + 1):
            cell.number_format = "@"  # text: Excel keeps all 16 digits of a NIK
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = min(
            max(len(str(cell.value or "")) for cell in column[:200]) + 2, 60)
    if extra_sheet is not None:
        notes = workbook.create_sheet(extra_sheet[0])
        for line in extra_sheet[1]:
            notes.append([line])
        notes.column_dimensions["A"].width = 110
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_xlsx() -> Download:
    """An empty list with Indonesian column titles; NIK and phone columns formatted as text."""
    header = [title for _, title in TEMPLATE_HEADERS]
    text_columns = {index for index, (lead_field, _) in enumerate(TEMPLATE_HEADERS)
                    if lead_field in (LeadField.NIK, LeadField.PHONE)}
    notes = [
        gettext("How to fill in this list"),
        "",
        gettext("One person per row, from row 2 of the first sheet. Keep the column titles."),
        gettext("A row needs a name and a NIK or a phone number (better both)."),
        gettext("NIK: 16 digits. The NIK and phone columns are formatted as text: keep them so, or Excel "
                "changes a NIK into a number and loses its last digit."),
        gettext("Phone: as you write it, e.g. 0812-3456-7890 or +62 812 3456 7890."),
        gettext("Desa/Kelurahan and Kecamatan: the names in Kabupaten Situbondo."),
        gettext("Pekerjaan or Jenis Usaha: what the person does, e.g. Nelayan, Peternak sapi, Pedagang pasar."),
    ]
    content = _xlsx([header], text_columns=text_columns, sheet_title="Daftar",
                    extra_sheet=(gettext("Instructions")[:31], notes), blank_rows=TEMPLATE_ROWS)
    return Download(content, "sasar-template-leads.xlsx", XLSX_MIME)


def template_csv() -> Download:
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerow([title for _, title in TEMPLATE_HEADERS])
    return Download(out.getvalue().encode("utf-8-sig"), "sasar-template-leads.csv", CSV_MIME)

