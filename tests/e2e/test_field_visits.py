"""Pak Hendra logs visits on his phone: with signal, and at the harbour without."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from crm.i18n import local_today
from crm.models import Role, Stage, Visit
from tests.e2e.conftest import FIELD_POSITION, screenshot
from tests.e2e.steps import sign_in
from tests.factories import PASSWORD, make_prospect, make_user

pytestmark = pytest.mark.e2e


def _visits(db) -> list[Visit]:
    db.session.rollback()  # see what the server committed since
    return db.session.scalars(select(Visit).order_by(Visit.id)).all()


def _officer_with_prospects(db):
    officer = make_user(Role.OFFICER, "hendra", name="Hendra Wijaya", kecamatan=("Panarukan", "Mangaran"))
    first = make_prospect("Siti Aminah", "Kilensari", officer=officer,
                          latitude=FIELD_POSITION["latitude"], longitude=FIELD_POSITION["longitude"])
    second = make_prospect("Pak Jamaluddin", "Tanjung Kamal", officer=officer, stage=Stage.CONTACTED,
                           next_follow_up=local_today())
    return officer, first, second


def _log_visit(page, outcome: str, notes: str) -> None:
    page.locator(f"input[name=outcome][value={outcome}]").check()
    page.locator("#notes").fill(notes)
    page.locator("form[data-visit-form] button[type=submit]").click()


def test_officer_logs_a_visit_with_the_phones_position(field_phone_page, db):
    page = field_phone_page
    officer, prospect, _ = _officer_with_prospects(db)
    sign_in(page, officer.login, PASSWORD)
    expect(page).to_have_url(re.compile(r"/today$"))
    page.locator(".pcard", has_text="Siti Aminah").locator(".pcard-action").click()
    expect(page.locator("#accuracy_m")).to_have_value("15")
    expect(page.locator("#latitude")).to_have_value(f"{FIELD_POSITION['latitude']:.6f}")
    _log_visit(page, "interested", "Mau ikut JKK dan JKM")
    expect(page).to_have_url(re.compile(rf"/prospects/{prospect.id}\?saved="))
    expect(page.locator(".timeline")).to_contain_text("Mau ikut JKK dan JKM")
    screenshot(page, f"visit-logged-phone-{db.engine.dialect.name}")

    visits = _visits(db)
    assert len(visits) == 1
    assert visits[0].accuracy_m == 15 and not visits[0].flagged and visits[0].position_source.value == "gps"


def test_a_visit_logged_offline_waits_on_the_phone_and_reaches_the_server(field_phone_page, db):
    page = field_phone_page
    officer, _, offline_prospect = _officer_with_prospects(db)
    sign_in(page, officer.login, PASSWORD)
    expect(page).to_have_url(re.compile(r"/today$"))
    expect(page.locator("footer [data-offline-badge]")).to_be_visible()  # the phone has saved today's pages

    page.context.set_offline(True)
    page.locator(".pcard", has_text="Pak Jamaluddin").locator(".pcard-action").click()
    expect(page.locator("[data-prospect-name]")).to_have_text("Pak Jamaluddin")
    _log_visit(page, "not_at_home", "Sedang melaut, kembali Kamis")
    outbox = page.locator("[data-outbox]")
    expect(outbox).to_be_visible()
    expect(outbox).to_contain_text("1")
    screenshot(page, f"visit-waiting-offline-{db.engine.dialect.name}")
    assert _visits(db) == []

    page.context.set_offline(False)
    expect(outbox).to_be_hidden()
    visits = _visits(db)
    assert len(visits) == 1
    assert visits[0].prospect_id == offline_prospect.id and visits[0].notes == "Sedang melaut, kembali Kamis"
    assert db.session.scalar(select(func.count()).select_from(Visit)) == 1
