"""Pak Hendra registers someone on the spot, on his phone, seeing the contribution before he saves."""

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from crm.models import Registration, Role, Stage
from tests.e2e.conftest import screenshot
from tests.e2e.steps import overflows_sideways, sign_in
from tests.factories import PASSWORD, make_prospect, make_user

pytestmark = pytest.mark.e2e


def test_officer_registers_a_prospect_and_sees_the_contribution_before_saving(phone_page, db):
    page = phone_page
    officer = make_user(Role.OFFICER, "hendra", name="Hendra Wijaya", kecamatan=("Panarukan", "Mangaran"))
    prospect = make_prospect("Siti Aminah", "Kilensari", officer=officer, stage=Stage.INTERESTED,
                             nik="3512064507850003")
    sign_in(page, officer.login, PASSWORD)
    expect(page).not_to_have_url(re.compile(r"/login"))

    page.goto(f"/prospects/{prospect.id}/register")
    expect(page.locator("h1")).to_contain_text("Siti Aminah")
    form = page.locator("#register-form")
    form.locator("#kpj").fill("2401 0000 002")
    form.locator("#registered_on").fill("2025-06-10")  # the general rates (no PP 50/2025 cut on that day)
    expect(form.locator("#jkk")).to_be_checked()
    expect(form.locator("#jkm")).to_be_checked()
    form.locator("#jht").check()
    form.locator("#declared_income").fill("1.000.000")
    form.locator("#payer").select_option("worker")
    expect(form.locator("[data-total]")).to_have_text("Rp36.800")  # before anything is saved
    expect(form.locator("[data-programme=jht]")).to_have_text("Rp20.000")
    assert not overflows_sideways(page), "the register page scrolls sideways on a 390px phone"
    screenshot(page, f"register-preview-phone-{db.engine.dialect.name}")
    db.session.rollback()
    assert db.session.scalar(select(Registration)) is None

    form.locator("#jht").uncheck()
    expect(form.locator("[data-total]")).to_have_text("Rp16.800")
    form.locator("#jht").check()
    expect(form.locator("[data-total]")).to_have_text("Rp36.800")
    form.locator("button[name=save]").click()

    expect(page).to_have_url(re.compile(r"/registrations/\d+$"))
    expect(page.locator("[data-stage]")).to_have_attribute("data-stage", "registered")
    expect(page.locator(".flash-success")).to_contain_text("24010000002")
    expect(page.locator("dd[data-contribution]")).to_have_text("Rp36.800")
    assert not overflows_sideways(page)
    screenshot(page, f"register-saved-phone-{db.engine.dialect.name}")
    db.session.rollback()
    registration = db.session.scalar(select(Registration))
    assert registration.kpj == "24010000002" and registration.officer_id == officer.id
