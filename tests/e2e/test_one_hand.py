"""Made for one hand outdoors (issue 14.3): every officer page at 360 and 390 px without sideways scrolling,
tap targets of at least 48 px, text contrast of WCAG AA (axe-core, vendored under tests/e2e/vendor/axe-core and
run through Playwright, which is not bound by the page's Content-Security-Policy), the visit's confirmation at
the top of the page online and offline, a missing outcome said at the field, Today's order and tiles."""

import json
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from crm.i18n import local_today
from crm.models import ParticipantStatus, Registration, Role, Stage
from tests.e2e.conftest import FIELD_POSITION, _open_page
from tests.e2e.steps import sign_in
from tests.factories import PASSWORD, make_prospect, make_user

pytestmark = pytest.mark.e2e

AXE = (Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")
MIN_TAP_PX = 48
# The controls a thumb aims at; links inside running text are exempt (WCAG 2.5.8), as are the radios inside
# their labels (the label is the target).
CONTROLS = ("a.button, button, .mainnav a, .bottombar a, .pcard-main, .pcard-action, label.choice, summary, select, "
            "textarea, input:not([type=hidden]):not([type=radio]):not([type=checkbox])")


@pytest.fixture(params=[360, 390], ids=lambda width: f"{width}px")
def narrow_phone(request, browser, base_url):
    yield from _open_page(browser, base_url, viewport={"width": request.param, "height": 800}, is_mobile=True,
                          has_touch=True, device_scale_factor=2, geolocation=FIELD_POSITION,
                          permissions=["geolocation"])


def _officer_day(db):
    officer = make_user(Role.OFFICER, "hendra", name="Hendra Wijaya", kecamatan=("Panarukan", "Mangaran"))
    today = local_today()
    due = make_prospect("Siti Aminah Binti Abdullah", "Kilensari", officer=officer, stage=Stage.CONTACTED,
                        next_follow_up=today)
    make_prospect("Pak Jamaluddin", "Tanjung Kamal", officer=officer, stage=Stage.VISITED,
                  next_follow_up=today - timedelta(days=3))
    make_prospect("Bu Sumiati", "Kilensari", officer=officer)
    lapsed = make_prospect("Muhammad Nur Hasanuddin Al Farisi", "Kilensari", officer=officer,
                           stage=Stage.REGISTERED)
    db.session.add(Registration(branch_id=lapsed.branch_id, prospect=lapsed, kpj="23011234567",
                                registered_on=date(2024, 3, 1), declared_income=1_000_000,
                                monthly_contribution=16_800, status=ParticipantStatus.LAPSED,
                                status_changed_on=date(2025, 6, 1), officer=officer))
    db.session.commit()
    return officer, due, lapsed


def _officer_pages(due, lapsed) -> list[str]:
    plan = f"/plan?lat={FIELD_POSITION['latitude']}&lng={FIELD_POSITION['longitude']}"  # as plan.js asks for it
    return ["/", "/today", plan, "/prospects", "/participants/lapsed", "/events", f"/prospects/{due.id}",
            f"/visits/new?prospect={due.id}", f"/prospects/{due.id}/register",
            f"/registrations/{lapsed.registration.id}"]


def _overflow(page: Page) -> int:
    """How far the page, or its menu row, reaches past the window's right edge (a sideways scroll)."""
    return page.evaluate("""Math.max(document.scrollingElement.scrollWidth - innerWidth,
        ...[...document.querySelectorAll('.mainnav')].map(nav => nav.scrollWidth - nav.clientWidth))""")


def _small_targets(page: Page) -> list[str]:
    return page.evaluate("""([selector, min]) => [...document.querySelectorAll(selector)]
        .filter(el => el.offsetParent !== null && !el.closest('[hidden], template'))
        .map(el => [el, el.getBoundingClientRect()])
        .filter(([el, box]) => box.width > 0 && (box.height < min || box.width < min))
        .map(([el, box]) => `${el.tagName.toLowerCase()}.${el.className} "${(el.textContent || el.name || '').trim()
            .slice(0, 30)}" ${Math.round(box.width)}×${Math.round(box.height)}`)""",
                         [CONTROLS, MIN_TAP_PX])


def _contrast_violations(page: Page) -> list[str]:
    page.evaluate(AXE)
    result = page.evaluate("""async () => {
        const run = await axe.run(document, {runOnly: ['color-contrast']});
        return {checked: run.passes.reduce((n, rule) => n + rule.nodes.length, 0),
                violations: run.violations.flatMap(v => v.nodes.map(
                    n => n.target.join(' ') + ': ' + n.failureSummary.replace(/\\s+/g, ' ')))};
    }""")
    assert result["checked"] > 10, "axe checked no text"
    return result["violations"]


def test_every_officer_page_fits_the_phone_with_big_targets_and_readable_text(narrow_phone, db):
    page = narrow_phone
    officer, due, lapsed = _officer_day(db)
    sign_in(page, officer.login, PASSWORD)
    expect(page).to_have_url(re.compile(r"/today$"))
    problems = {}
    for url in _officer_pages(due, lapsed):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        found = {"overflow_px": _overflow(page), "small": _small_targets(page), "contrast": _contrast_violations(page)}
        if found["overflow_px"] > 0 or found["small"] or found["contrast"]:
            problems[url] = found
    assert problems == {}, json.dumps(problems, indent=1, ensure_ascii=False)


def test_every_officer_destination_is_one_tap_away_in_the_bottom_bar(narrow_phone, db):
    page = narrow_phone
    officer, _, _ = _officer_day(db)
    sign_in(page, officer.login, PASSWORD)
    bar = page.locator("nav.bottombar")
    expect(bar).to_be_visible()
    width = page.evaluate("innerWidth")
    for label, url in (("Hari ini", "/today"), ("Rencana", "/plan"), ("Prospek", "/prospects"),
                       ("Nonaktif", "/participants/lapsed")):
        link = bar.get_by_role("link", name=label, exact=True)
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, label   # on screen, not scrolled to
        link.click()
        expect(page).to_have_url(re.compile(re.escape(url) + r"(\?.*)?$"))   # the plan adds the phone's position
        expect(bar.get_by_role("link", name=label, exact=True)).to_have_attribute("aria-current", "page")


def test_the_lapsed_list_is_a_list_of_cards_on_a_phone(narrow_phone, db):
    page = narrow_phone
    officer, _, _ = _officer_day(db)
    sign_in(page, officer.login, PASSWORD)
    page.goto("/participants/lapsed")
    name = page.get_by_role("link", name="Muhammad Nur Hasanuddin Al Farisi")
    kpj = page.get_by_text("23011234567", exact=True)
    # On one or two lines, not one or two letters a line.
    assert name.bounding_box()["width"] > 150 and kpj.bounding_box()["height"] < 30
    assert _overflow(page) <= 0


def _on_the_visit_form(page: Page, db):
    """Signed in as the officer, on the visit form of the prospect due today, the phone's position taken."""
    officer, due, _ = _officer_day(db)
    sign_in(page, officer.login, PASSWORD)
    page.goto(f"/visits/new?prospect={due.id}")
    expect(page.locator("#accuracy_m")).to_have_value("15")
    return due


def test_a_saved_visit_is_confirmed_at_the_top_of_the_page(narrow_phone, db):
    page, due = narrow_phone, _on_the_visit_form(narrow_phone, db)
    page.locator("form[data-visit-form] button[type=submit]").click()    # no outcome chosen
    outcome_error = page.locator("fieldset.outcomes [data-outcome-error]")
    expect(outcome_error).to_be_visible()
    expect(outcome_error).to_have_text("Pilih hasil kunjungan.")

    page.locator("label.choice", has_text="Tidak ada di rumah").click()
    page.locator("form[data-visit-form] button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"/prospects/{due.id}\?saved="))
    confirmation = page.locator(".flashes .flash-success")
    expect(confirmation).to_have_text("Kunjungan tersimpan. Tahap: Sudah dikunjungi.")
    expect(confirmation).to_be_in_viewport()
    assert confirmation.bounding_box()["y"] < page.locator("main h1").bounding_box()["y"]   # above the page


def test_a_visit_saved_offline_is_confirmed_at_the_top_of_the_page(narrow_phone, db):
    page = narrow_phone
    _on_the_visit_form(page, db)
    page.context.set_offline(True)
    page.locator("label.choice", has_text="Tidak ada di rumah").click()
    page.locator("#notes").fill("Sedang melaut")
    page.locator("form[data-visit-form] button[type=submit]").click()
    notice = page.locator("[data-form-notice]")
    expect(notice).to_have_text("Tersimpan di ponsel — dikirim saat ada sinyal")
    expect(notice).to_be_in_viewport()
    assert notice.bounding_box()["y"] < page.locator("main h1").bounding_box()["y"]   # at the top, not below the fold
    # Back in signal the phone sends it (waited for here, so no request outlives the test).
    with page.expect_response(re.compile(r"/visits/sync$")) as sent:
        page.context.set_offline(False)
    assert sent.value.status == 201


def test_today_puts_what_is_due_first_and_each_tile_opens_its_list(narrow_phone, db):
    page = narrow_phone
    officer, _, _ = _officer_day(db)
    sign_in(page, officer.login, PASSWORD)
    expect(page).to_have_url(re.compile(r"/today$"))
    headings = page.locator("main h2").all_inner_texts()
    overdue = next(i for i, heading in enumerate(headings) if heading.startswith("Tindak lanjut yang terlambat"))
    assert headings.index("Tindak lanjut hari ini") < overdue
    tiles = page.locator("ul.counts a")
    expect(tiles).to_have_count(4)
    for index in range(4):
        page.goto("/today")
        tile = page.locator("ul.counts a").nth(index)
        target = tile.get_attribute("href")
        tile.click()
        if target.startswith("#"):
            section = page.locator(target)
            expect(section).to_be_in_viewport()
        else:
            expect(page).to_have_url(re.compile(re.escape(target) + "$"))


def test_a_whatsapp_message_is_one_tap_and_logging_it_one_more(narrow_phone, db):
    page = narrow_phone
    officer, _, _ = _officer_day(db)
    prospect = make_prospect("Bu Halimah", "Kilensari", officer=officer, phone="+6281234567890")
    opened = []
    page.context.route("https://wa.me/**", lambda route: (opened.append(route.request.url),
                                                          route.fulfill(body="WhatsApp")))
    sign_in(page, officer.login, PASSWORD)
    page.goto(f"/prospects/{prospect.id}")
    with page.expect_popup() as whatsapp:
        page.get_by_role("link", name="💬 WhatsApp: Kabar kunjungan").click()
    whatsapp.value.close()
    assert opened and opened[0].startswith("https://wa.me/6281234567890?text=Assalamualaikum")
    expect(page.locator("#contact-log input[name=channel][value=whatsapp]")).to_be_checked()
    page.locator("#contact-log").get_by_role("button", name="Tidak diangkat").click()
    expect(page.locator(".flashes .flash-success")).to_contain_text("Kontak dicatat: Tidak diangkat.")
    expect(page.locator(".timeline li[data-contact]").first).to_contain_text("Lewat WhatsApp")
