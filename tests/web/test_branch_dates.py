"""Dates taken from "now" are the branch's (WIB) dates, not the server's UTC ones."""

from datetime import UTC, date, datetime

from sqlalchemy import select

from crm import reference
from crm.i18n import local_timezone
from crm.leads import importer, intake
from crm.leads.storage import uploads_dir
from crm.models import BatchSource, Prospect
from crm.privacy import retention

# 03.44 WIB on 5 March 2026 is still 4 March in UTC.
EARLY_MORNING_UTC = datetime(2026, 3, 4, 20, 44, tzinfo=UTC)


def test_a_list_uploaded_before_dawn_records_the_branch_day_as_its_consent_date(app, db, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "utcnow", lambda: EARLY_MORNING_UTC)
    path = tmp_path / "nelayan.csv"
    path.write_text("Nama;NIK;No HP;Desa;Kecamatan\nSiti Aminah;3512064507850003;081234567890;Kilensari;Panarukan\n")
    submission = intake.Submission(reference.branch_by_code("SBO").id, reference.agency_by_code("DISNAKKAN").id,
                                   None, BatchSource.CLI)
    intake.import_file(path, submission=submission, limits=importer.ImportLimits(),
                       uploads=uploads_dir(app.instance_path))
    db.session.commit()
    prospect = db.session.scalar(select(Prospect))
    assert prospect.consent_date == date(2026, 3, 5)


def test_purge_stale_names_the_branch_day_it_counted_from(runner, db, monkeypatch):
    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return EARLY_MORNING_UTC.astimezone(tz)

    monkeypatch.setattr(retention, "datetime", Clock)
    result = runner.invoke(args=["sasar", "purge-stale", "--months", "1"])
    cutoff = retention.cutoff_for(1, EARLY_MORNING_UTC).astimezone(local_timezone()).date()
    assert result.exit_code == 0 and f"since {cutoff:%Y-%m-%d}." in result.output
    assert cutoff != retention.cutoff_for(1, EARLY_MORNING_UTC).date()  # 03.44 WIB: UTC is a day behind
