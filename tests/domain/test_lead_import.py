"""The import pipeline on real files, on both databases: what is saved, kept, flagged, refused and undone."""

import csv
import gc
import hashlib
import io
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook
from sqlalchemy import func, select

from crm import reference
from crm.errors import DomainError
from crm.leads import batches, importer, intake
from crm.leads.importer import ImportLimits, MappingIncomplete, TooManyRows
from crm.leads.mapping import LeadField
from crm.leads.reading import Unreadable
from crm.leads.storage import FileTooLarge, store_path, uploads_dir
from crm.models import (
    AuditEvent,
    BatchSource,
    BatchStatus,
    LeadBatch,
    LeadRow,
    LeadRowStatus,
    Outcome,
    Prospect,
    ProspectListing,
    Role,
    Sector,
    Visit,
)
from tests.data import DATA
from tests.factories import make_user

CSV_FILE = DATA / "leads_disnakkan.csv"
XLSX_FILE = DATA / "leads_dinsos.xlsx"


@pytest.fixture(autouse=True)
def english(app, db):
    """The assertions read the English reasons (the default language is Indonesian)."""
    with app.test_request_context(), force_locale("en"):
        yield


def submission(agency_code: str, source=BatchSource.CLI, user=None) -> intake.Submission:
    return intake.Submission(reference.branch_by_code("SBO").id, reference.agency_by_code(agency_code).id,
                             user.id if user else None, source)


DEFAULT_LIMITS = ImportLimits()


def run_import(app, db, path: Path, agency_code="DISNAKKAN", limits=DEFAULT_LIMITS, **options):
    result = intake.import_file(path, submission=submission(agency_code), limits=limits,
                                uploads=uploads_dir(app.instance_path), **options)
    db.session.commit()
    return result


def prospects(db) -> dict[str, Prospect]:
    return {p.name: p for p in db.session.scalars(select(Prospect))}


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def write_csv(tmp_path, rows, name="list.csv", delimiter=";") -> Path:
    path = tmp_path / name
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def test_the_agencys_semicolon_windows_list_is_read_checked_and_saved(app, db):
    result = run_import(app, db, CSV_FILE)
    assert result.summary() == {"batch": result.batch_id, "rows": 14, "created": 6, "duplicates": 1,
                                "possible_duplicates": 1, "invalid": 7}
    saved = prospects(db)
    assert set(saved) == {"Siti Ma’rifah", "Pak Jamalûddin", "Sulastri", "Busiri", "Hori", "Sitti Marifah"}
    siti = saved["Siti Ma’rifah"]
    assert (siti.nik, siti.phone) == ("3512064507850003", "+6281234567890")
    assert (siti.desa.name, siti.kecamatan.name, siti.sector) == ("Kilensari", "Panarukan", Sector.FISHING)
    assert siti.source_agency.code == "DISNAKKAN" and siti.lead_batch_id == result.batch_id
    assert saved["Pak Jamalûddin"].phone == "+6281331002211"
    assert saved["Sulastri"].nik is None and saved["Sulastri"].sector is Sector.INDUSTRY
    assert saved["Busiri"].desa.name == "Tanjung Kamal"


def test_a_place_not_recognised_keeps_the_row_and_what_was_written(app, db):
    result = run_import(app, db, CSV_FILE)
    hori = prospects(db)["Hori"]
    assert hori.desa_id is None and hori.kecamatan.name == "Panarukan"
    assert hori.place_as_given == "Kampung Baru, Panarukan"
    assert result.unresolved_places == 1
    assert db.session.get(LeadBatch, result.batch_id).unresolved_place_count == 1


def test_every_refused_row_is_kept_with_its_cells_and_one_reason_per_problem_naming_the_column(app, db):
    result = run_import(app, db, CSV_FILE)
    kept = {row.row_number: row for row in db.session.scalars(
        select(LeadRow).where(LeadRow.batch_id == result.batch_id, LeadRow.status == LeadRowStatus.INVALID))}
    assert sorted(kept) == [6, 7, 11, 12, 13, 17, 18]
    assert kept[6].cells[1:3] == ["Moh. Hasan", "3.51204E+15"]
    assert [reason["code"] for reason in kept[6].reasons] == ["nik_spreadsheet_number"]
    assert kept[7].reasons == [{"code": "nik_length", "field": "No KTP", "params": {"count": 15}}]
    assert kept[11].reasons[0]["field"] == "No. Telp"
    assert kept[12].reasons[0]["code"] == "name_missing"
    assert kept[13].reasons[0]["field"] == "No KTP / No. Telp"


def test_reimporting_the_same_file_creates_nothing(app, db):
    run_import(app, db, CSV_FILE)
    before = count(db, Prospect)
    again = run_import(app, db, CSV_FILE)
    assert count(db, Prospect) == before
    assert (again.created, again.possible_duplicates) == (0, 0)
    assert again.duplicates == 7 and again.invalid == 7
    assert count(db, ProspectListing) == 0  # the same agency listing its own people again is no news


def test_a_person_another_agency_already_listed_becomes_a_note_not_a_new_prospect(app, db, tmp_path):
    run_import(app, db, CSV_FILE)
    siti = prospects(db)["Siti Ma’rifah"]
    dinsos_list = write_csv(tmp_path, [["Nama", "NIK", "No HP"], ["SITI MARIFAH", "3512 0645 0785 0003", ""],
                                       ["Ibu Siti", "", "+62 812-3456-7890"]])
    result = run_import(app, db, dinsos_list, agency_code="DINSOS")
    assert (result.created, result.duplicates) == (0, 2)
    notes = db.session.scalars(select(ProspectListing)).all()
    assert [(note.prospect_id, note.agency.code, note.lead_batch_id) for note in notes] == [
        (siti.id, "DINSOS", result.batch_id)]


def test_a_very_similar_name_in_the_same_desa_is_saved_and_flagged_with_the_candidate(app, db, tmp_path):
    first = run_import(app, db, CSV_FILE)
    flagged = db.session.scalars(select(LeadRow).where(LeadRow.batch_id == first.batch_id,
                                                       LeadRow.status == LeadRowStatus.POSSIBLE_DUPLICATE)).one()
    assert flagged.row_number == 16 and flagged.prospect.name == "Sitti Marifah"
    assert flagged.detail["candidate_row"] == 4 and flagged.candidate.name == "Siti Ma’rifah"

    later = write_csv(tmp_path, [["Nama", "No HP", "Desa", "Kecamatan"], ["Busirih", "081390001111", "Tanjung Kamal",
                                                                          "Mangaran"]])
    result = run_import(app, db, later, agency_code="DPMD")
    assert (result.created, result.possible_duplicates) == (1, 1)
    row = db.session.scalars(select(LeadRow).where(LeadRow.batch_id == result.batch_id)).one()
    assert row.candidate.name == "Busiri" and row.prospect.name == "Busirih"


# The same workbook as Excel 2007+, and as LibreOffice saves it for offices: .xls, .ods, .xlsm.
OFFICE_FILES = [XLSX_FILE, *(XLSX_FILE.with_suffix(suffix) for suffix in (".xls", ".ods", ".xlsm"))]


@pytest.mark.parametrize("path", OFFICE_FILES, ids=lambda path: path.suffix)
def test_numeric_nik_cells_of_every_office_format_are_refused_and_text_ones_kept(app, db, path):
    result = run_import(app, db, path, agency_code="DINSOS")
    assert (result.rows, result.created, result.invalid) == (4, 2, 2)
    reasons = {row.row_number: row.reasons[0]["code"] for row in db.session.scalars(select(LeadRow))}
    assert reasons == {4: "nik_spreadsheet_number", 7: "nik_spreadsheet_number"}
    saved = prospects(db)
    assert saved["Maimunah"].desa.name == "Dawuhan" and saved["Maimunah"].sector is Sector.TRADE_SERVICES
    assert (saved["Sugeng"].nik, saved["Sugeng"].phone) == ("3512071707770004", "+6285244445555")
    assert saved["Sugeng"].sector is Sector.TRANSPORT


@pytest.mark.parametrize("path", OFFICE_FILES, ids=lambda path: path.suffix)
def test_another_sheet_can_be_imported(app, db, path):
    result = run_import(app, db, path, agency_code="DINSOS", sheet="Tambahan")
    assert (result.rows, result.created) == (2, 2)
    assert db.session.get(LeadBatch, result.batch_id).sheet_name == "Tambahan"


def test_the_file_is_kept_under_its_checksum(app, db):
    result = run_import(app, db, CSV_FILE)
    batch = db.session.get(LeadBatch, result.batch_id)
    digest = hashlib.sha256(CSV_FILE.read_bytes()).hexdigest()
    assert (batch.file_sha256, batch.filename, batch.file_size) == (digest, CSV_FILE.name, CSV_FILE.stat().st_size)
    assert (uploads_dir(app.instance_path) / digest).read_bytes() == CSV_FILE.read_bytes()
    assert (batch.file_format, batch.encoding, batch.delimiter, batch.header_row) == ("csv", "cp1252", ";", 3)


def test_a_dry_run_counts_and_saves_nothing(app, db):
    result = run_import(app, db, CSV_FILE, dry_run=True)
    assert result.batch_id is None and result.created == 6
    assert count(db, Prospect) == count(db, LeadBatch) == count(db, LeadRow) == 0


def test_the_error_file_has_the_original_columns_and_a_reason_and_can_be_sent_again_once_fixed(app, db, tmp_path):
    result = run_import(app, db, CSV_FILE)
    download = batches.error_file(db.session.get(LeadBatch, result.batch_id))
    assert download.filename == "leads_disnakkan - perlu diperbaiki.csv"
    lines = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == ["Row", "No", "Nama Lengkap", "No KTP", "No. Telp", "Alamat", "Desa/Kel", "Kecamatan",
                        "Pekerjaan", "Column", "Reason"]
    assert len(lines) == 8
    by_name = {line[2]: line for line in lines[1:]}
    # The row as the agency's own sheet numbers it: a title line and a blank one above the header (row 3).
    assert by_name["Moh. Hasan"][0] == "6" and by_name["Abdul Rahman"][0] == "7"
    assert by_name["Moh. Hasan"][3] == "3.51204E+15" and "Format the column as Text" in by_name["Moh. Hasan"][-1]
    assert by_name["Abdul Rahman"][-2:] == ["No KTP", "A NIK is 16 digits; this one has 15."]

    by_name["Moh. Hasan"][3] = "3512044507850009"
    by_name["Abdul Rahman"][3] = "3512061203780010"
    fixed = write_csv(tmp_path, [lines[0], by_name["Moh. Hasan"], by_name["Abdul Rahman"]], name="fixed.csv")
    again = run_import(app, db, fixed)
    assert (again.created, again.invalid) == (2, 0)


def test_the_error_file_of_an_xlsx_list_is_an_xlsx_with_the_nik_column_as_text(app, db):
    result = run_import(app, db, XLSX_FILE, agency_code="DINSOS")
    download = batches.error_file(db.session.get(LeadBatch, result.batch_id))
    assert download.filename == "leads_dinsos - perlu diperbaiki.xlsx"
    sheet = load_workbook(io.BytesIO(download.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Row" and rows[0][-1] == "Reason" and rows[0][3] == "NIK KTP"
    assert [(row[0], row[2]) for row in rows[1:]] == [(4, "Rukmini"), (7, "Endang Wahyuni")]
    assert sheet["D2"].number_format == "@"


@pytest.mark.parametrize("suffix", [".xls", ".ods"])
def test_the_error_file_of_an_old_excel_or_libreoffice_workbook_is_an_xlsx(app, db, suffix):
    result = run_import(app, db, XLSX_FILE.with_suffix(suffix), agency_code="DINSOS")
    download = batches.error_file(db.session.get(LeadBatch, result.batch_id))
    assert download.filename == "leads_dinsos - perlu diperbaiki.xlsx"
    rows = list(load_workbook(io.BytesIO(download.content)).active.iter_rows(values_only=True))
    assert [(row[0], row[2]) for row in rows[1:]] == [(4, "Rukmini"), (7, "Endang Wahyuni")]


def test_withdrawing_removes_the_untouched_leads_and_keeps_the_visited_ones(app, db, tmp_path):
    run_import(app, db, CSV_FILE)
    result = run_import(app, db, write_csv(tmp_path, [["Nama", "NIK"], ["Rukmini", "3512064507850003"],
                                                      ["Yusuf", "3512080909790006"], ["Halimah", "3512084808800005"]]),
                        agency_code="DINSOS")
    officer = make_user(Role.OFFICER)
    yusuf = prospects(db)["Yusuf"]
    db.session.add(Visit(branch_id=yusuf.branch_id, prospect_id=yusuf.id, officer_id=officer.id,
                         visited_at=datetime.now(UTC), outcome=Outcome.NOT_AT_HOME))
    db.session.commit()
    assert count(db, ProspectListing) == 1  # Rukmini's NIK is Siti's: a note on Siti

    batch = db.session.get(LeadBatch, result.batch_id)
    outcome = batches.withdraw(batch, officer)
    db.session.commit()
    assert (outcome.removed, outcome.kept) == (1, 1)
    assert "Halimah" not in prospects(db) and "Yusuf" in prospects(db)
    assert batch.status is BatchStatus.WITHDRAWN and batch.removed_count == 1
    assert count(db, ProspectListing) == 0
    with pytest.raises(DomainError):
        batches.withdraw(batch, officer)


def test_too_many_rows_is_refused_before_anything_is_saved(app, db):
    with pytest.raises(TooManyRows, match="more than 5 rows"):
        run_import(app, db, CSV_FILE, limits=ImportLimits(max_rows=5))
    db.session.rollback()
    assert count(db, Prospect) == 0


def test_an_import_leaves_the_interpreter_of_the_process_it_runs_in_as_it_was(app, db, monkeypatch):
    # A web worker serves other people's requests while an import runs: their threads and memory must not
    # change with it (only `sasar import-leads`, a process of its own, tunes the interpreter).
    seen = []
    real_run = importer._Run.run

    def run_and_look(self, chunks):
        seen.append((gc.isenabled(), sys.getswitchinterval()))
        return real_run(self, chunks)

    monkeypatch.setattr(importer._Run, "run", run_and_look)
    usual = (gc.isenabled(), sys.getswitchinterval())
    run_import(app, db, CSV_FILE)
    assert seen == [usual]


def test_the_tuned_interpreter_is_given_back_even_when_the_import_fails(app, db):
    usual = (gc.isenabled(), sys.getswitchinterval())
    with pytest.raises(TooManyRows), importer.interpreter_tuned_for_import():
        assert not gc.isenabled() and sys.getswitchinterval() < usual[1]
        run_import(app, db, CSV_FILE, limits=ImportLimits(max_rows=5))
    assert (gc.isenabled(), sys.getswitchinterval()) == usual


def test_a_file_over_the_size_cap_is_refused_with_the_size(app, db, tmp_path):
    with pytest.raises(FileTooLarge, match="larger than 1 MB"):
        run_import(app, db, CSV_FILE, limits=ImportLimits(max_bytes=1024 * 1024 // 2048))
    with pytest.raises(FileTooLarge):
        store_path(CSV_FILE, tmp_path, max_bytes=100)


def test_a_file_that_is_not_a_spreadsheet_is_answered_with_why(app, db, tmp_path):
    broken_excel = tmp_path / "list.xls"
    broken_excel.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)
    with pytest.raises(Unreadable, match="damaged or password-protected"):
        run_import(app, db, broken_excel)
    pdf = tmp_path / "list.pdf"
    pdf.write_bytes(b"%PDF-1.4\n" + b"\x00" * 100)
    with pytest.raises(Unreadable, match=r"not a spreadsheet.*\.xls, \.ods"):
        run_import(app, db, pdf)


def test_a_list_without_a_name_column_says_which_columns_it_has(app, db, tmp_path):
    with pytest.raises(MappingIncomplete, match="name"):
        run_import(app, db, write_csv(tmp_path, [["NIK", "No HP"], ["3512064507850003", "0812"]]))


def test_a_preview_saves_no_prospect_and_the_commit_does(app, db):
    stored = store_path(CSV_FILE, uploads_dir(app.instance_path), 10**7)
    batch = intake.start_preview(stored, submission=submission("DISNAKKAN", BatchSource.UPLOAD),
                                 limits=ImportLimits(), uploads=uploads_dir(app.instance_path))
    db.session.commit()
    assert batch.status is BatchStatus.PREVIEW and (batch.created_count, batch.invalid_count) == (6, 7)
    assert count(db, Prospect) == 0 and count(db, LeadRow) == 9
    intake.commit_batch(batch, limits=ImportLimits(), uploads=uploads_dir(app.instance_path))
    db.session.commit()
    assert batch.status is BatchStatus.COMMITTED and count(db, Prospect) == 6 and count(db, LeadRow) == 9


def test_a_corrected_mapping_is_remembered_for_the_agencys_next_list_only(app, db, tmp_path):
    path = write_csv(tmp_path, [["Nama Nelayan", "Kartu", "Kontak"], ["Busiri", "3512064102900004", "0857 1111 2222"]])
    uploads = uploads_dir(app.instance_path)
    batch = intake.start_preview(store_path(path, uploads, 10**6), submission=submission("DISNAKKAN"),
                                 limits=ImportLimits(), uploads=uploads)
    assert batch.column_mapping == ["name", None, "phone"]
    intake.refresh_preview(batch, limits=ImportLimits(), uploads=uploads, remember=True,
                           mapping=[LeadField.NAME, LeadField.NIK, LeadField.PHONE])
    db.session.commit()
    second = write_csv(tmp_path, [["Kartu", "Nama Nelayan"], ["3512061203780001", "Jamal"]], name="second.csv")
    assert run_import(app, db, second, dry_run=True).created == 1
    with pytest.raises(MappingIncomplete):
        run_import(app, db, second, agency_code="DINSOS", dry_run=True)


def test_imports_and_withdrawals_are_in_the_audit_trail(app, db):
    result = run_import(app, db, CSV_FILE)
    officer = make_user(Role.MANAGER)
    batches.withdraw(db.session.get(LeadBatch, result.batch_id), officer)
    db.session.commit()
    events = {(event.action, event.entity, event.entity_id) for event in db.session.scalars(select(AuditEvent))}
    assert {("import", "lead_batch", str(result.batch_id)), ("withdraw", "lead_batch", str(result.batch_id))} <= events


CENTROIDS = Path(__file__).resolve().parents[3] / "shared" / "data" / "situbondo_desa_centroids.csv"


@pytest.mark.skipif(not CENTROIDS.exists(), reason=f"no {CENTROIDS} beside the repository")
def test_the_tolerant_matcher_places_every_desa_of_the_published_centroids(db):
    # The file spells two desa differently from areaid (Kedunglo/Kedonglo, Curah Cottok/Corak Cotok).
    result = reference.load_desa_centroids(CENTROIDS)
    assert (result.updated, result.unmatched) == (136, [])



def test_imported_leads_carry_their_lawful_basis_and_the_collecting_agency(app, db):
    from crm.models import ConsentBasis

    run_import(app, db, CSV_FILE)
    saved = prospects(db)
    assert saved and all(p.consent_basis is ConsentBasis.PUBLIC_TASK for p in saved.values())
    assert {p.consent_agency.code for p in saved.values()} == {"DISNAKKAN"}
    assert all(p.consent_date is not None for p in saved.values())


def test_stray_control_characters_in_a_list_are_dropped_not_fatal(app, db, tmp_path):
    path = write_csv(tmp_path, [["Nama", "No HP", "Alamat", "Pekerjaan"],
                                ["Siti\x07 Aminah", "0812-3456-7890", "Dusun\x07 Krajan", "Nelayan\x1f"]])
    result = run_import(app, db, path)
    assert result.created == 1
    siti = next(iter(prospects(db).values()))
    assert (siti.name, siti.address, siti.occupation) == ("Siti Aminah", "Dusun Krajan", "Nelayan")
