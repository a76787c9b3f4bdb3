"""The branch target: set from the command line or the admin page, followed on the progress page and home."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from crm import reference
from crm.config import Defaults
from crm.models import ParticipantStatus, Registration, Role, Stage, Target
from crm.registrations import registering, targets
from crm.registrations.registering import RegistrationDetails
from tests.factories import make_prospect, make_user, sign_in

TODAY = datetime.now(ZoneInfo(Defaults.BABEL_DEFAULT_TIMEZONE)).date()  # the branch's today, as the pages take it


def _register(name: str, desa: str, number: str, day: date, officer=None, kecamatan=None) -> Registration:
    prospect = make_prospect(name, desa, kecamatan=kecamatan, officer=officer, stage=Stage.INTERESTED)
    return registering.register(prospect, RegistrationDetails(kpj=number, registered_on=day,
                                                              declared_income=1_000_000), actor=None, today=TODAY)


def test_set_target_from_the_command_line_and_again(runner, db):
    result = runner.invoke(args=["sasar", "set-target", "--branch", "SBO", "--year", "2024", "--participants",
                                 "23000", "--baseline", "20797"])
    assert result.exit_code == 0, result.output
    assert "SBO 2024" in result.output and "23000" in result.output
    again = runner.invoke(args=["sasar", "set-target", "--branch", "SBO", "--year", "2024", "--participants",
                                "23500", "--baseline", "20797"])
    assert again.exit_code == 0, again.output
    rows = db.session.scalars(select(Target)).all()
    assert [(t.year, t.participants, t.baseline) for t in rows] == [(2024, 23500, 20797)]


@pytest.mark.parametrize(("args", "message"), [
    (["--branch", "XYZ", "--year", "2024", "--participants", "23000", "--baseline", "20797"], "unknown branch"),
    (["--year", "1999", "--participants", "23000", "--baseline", "20797"], "year"),
    (["--year", "2024", "--participants", "0", "--baseline", "20797"], "positive"),
])
def test_set_target_refuses_what_makes_no_sense(runner, db, args, message):
    result = runner.invoke(args=["sasar", "set-target", *args])
    assert result.exit_code == 1 and message in result.output
    assert db.session.scalar(select(Target)) is None


def test_progress_counts_registrations_and_lapses_of_the_year(db):
    branch = reference.branch_by_code("SBO")
    targets.set_target(branch, 2024, 23_000, 20_797)
    _register("Siti Aminah", "Kilensari", "24010000001", date(2024, 1, 15))
    _register("Ahmad Hidayat", "Duwet", "24010000002", date(2024, 3, 2))
    lapsed = _register("Sri Wahyuni", "Gelung", "24010000003", date(2024, 3, 20))
    _register("Hasan Rahman", "Paowan", "23120000004", date(2023, 12, 30))  # last year's
    registering.set_status(lapsed, ParticipantStatus.LAPSED, date(2024, 6, 1))
    db.session.commit()
    progress = targets.branch_progress(branch.id, 2024, TODAY)
    assert (progress.registered, progress.lapsed, progress.active_now) == (3, 1, 20_799)
    assert progress.as_of == date(2024, 12, 31) and progress.run_rate == pytest.approx(2 / 12)
    months = targets.monthly_figures(db.session.scalar(select(Target)), TODAY)
    assert [(m.month, m.registered, m.lapsed) for m in months if m.registered or m.lapsed] == \
        [(1, 1, 0), (3, 2, 0), (6, 0, 1)]
    assert targets.branch_progress(branch.id, 2023, TODAY) is None


def test_admin_sets_the_target_and_splits_on_the_page(client, db):
    admin = make_user(Role.ADMIN, "dimas")
    officer = make_user(Role.OFFICER, "hendra", name="Hendra Wijaya", kecamatan=("Panarukan",))
    sign_in(client, admin)
    assert client.get("/targets/settings?year=2024").status_code == 200
    response = client.post("/targets/settings?year=2024", data={
        "target-year": "2024", "target-participants": "23.000", "target-baseline": "20797"})
    assert response.status_code == 302
    target = db.session.scalar(select(Target))
    assert (target.year, target.participants, target.baseline) == (2024, 23_000, 20_797)

    panarukan = reference.kecamatan_by_name(target.branch, "Panarukan")
    for data in ({"split-kecamatan": str(panarukan.id), "split-registrations": "300"},
                 {"split-officer": str(officer.id), "split-registrations": "250"},
                 {"split-month": "3", "split-registrations": "200"},
                 {"split-month": "3", "split-registrations": "180"}):  # the same split again replaces it
        assert client.post("/targets/2024/splits", data=data).status_code == 302
    db.session.expire_all()
    splits = db.session.scalar(select(Target)).splits
    assert {(s.kecamatan_id, s.officer_id, s.registrations) for s in splits if s.month is None} == \
        {(panarukan.id, None, 300), (None, officer.id, 250)}
    assert [(s.month, s.registrations) for s in splits if s.month] == [(3, 180)]

    _register("Siti Aminah", "Kilensari", "24010000001", date(2024, 3, 5), officer=officer)
    db.session.commit()
    page = client.get("/targets?year=2024").get_data(as_text=True)
    assert "20.798" in page and "23.000" in page
    split_rows = page.split("data-splits")[1]
    assert "Panarukan" in split_rows and "Hendra Wijaya" in split_rows

    empty = client.post("/targets/2024/splits", data={"split-registrations": "5"})
    assert empty.status_code == 302
    assert len(db.session.scalar(select(Target)).splits) == 3
    split_id = splits[0].id
    assert client.post(f"/targets/2024/splits/{split_id}/delete").status_code == 302
    db.session.expire_all()
    assert len(db.session.scalar(select(Target)).splits) == 2


@pytest.mark.parametrize("role", [Role.OFFICER, Role.LIAISON, Role.MANAGER])
def test_only_admins_change_targets(client, db, role):
    sign_in(client, make_user(role, agency_code="DINSOS" if role is Role.LIAISON else None))
    assert client.get("/targets/settings").status_code == 403
    assert client.post("/targets/settings", data={"target-year": "2024", "target-participants": "1",
                                                  "target-baseline": "1"}).status_code == 403
    expected = 200 if role is Role.MANAGER else 403
    assert client.get("/targets").status_code == expected


def test_the_home_page_shows_run_rate_projection_and_need(client, db):
    branch = reference.branch_by_code("SBO")
    targets.set_target(branch, TODAY.year, 23_000, 20_797)
    _register("Siti Aminah", "Kilensari", "24010000001", date(TODAY.year, 1, 1))
    db.session.commit()
    sign_in(client, make_user(Role.MANAGER, "yuli", name="Yuli Astutik"))
    html = client.get("/").get_data(as_text=True)
    progress = targets.branch_progress(branch.id, TODAY.year, TODAY)
    assert "20.798" in html and "23.000" in html
    assert "data-run-rate" in html and "data-projection" in html and "data-needed" in html
    assert f"<dd data-needed>{progress.needed_per_month:,}".replace(",", ".") in html
    assert f"{progress.projection:,}".replace(",", ".") in html
