"""A worker signs up for an outreach event on a cheap phone: 320 and 360 px wide, JavaScript off."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from crm.events.consent import PURPOSE_VERSION
from crm.models import ConsentBasis, Prospect, Role
from tests.e2e.conftest import _open_page as open_page
from tests.e2e.conftest import screenshot
from tests.e2e.steps import overflows_sideways, sign_in
from tests.factories import PASSWORD, make_event, make_user

PAGE_BUDGET = 30 * 1024  # the page and its stylesheet, on a weak signal


@pytest.fixture(params=[320, 360], ids=["320px", "360px"])
def small_phone(request, browser, base_url):
    """A cheap phone's width with JavaScript switched off (the browser's errors still fail the test)."""
    for page in open_page(browser, base_url, viewport={"width": request.param, "height": 640}, is_mobile=True,
                          has_touch=True, java_script_enabled=False):
        yield request.param, page


def _fits(page, width: int, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width


@pytest.mark.e2e
def test_the_sign_up_form_works_on_a_small_phone_without_javascript(small_phone, db):
    width, page = small_phone
    officer = make_user(Role.OFFICER, "hendra", kecamatan=("Panarukan",))
    event = make_event(officer, "Sosialisasi nelayan Kilensari")

    response = page.goto(f"/e/{event.code}")
    assert response.status == 200
    stylesheet = page.request.get("/static/css/signup.css")
    assert len(response.body()) + len(stylesheet.body()) < PAGE_BUDGET
    assert page.locator("script").count() == 0
    expect(page.locator("h1")).to_have_text("Sosialisasi nelayan Kilensari")
    expect(page.locator(".purpose")).to_contain_text("menarik persetujuan")
    for selector in ("#name", "#nik", "#phone", "#desa_id", "#occupation", "button[type=submit]"):
        assert _fits(page, width, selector), f"{selector} is wider than {width} px"
    honeypot = page.locator("#website").bounding_box()
    assert honeypot is None or honeypot["x"] + honeypot["width"] <= 0, "the honeypot must be off-screen"

    page.locator("#name").fill("Siti Rohmah")
    page.locator("#phone").fill("0812 3456 7001")
    page.locator("button[type=submit]").click()  # no consent yet: refused, nothing lost
    expect(page.locator(".err")).to_contain_text("Centang")
    expect(page.locator("#name")).to_have_value("Siti Rohmah")

    page.locator("#consent").check()
    page.locator("#occupation").fill("Nelayan")
    page.locator("button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Terima kasih, Siti Rohmah")
    expect(page.locator("main")).to_contain_text(PURPOSE_VERSION)
    screenshot(page, f"event-signup-thanks-{width}")

    prospect = db.session.scalar(select(Prospect))
    assert (prospect.name, prospect.phone, prospect.consent_basis) == ("Siti Rohmah", "+6281234567001",
                                                                      ConsentBasis.CONSENT)


@pytest.mark.e2e
def test_at_the_event_the_officer_ticks_who_is_present_and_adds_someone(phone_page, db):
    page = phone_page
    officer = make_user(Role.OFFICER, "hendra", kecamatan=("Panarukan",))
    event = make_event(officer, "Sosialisasi nelayan Kilensari")
    sign_in(page, "hendra", PASSWORD)
    page.goto(f"/events/{event.id}/live")
    page.locator("#name").fill("Pak Sahri")
    page.locator("#phone").fill("0813 1111 2222")
    page.locator("[data-add-attendee] button[type=submit]").click()
    card = page.locator("[data-signup]", has_text="Pak Sahri")
    expect(card.locator("[data-present]")).to_have_attribute("aria-pressed", "true")
    card.locator("[data-present]").click()
    expect(page.locator("[data-signup]", has_text="Pak Sahri").locator("[data-present]")).to_have_attribute(
        "aria-pressed", "false")
    assert not overflows_sideways(page)
    screenshot(page, "event-live-phone")
