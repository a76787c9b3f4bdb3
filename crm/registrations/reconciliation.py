"""Reconciling Sasar with the core system's participant export.

Registrations are made in BPJS Ketenagakerjaan's own system; the branch exports its participant
list (CSV or XLSX with at least NIK, KPJ, name, registration date and status). Each row:

- whose KPJ Sasar knows is *matched*: the registration date is corrected if it differs, and the
  status (active/lapsed) applied;
- else whose NIK belongs to a prospect of the branch is *matched* too: a prospect without a
  registration is *converted* (a registration made at the counter), one with a registration under
  another KPJ has it corrected; the status is applied;
- else is *unmatched* and listed, never dropped;
- or is *invalid* and listed with its reasons.

A status change is dated from the export's status-date column when it has one, else from the day the
uploader states the statuses were taken (the export's date); a lapse is never dated "today" by default,
or a participant who lapsed years ago would count against this year's target.

Everything is decided from the rows and the database, so reading the same file twice changes
nothing the second time.
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.errors import DomainError, Invalid
from crm.extensions import db
from crm.leads.mapping import header_key
from crm.leads.reading import cell_text, open_table
from crm.models import Branch, ParticipantStatus, Prospect, ReconciliationRun, Registration, User
from crm.people.nik import mask_nik, parse_nik
from crm.people.problems import Refused
from crm.registrations import kpj, registering

# Column names as the core system and people write them, as keys of the lead import's header_key
# (lower case, letters and digits only).
COLUMN_ALIASES = {
    "nik": ("nik", "noktp", "nomorktp", "nomorindukkependudukan"),
    "kpj": ("kpj", "nokpj", "nomorkpj", "nopeserta", "nomorpeserta", "kpjno"),
    "name": ("name", "nama", "namapeserta", "namatk", "namatenagakerja", "namalengkap"),
    "registered_on": ("registrationdate", "registeredon", "tanggaldaftar", "tgldaftar", "tglkepesertaan",
                      "tanggalkepesertaan", "tglregistrasi", "tanggalregistrasi", "tmtkepesertaan", "tmt"),
    "status": ("status", "statuskepesertaan", "statuspeserta"),
    "status_on": ("statusdate", "statuson", "tglstatus", "tanggalstatus", "tglnonaktif", "tanggalnonaktif"),
}
REQUIRED_COLUMNS = ("nik", "kpj", "name", "registered_on", "status")
STATUS_WORDS = {
    ParticipantStatus.ACTIVE: ("active", "aktif", "a"),
    ParticipantStatus.LAPSED: ("lapsed", "nonaktif", "tidakaktif", "inactive", "na", "n"),
}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")
LOOKUP_CHUNK = 500


@dataclass(frozen=True)
class RowNote:
    """An unmatched or invalid row, as shown and kept: never the full NIK."""

    row: int
    kpj: str | None
    name: str | None
    nik: str | None  # masked
    reason: str

    def as_dict(self) -> dict:
        return {"row": self.row, "kpj": self.kpj, "name": self.name, "nik": self.nik, "reason": self.reason}


@dataclass
class ReconciliationResult:
    rows: int = 0
    matched: int = 0
    converted: int = 0
    status_changed: int = 0
    corrected: int = 0
    unmatched: list[RowNote] = field(default_factory=list)
    invalid: list[RowNote] = field(default_factory=list)
    run_id: int | None = None

    def summary(self) -> dict:
        """The counts the CLI prints as its last line, in this order."""
        return {"rows": self.rows, "matched": self.matched, "converted": self.converted,
                "status_changed": self.status_changed, "unmatched": len(self.unmatched),
                "invalid": len(self.invalid)}


@dataclass(frozen=True)
class ExportRow:
    row: int
    nik: str
    kpj: str
    name: str | None
    registered_on: date
    status: ParticipantStatus
    status_on: date | None


# --- reading the file ---------------------------------------------------------------------------

def read_records(path: Path) -> list[tuple[int, dict]]:
    """(spreadsheet row number, {header: cell}) for each row under the header row, read with the lead
    import's reader (crm/leads/reading.py): one way to read a spreadsheet in Sasar."""
    with open_table(path) as table:
        rows = iter(table.rows)
        header = next(rows, None)
        if header is None:
            return []
        headers = [cell_text(cell).strip() for cell in header[1]]
        return [(number, {h: cell for h, cell in zip(headers, cells, strict=False) if h}) for number, cells in rows]


# --- one row's fields ---------------------------------------------------------------------------

def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _nik(value) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        raise Invalid(_l("The NIK is missing."))
    try:
        return parse_nik(value)
    except Refused as refused:
        raise Invalid(str(refused.problem)) from None


def _kpj(value) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return kpj.from_number(value)
    if isinstance(value, float) and value.is_integer():
        return kpj.from_number(int(value))
    return kpj.normalise(_text(value))


def _date(value, today: date) -> date:
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        text = _text(value)
        if not text:
            raise Invalid(_l("The registration date is missing."))
        for pattern in DATE_FORMATS:
            try:
                day = datetime.strptime(text[:10], pattern).date()
                break
            except ValueError:
                continue
        else:
            raise Invalid(_l("“%(value)s” is not a date (use YYYY-MM-DD or DD/MM/YYYY).", value=text[:24]))
    if day > today:
        raise Invalid(_l("The date %(date)s is in the future.", date=day.isoformat()))
    return day


def _status(value) -> ParticipantStatus:
    word = header_key(value)
    for status, words in STATUS_WORDS.items():
        if word in words:
            return status
    raise Invalid(_l("“%(value)s” is not a status; use active or lapsed.", value=_text(value)[:24]))


def _columns(headers: Iterable[str]) -> dict[str, str]:
    """Our field name → the file's header, or Invalid naming the missing columns."""
    found = {}
    for header in headers:
        for name, aliases in COLUMN_ALIASES.items():
            if name not in found and header_key(header) in aliases:
                found[name] = header
    missing = [name for name in REQUIRED_COLUMNS if name not in found]
    if missing:
        raise Invalid(_l("The file has no column for: %(columns)s. It needs NIK, KPJ, name, registration "
                         "date and status.", columns=", ".join(missing)), field="file")
    return found


def parse_rows(records: list[tuple[int, dict]], today: date) -> tuple[list[ExportRow], list[RowNote]]:
    """Check every row; valid rows come back as ExportRow, the others as notes with every reason."""
    if not records:
        return [], []
    columns = _columns(records[0][1].keys())
    rows, invalid = [], []
    seen_kpj: dict[str, int] = {}
    seen_nik: dict[str, int] = {}
    for number, record in records:
        values = {name: record.get(header) for name, header in columns.items()}
        name = _text(values["name"]) or None
        reasons, parsed = [], {}
        for field_name, parse in (("nik", _nik), ("kpj", _kpj), ("registered_on", lambda v: _date(v, today)),
                                  ("status", _status)):
            try:
                parsed[field_name] = parse(values[field_name])
            except DomainError as error:
                reasons.append(str(error.message))
        status_on = None
        if _text(values.get("status_on")):
            try:
                status_on = _date(values["status_on"], today)
            except DomainError as error:
                reasons.append(str(error.message))
        for key, seen in (("kpj", seen_kpj), ("nik", seen_nik)):
            if key in parsed and parsed[key] in seen:
                reasons.append(str(_l("The same %(what)s is on row %(row)d.", what=key.upper(), row=seen[parsed[key]])))
        shown_kpj = parsed.get("kpj") or _text(values["kpj"]) or None
        shown_nik = mask_nik(parsed.get("nik") or _text(values["nik"]) or None)
        if reasons:
            invalid.append(RowNote(number, shown_kpj, name, shown_nik, " ".join(reasons)))
            continue
        seen_kpj[parsed["kpj"]], seen_nik[parsed["nik"]] = number, number
        rows.append(ExportRow(number, parsed["nik"], parsed["kpj"], name, parsed["registered_on"],
                              parsed["status"], status_on))
    return rows, invalid


# --- matching -----------------------------------------------------------------------------------

def _chunks(values: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _registrations_by_kpj(numbers: list[str]) -> dict[str, Registration]:
    found = {}
    for chunk in _chunks(numbers):
        for registration in db.session.scalars(select(Registration).where(Registration.kpj.in_(chunk))
                                               .options(selectinload(Registration.prospect))):
            found[registration.kpj] = registration
    return found


def _prospects_by_nik(branch: Branch, niks: list[str]) -> dict[str, Prospect]:
    """One prospect per NIK: a registered one if there is, else the earliest."""
    candidates: dict[str, list[Prospect]] = {}
    for chunk in _chunks(niks):
        for prospect in db.session.scalars(select(Prospect).where(Prospect.branch_id == branch.id,
                                                                  Prospect.nik.in_(chunk))
                                           .order_by(Prospect.id)):
            candidates.setdefault(prospect.nik, []).append(prospect)
    registered = {pid for chunk in _chunks([p.id for group in candidates.values() for p in group])
                  for pid in db.session.scalars(select(Registration.prospect_id)
                                                .where(Registration.prospect_id.in_(chunk)))}
    return {nik: next((p for p in group if p.id in registered), group[0]) for nik, group in candidates.items()}


def _note(row: ExportRow, reason) -> RowNote:
    return RowNote(row.row, row.kpj, row.name, mask_nik(row.nik), str(reason))


def check_status_date(rows: list[ExportRow], statuses_on: date | None, today: date) -> None:
    """Refuse a stated date in the future, and a lapse with no date in the file and none stated."""
    if statuses_on is not None and statuses_on > today:
        raise Invalid(_l("The date %(date)s is in the future.", date=statuses_on.isoformat()), field="statuses_on")
    if statuses_on is None and any(r.status is ParticipantStatus.LAPSED and r.status_on is None for r in rows):
        raise Invalid(_l("The export has lapsed participants but no status-date column: state the day its "
                         "statuses were taken (the export's date)."), field="statuses_on")


def reconcile_rows(branch: Branch, rows: list[ExportRow], result: ReconciliationResult, *, today: date,
                   statuses_on: date | None = None, actor: User | None = None) -> None:
    stated = statuses_on or today  # only active rows fall back to today (check_status_date)
    by_kpj = _registrations_by_kpj([row.kpj for row in rows])
    by_nik = _prospects_by_nik(branch, [row.nik for row in rows])
    for row in rows:
        registration = by_kpj.get(row.kpj)
        if registration is not None:
            if registration.branch_id != branch.id:
                result.invalid.append(_note(row, _l("This KPJ belongs to a participant of another branch.")))
                continue
            if registration.prospect.nik and registration.prospect.nik != row.nik:
                result.invalid.append(_note(row, _l("In Sasar this KPJ belongs to someone with another NIK.")))
                continue
        else:
            prospect = by_nik.get(row.nik)
            if prospect is None:
                result.unmatched.append(_note(row, _l("No prospect in Sasar has this NIK or KPJ.")))
                continue
            registration = prospect.registration
            if registration is None:
                try:
                    registering.record_from_core_system(prospect, row.kpj, row.registered_on, row.status,
                                                        row.status_on or today, actor=actor)
                except DomainError as error:
                    result.invalid.append(_note(row, error.message))
                    continue
                result.matched += 1
                result.converted += 1
                continue
        try:
            result.corrected += registering.correct_from_core_system(registration, row.kpj, row.registered_on,
                                                                     actor=actor)
        except DomainError as error:
            result.invalid.append(_note(row, error.message))
            continue
        result.matched += 1
        result.status_changed += registering.set_status(registration, row.status, row.status_on or stated,
                                                        actor=actor)


def reconcile(branch: Branch, path: Path, *, today: date, statuses_on: date | None = None,
              actor: User | None = None, filename: str | None = None) -> ReconciliationResult:
    """Read an export (a CSV or XLSX file) and reconcile it with the branch; keeps a ReconciliationRun.

    `statuses_on`: the day the export's statuses were taken, for rows without a status date.
    Raises Invalid when the file cannot be read, lacks a required column, or has a lapse it cannot
    date. The caller commits.
    """
    records = read_records(path)
    rows, invalid = parse_rows(records, today)
    check_status_date(rows, statuses_on, today)
    result = ReconciliationResult(rows=len(records), invalid=invalid)
    reconcile_rows(branch, rows, result, today=today, statuses_on=statuses_on, actor=actor)
    result.invalid.sort(key=lambda note: note.row)
    run = ReconciliationRun(
        branch_id=branch.id, run_by_id=getattr(actor, "id", None), filename=filename or path.name,
        file_sha256=hashlib.sha256(path.read_bytes()).hexdigest(), rows=result.rows, matched=result.matched,
        converted=result.converted, status_changed=result.status_changed, corrected=result.corrected,
        unmatched=len(result.unmatched), invalid=len(result.invalid),
        problems=[{"kind": "unmatched", **note.as_dict()} for note in result.unmatched]
        + [{"kind": "invalid", **note.as_dict()} for note in result.invalid],
    )
    db.session.add(run)
    db.session.flush()
    result.run_id = run.id
    return result


def recent_runs(branch: Branch, limit: int = 10) -> list[ReconciliationRun]:
    return list(db.session.scalars(select(ReconciliationRun).where(ReconciliationRun.branch_id == branch.id)
                                   .order_by(ReconciliationRun.ran_at.desc(), ReconciliationRun.id.desc())
                                   .limit(limit)))


def result_of(run: ReconciliationRun) -> ReconciliationResult:
    """A kept run as a result, to show again."""
    notes = {"unmatched": [], "invalid": []}
    for problem in run.problems or []:
        notes[problem["kind"]].append(RowNote(problem["row"], problem["kpj"], problem["name"], problem["nik"],
                                              problem["reason"]))
    return ReconciliationResult(rows=run.rows, matched=run.matched, converted=run.converted,
                                status_changed=run.status_changed, corrected=run.corrected,
                                unmatched=notes["unmatched"], invalid=notes["invalid"], run_id=run.id)
