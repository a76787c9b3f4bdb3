"""Reconciling with the core system's participant export, from the command line and the upload page."""

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from crm.i18n import local_today
from crm.models import AuditEvent, ParticipantStatus, Prospect, Registration, RegistrationOrigin, Role, Stage
from crm.registrations import registering
from crm.registrations.registering import RegistrationDetails
from tests.factories import make_prospect, make_user, sign_in

DATA = Path(__file__).parent.parent / "data"
EXPORTS = [DATA / "core_export.csv", DATA / "core_export.xlsx"]
STATUS_DATE = "2024-06-28"  # the day the export in tests/data was taken, as its uploader states
FIRST_RUN = {"rows": 8, "matched": 4, "converted": 1, "status_changed": 2, "unmatched": 1, "invalid": 3}
SECOND_RUN = {**FIRST_RUN, "converted": 0, "status_changed": 0}


@pytest.fixture
def branch_people(db):
    """Sasar's side of the export in tests/data: one prospect waiting, three participants."""
    hendra = make_user(Role.OFFICER, "hendra", name="Hendra Wijaya", kecamatan=("Panarukan", "Mangaran"))
    siti = make_prospect("Siti Aminah", "Kilensari", officer=hendra, stage=Stage.INTERESTED, nik="3512064507850003")
    people = {"hendra": hendra, "siti": siti}
    for key, name, desa, kecamatan, nik, number, day in (
            ("ahmad", "Ahmad Hidayat", "Peleyan", "Panarukan", "3512060101800001", "24010000002", date(2024, 1, 12)),
            ("sri", "Sri Wahyuni", "Tanjung Kamal", "Mangaran", "3512091203900002", "24010000003", date(2024, 2, 19)),
            ("rohmah", "Rohmah Fauziah", "Semiring", "Mangaran", "3512095505920004", "24010000004",
             date(2024, 4, 3))):
        prospect = make_prospect(name, desa, kecamatan=kecamatan, officer=hendra, stage=Stage.INTERESTED, nik=nik)
        people[key] = registering.register(prospect, RegistrationDetails(kpj=number, registered_on=day,
                                                                         declared_income=1_000_000),
                                           actor=None, today=local_today())
    registering.set_status(people["rohmah"], ParticipantStatus.LAPSED, date(2024, 9, 1))
    db.session.commit()
    return people


def _last_json(output: str) -> dict:
    last = output.strip().splitlines()[-1]
    return json.loads(last)


def _state(db) -> list[tuple]:
    db.session.expire_all()
    registrations = db.session.scalars(select(Registration).order_by(Registration.id)).all()
    stages = db.session.execute(select(Prospect.id, Prospect.stage).order_by(Prospect.id)).all()
    return [(r.id, r.prospect_id, r.kpj, r.registered_on, r.status, r.status_changed_on) for r in registrations] \
        + [tuple(row) for row in stages]


@pytest.mark.parametrize("export", EXPORTS, ids=["csv", "xlsx"])
def test_reconcile_matches_converts_updates_and_lists_the_rest(runner, db, branch_people, export):
    result = runner.invoke(args=["sasar", "reconcile", str(export), "--status-date", STATUS_DATE])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == json.dumps(FIRST_RUN)
    assert list(_last_json(result.output)) == ["rows", "matched", "converted", "status_changed", "unmatched",
                                               "invalid"]
    db.session.expire_all()

    converted = db.session.scalar(select(Registration).where(Registration.prospect_id == branch_people["siti"].id))
    assert converted.kpj == "04012345678"  # the leading zero survives, even from a numeric XLSX cell
    assert converted.registered_on == date(2024, 3, 5)
    assert converted.origin is RegistrationOrigin.CORE_SYSTEM
    assert converted.officer_id == branch_people["hendra"].id and converted.source_agency.code == "DISNAKKAN"
    assert converted.declared_income is None and converted.monthly_contribution is None
    assert db.session.get(Prospect, branch_people["siti"].id).stage is Stage.REGISTERED

    ahmad = db.session.get(Registration, branch_people["ahmad"].id)
    assert ahmad.status is ParticipantStatus.LAPSED and ahmad.status_changed_on == date(2024, 6, 28)
    assert db.session.get(Registration, branch_people["rohmah"].id).status is ParticipantStatus.ACTIVE
    assert db.session.get(Registration, branch_people["sri"].id).registered_on == date(2024, 2, 20)  # corrected

    output = result.output
    assert "unmatched: row 6 KPJ 24010000005 Slamet Santoso (NIK 3512********0006)" in output
    assert "3512061708750006" not in output  # NIKs are masked
    invalid = {int(line.split()[2]): line for line in output.splitlines() if line.strip().startswith("invalid:")}
    assert sorted(invalid) == [7, 8, 9]
    assert "NIK" in invalid[7]
    assert "11 digits" in invalid[8] and "31/02/2024" in invalid[8] and "KELUAR" in invalid[8]
    assert "row 3" in invalid[9]


@pytest.mark.parametrize("export", EXPORTS, ids=["csv", "xlsx"])
def test_reconciling_the_same_file_again_changes_nothing(runner, db, branch_people, export):
    command = ["sasar", "reconcile", str(export), "--status-date", STATUS_DATE]
    assert _last_json(runner.invoke(args=command).output) == FIRST_RUN
    before, audit_before = _state(db), db.session.query(AuditEvent).count()
    again = runner.invoke(args=command)
    assert again.exit_code == 0, again.output
    assert _last_json(again.output) == SECOND_RUN
    assert _state(db) == before
    assert db.session.query(AuditEvent).count() == audit_before


def test_a_lapse_is_dated_from_the_status_date_column_else_from_the_stated_day_never_today(runner, db,
                                                                                           branch_people, tmp_path):
    undated = runner.invoke(args=["sasar", "reconcile", str(EXPORTS[0])])
    assert undated.exit_code == 1 and "status-date column" in undated.output
    assert db.session.get(Registration, branch_people["ahmad"].id).status is ParticipantStatus.ACTIVE  # unchanged
    future = runner.invoke(args=["sasar", "reconcile", str(EXPORTS[0]), "--status-date", "2999-01-01"])
    assert future.exit_code == 1 and "future" in future.output

    dated = tmp_path / "peserta.csv"
    dated.write_text("NIK;No KPJ;Nama;Tgl Kepesertaan;Status Kepesertaan;Tgl Nonaktif\n"
                     "3512060101800001;24010000002;Ahmad Hidayat;12/01/2024;NON AKTIF;15/11/2024\n"
                     "3512091203900002;24010000003;Sri Wahyuni;19/02/2024;NON AKTIF;\n")
    result = runner.invoke(args=["sasar", "reconcile", str(dated), "--status-date", STATUS_DATE])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(Registration, branch_people["ahmad"].id).status_changed_on == date(2024, 11, 15)
    assert db.session.get(Registration, branch_people["sri"].id).status_changed_on == date(2024, 6, 28)


def test_a_file_without_the_needed_columns_is_refused(runner, db, tmp_path):
    wrong = tmp_path / "peserta.csv"
    wrong.write_text("NIK,Nama\n3512064507850003,Siti Aminah\n")
    result = runner.invoke(args=["sasar", "reconcile", str(wrong)])
    assert result.exit_code == 1
    assert "no column for" in result.output and "kpj" in result.output


def test_managers_upload_the_export_and_see_every_row_placed(client, db, branch_people, tmp_path):
    sign_in(client, make_user(Role.MANAGER, "yuli", name="Yuli Astutik"))
    assert client.get("/reconciliation").status_code == 200
    upload = tmp_path / "peserta minggu ini.xlsx"
    shutil.copy(EXPORTS[1], upload)
    with upload.open("rb") as handle:
        undated = client.post("/reconciliation", data={"file": (handle, upload.name)},
                              content_type="multipart/form-data")
    assert undated.status_code == 200 and "tidak ada kolom tanggal status" in undated.get_data(as_text=True)
    with upload.open("rb") as handle:
        response = client.post("/reconciliation", data={"file": (handle, upload.name), "statuses_on": STATUS_DATE},
                               content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)
    assert db.session.get(Registration, branch_people["ahmad"].id).status_changed_on == date(2024, 6, 28)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    unmatched = page.split("data-unmatched")[1].split("</table>")[0]
    assert "24010000005" in unmatched and "Slamet Santoso" in unmatched and "3512********0006" in unmatched
    invalid = page.split("data-invalid")[1].split("</table>")[0]
    assert invalid.count("<tr>") == 4  # header + rows 7, 8, 9
    assert "3512061708750006" not in page
    listing = client.get("/reconciliation").get_data(as_text=True)
    assert "peserta minggu ini.xlsx" in listing


def test_the_upload_refuses_other_files_and_officers(client, db, branch_people, tmp_path):
    officer = client.application.test_client()
    sign_in(officer, branch_people["hendra"])
    assert officer.get("/reconciliation").status_code == 403
    sign_in(client, make_user(Role.MANAGER, "yuli"))
    bad = tmp_path / "peserta.pdf"
    bad.write_bytes(b"%PDF-1.4")
    with bad.open("rb") as handle:
        response = client.post("/reconciliation", data={"file": (handle, bad.name)},
                               content_type="multipart/form-data")
    assert response.status_code == 200 and 'class="error"' in response.get_data(as_text=True)
