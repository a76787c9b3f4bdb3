"""The demo lives in the present: installed on any day, every period of the dashboard has figures and the
year's target is set."""

import io
import re
from datetime import date, datetime, time

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from crm import demo, i18n
from crm.models import LeadBatch, ParticipantStatus, Prospect, Registration, Target, Visit
from tests.web.test_dashboard import Page

# The first minutes of a year, a day in March, a month's last evening, the last day of a year.
DAYS = (datetime(2027, 1, 1, 0, 30), datetime(2026, 3, 15, 10, 0), datetime(2026, 4, 30, 22, 0),
        datetime(2026, 12, 31, 23, 0))


def freeze_branch_clock(monkeypatch, moment: datetime) -> None:
    """Every "now" Sasar reads for a date goes through crm.i18n.local_now: its clock stops at `moment` (WIB)."""

    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return moment.replace(tzinfo=i18n.local_timezone()).astimezone(tz)

    monkeypatch.setattr(i18n, "datetime", Frozen)


@pytest.fixture(params=DAYS, ids=lambda d: d.strftime("%Y-%m-%d_%H%M"))
def installed_on(request, app, db, monkeypatch):
    moment = request.param
    freeze_branch_clock(monkeypatch, moment)
    result = demo.seed_demo(prospect_count=400, seed=11)
    db.session.commit()
    return moment.date(), result


def _figures(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, url
    page = Page(response.get_data(as_text=True))
    funnel = page.table("funnel")
    outcomes = page.table("outcomes")
    return {
        "leads": int(page.one("data-total")["text"].replace(".", "")),
        "registered": int(funnel["registered"]["count"]["value"]),
        "visits": sum(int(row["visits"]["value"]) for row in outcomes.values()),
        "target_set": bool(page.marked("data-progress")),
    }


def test_every_period_of_the_dashboard_has_figures_on_the_day_of_installing(app, db, installed_on):
    today, result = installed_on
    login = next(item for item in result.logins if item.login == "yuli")
    client = app.test_client()
    assert client.post("/login", data={"login": login.login, "password": login.password}).status_code == 302
    month = f"from={today.replace(day=1)}&to={today}"
    year = f"from={date(today.year, 1, 1)}&to={date(today.year, 12, 31)}"
    for name, url in (("default", "/dashboard"), ("this month", f"/dashboard?{month}"),
                      ("this year", f"/dashboard?{year}")):
        figures = _figures(client, url)
        assert figures["leads"] > 0 and figures["registered"] > 0 and figures["visits"] > 0, (name, figures)
        assert figures["target_set"], name

    target = db.session.scalar(select(Target).where(Target.year == today.year))
    last_year = db.session.scalar(select(Target).where(Target.year == today.year - 1))
    assert target is not None and last_year is not None and target.participants > target.baseline
    assert db.session.scalar(select(func.count()).where(Visit.flagged.is_(True))) > 0
    assert db.session.scalar(select(func.count()).where(Registration.status == ParticipantStatus.LAPSED)) > 0


def test_nothing_in_the_demo_happens_after_today(app, db, installed_on):
    today, _result = installed_on
    tz = i18n.local_timezone()
    end = datetime.combine(today, time.max, tzinfo=tz)
    assert db.session.scalar(select(func.max(Prospect.created_at))).astimezone(tz) <= end
    assert db.session.scalar(select(func.max(Visit.visited_at))).astimezone(tz) <= end
    assert db.session.scalar(select(func.max(Registration.registered_on))) <= today
    assert db.session.scalar(select(func.max(Registration.status_changed_on))) <= today
    first_month = db.session.scalar(select(func.min(Prospect.created_at))).astimezone(tz).date()
    assert (today.year - first_month.year) * 12 + today.month - first_month.month == demo.MONTHS_SHOWN - 1


def test_demo_lead_lists_count_their_rows(app, db, installed_on):
    for batch in db.session.scalars(select(LeadBatch)):
        listed = db.session.scalar(select(func.count()).where(Prospect.lead_batch_id == batch.id))
        assert batch.rows_total == batch.created_count == listed


def test_the_xlsx_export_carries_the_headline_target_figure(app, db, monkeypatch):
    freeze_branch_clock(monkeypatch, DAYS[1])
    result = demo.seed_demo(prospect_count=200, seed=3)
    db.session.commit()
    login = next(item for item in result.logins if item.login == "yuli")
    client = app.test_client()
    client.post("/login", data={"login": login.login, "password": login.password})
    target = db.session.scalar(select(Target).where(Target.year == 2026))
    for name in ("agency", "all"):
        book = load_workbook(io.BytesIO(client.get(f"/dashboard/export/{name}.xlsx").data))
        about = {row[0]: row[1] for row in book.worksheets[-1].iter_rows(values_only=True)}
        headline = about["Peserta aktif terhadap target 2026"]
        assert re.match(r"[\d.]+ / 24\.000 \(\d+,\d%\) · Dihitung sampai 15 Maret 2026", headline), headline
        assert target.participants == 24_000
