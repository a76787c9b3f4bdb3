"""The first journey: an admin signs in, tries both languages, creates a field officer who then signs in."""

import re

import pytest
from playwright.sync_api import expect

from crm.models import Role
from tests.e2e.conftest import screenshot
from tests.e2e.steps import overflows_sideways, sign_in, sign_out, switch_language
from tests.factories import PASSWORD, make_user

OFFICER_PASSWORD = "lapangan-panarukan-7"
HOME = re.compile(r"^http://127\.0\.0\.1:\d+/$")
OFFICER_HOME = re.compile(r"^http://127\.0\.0\.1:\d+/today$")


@pytest.mark.e2e
def test_admin_creates_an_officer_who_signs_in_with_the_new_password(page, phone_page, database_kind):
    make_user(Role.ADMIN, "ratna", name="Ratna Kusuma")
    html = page.locator("html")

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))
    expect(html).to_have_attribute("lang", "id")
    sign_in(page, "ratna", PASSWORD)
    expect(page).to_have_url(HOME)
    expect(page.locator("details.account summary")).to_have_text("Ratna Kusuma")
    expect(page.locator("h1")).to_contain_text("Ratna")

    switch_language(page, "en")
    expect(page).to_have_url(HOME)
    expect(page.locator("h1")).to_have_text("Good day, Ratna")
    expect(page.locator("header button[name=language][value=en]")).to_have_attribute("aria-pressed", "true")
    switch_language(page, "id")
    expect(page).to_have_url(HOME)
    expect(page.locator("header button[name=language][value=id]")).to_have_attribute("aria-pressed", "true")

    page.locator("details.navmore > summary").click()  # the admin's pages are under "Lainnya"
    page.locator("details.navmore a[href='/users']").click()
    expect(page).to_have_url(re.compile(r"/users$"))
    page.locator("main a[href='/users/new']").click()
    expect(page).to_have_url(re.compile(r"/users/new$"))
    form = page.locator("main form")
    form.locator("#name").fill("Bayu Pratama")
    form.locator("#email").fill("bayu@sasar.example")
    form.locator("#username").fill("bayu")
    form.locator("#role").select_option("officer")
    form.locator("#kecamatan").get_by_label("Panarukan", exact=True).check()
    form.locator("#password").fill(OFFICER_PASSWORD)
    form.locator("button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/users$"))
    expect(page.locator(".flash-success")).to_contain_text("Bayu Pratama")
    row = page.locator("table tbody tr", has_text="Bayu Pratama")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("bayu")
    expect(row).to_contain_text("bayu@sasar.example")
    expect(row).to_contain_text("Panarukan")
    screenshot(page, f"first-journey-users-{database_kind}")

    sign_out(page)
    sign_in(page, "bayu", OFFICER_PASSWORD)
    expect(page).to_have_url(OFFICER_HOME)  # an officer's day starts on Today
    expect(html).to_have_attribute("lang", "id")
    expect(page.locator("details.account summary")).to_have_text("Bayu Pratama")
    expect(page.locator("header a[href='/users']")).to_have_count(0)  # officers manage no accounts
    screenshot(page, f"first-journey-officer-home-{database_kind}")

    sign_in(phone_page, "bayu@sasar.example", OFFICER_PASSWORD)
    expect(phone_page).to_have_url(OFFICER_HOME)
    expect(phone_page.locator("details.account summary")).to_have_text("Bayu Pratama")
    assert not overflows_sideways(phone_page), "the home page scrolls sideways on a 390px phone"
    screenshot(phone_page, f"first-journey-officer-home-phone-{database_kind}")
    phone_page.locator("details.account summary").click()
    expect(phone_page.locator("details.account form button[type=submit]")).to_be_visible()
    assert not overflows_sideways(phone_page), "the open account menu pushes the page sideways on a phone"
    screenshot(phone_page, f"first-journey-officer-menu-phone-{database_kind}")
