"""`flask sasar import-leads`: a JSON summary as the last line; a one-line reason when it cannot read."""

import gc
import json

from sqlalchemy import func, select

from crm.leads import importer
from crm.models import LeadBatch, Prospect
from tests.data import DATA


def last_json(output: str) -> dict:
    return json.loads(output.strip().splitlines()[-1])


def test_import_prints_the_problem_rows_then_the_summary(runner, db):
    result = runner.invoke(args=["sasar", "import-leads", str(DATA / "leads_disnakkan.csv"), "--agency", "disnakkan"])
    assert result.exit_code == 0, result.output
    summary = last_json(result.output)
    batch = db.session.scalar(select(LeadBatch))
    assert summary == {"batch": batch.id, "rows": 14, "created": 6, "duplicates": 1, "possible_duplicates": 1,
                       "invalid": 7}
    assert "row 7: No KTP — A NIK is 16 digits; this one has 15." in result.output
    assert "row 10: duplicate of row 4 (same NIK)" in result.output
    assert db.session.scalar(select(func.count()).select_from(Prospect)) == 6


def test_a_dry_run_reports_null_batch_and_saves_nothing(runner, db):
    result = runner.invoke(args=["sasar", "import-leads", str(DATA / "leads_dinsos.xlsx"), "--agency", "DINSOS",
                                 "--dry-run"])
    assert result.exit_code == 0, result.output
    assert last_json(result.output) == {"batch": None, "rows": 4, "created": 2, "duplicates": 0,
                                        "possible_duplicates": 0, "invalid": 2}
    assert db.session.scalar(select(func.count()).select_from(Prospect)) == 0


def test_importing_twice_creates_nothing_the_second_time(runner, db):
    args = ["sasar", "import-leads", str(DATA / "leads_disnakkan.csv"), "--agency", "DISNAKKAN"]
    runner.invoke(args=args)
    again = last_json(runner.invoke(args=args).output)
    assert (again["created"], again["duplicates"], again["invalid"]) == (0, 7, 7)


def test_an_unknown_agency_or_an_unreadable_file_fails_with_one_line(runner, db, tmp_path):
    unknown = runner.invoke(args=["sasar", "import-leads", str(DATA / "leads_disnakkan.csv"), "--agency", "BPBD"])
    assert unknown.exit_code != 0 and unknown.output.strip() == "Error: unknown agency BPBD."
    missing = runner.invoke(args=["sasar", "import-leads", str(tmp_path / "nope.csv"), "--agency", "DPMD"])
    assert missing.exit_code != 0 and len(missing.output.strip().splitlines()) == 1
    broken = tmp_path / "list.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    result = runner.invoke(args=["sasar", "import-leads", str(broken), "--agency", "DPMD"])
    assert result.exit_code != 0
    assert result.output.strip().splitlines() == ["Error: cannot import list.xlsx: The workbook is damaged or "
                                                  "incomplete; save it again and upload the new copy."]
    assert "Traceback" not in result.output
    assert db.session.scalar(select(func.count()).select_from(LeadBatch)) == 0


def test_the_command_a_process_of_its_own_tunes_the_interpreter_for_the_import(runner, db, monkeypatch):
    seen = []
    real_run = importer._Run.run

    def run_and_look(self, chunks):
        seen.append(gc.isenabled())
        return real_run(self, chunks)

    monkeypatch.setattr(importer._Run, "run", run_and_look)
    result = runner.invoke(args=["sasar", "import-leads", str(DATA / "leads_disnakkan.csv"), "--agency", "DISNAKKAN"])
    assert result.exit_code == 0, result.output
    assert seen == [False] and gc.isenabled()
