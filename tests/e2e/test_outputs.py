"""Outputs a manager hands on, and desktop pages that read cleanly: the monthly report prints on one A4 portrait
page with every column, charts never clip their labels, and at 1366×768 the menu keeps to one row and no word
is broken across lines."""

import re

import pytest
from playwright.sync_api import expect

from crm import demo
from crm.models import Role
from tests.e2e.steps import sign_in

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1366, "height": 768}
# A4 portrait less the report's 12 mm margins, in CSS pixels (96 per inch).
A4_CONTENT_WIDTH_PX = round((210 - 2 * 12) / 25.4 * 96)
PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


@pytest.fixture
def demo_logins(db):
    result = demo.seed_demo(prospect_count=400, seed=5)
    db.session.commit()
    return {login.role: login for login in result.logins}


@pytest.fixture
def laptop_page(browser, base_url):
    from tests.e2e.conftest import _open_page
    yield from _open_page(browser, base_url, viewport=LAPTOP)


def _sign_in(page, login) -> None:
    sign_in(page, login.login, login.password)
    expect(page).not_to_have_url(re.compile(r"/login"))


TABLES_WIDER_THAN_THEIR_BOX = """() => [...document.querySelectorAll('table')].filter(t =>
    t.scrollWidth > t.parentElement.clientWidth + 1 || t.getBoundingClientRect().right > window.innerWidth + 1
).map(t => t.dataset.table || t.className)"""

CLIPPED_CHART_LABELS = """() => [...document.querySelectorAll('svg.chart')].flatMap(svg => {
    const box = svg.viewBox.baseVal;
    return [...svg.querySelectorAll('text')].filter(t => { const b = t.getBBox();
        return b.x < box.x - 0.5 || b.x + b.width > box.x + box.width + 0.5; }).map(t => t.textContent);
})"""


@pytest.mark.parametrize("narrowing", ["", "&kecamatan=first", "&agency=first"])
def test_the_monthly_report_prints_on_one_a4_page_with_every_column(page, db, demo_logins, narrowing):
    _sign_in(page, demo_logins[Role.MANAGER])
    page.goto("/dashboard/report")
    if narrowing:
        name = narrowing.split("=")[0].lstrip("&")
        page.goto("/dashboard")
        value = page.locator(f"#f-{name} option").nth(1).get_attribute("value")
        page.goto(f"/dashboard/report?{name}={value}")
    expect(page.locator("[data-table=kecamatan]")).to_be_visible()
    columns = {name: page.locator(f"[data-table={name}] thead th").count()
               for name in ("funnel", "outcomes", "agency", "kecamatan")}
    assert columns["kecamatan"] >= 5 and columns["outcomes"] >= 3

    page.emulate_media(media="print")
    page.set_viewport_size({"width": A4_CONTENT_WIDTH_PX, "height": 1000})
    assert page.evaluate(TABLES_WIDER_THAN_THEIR_BOX) == [], "a table is wider than the printed page"
    for name, count in columns.items():  # every column is still shown on paper
        visible = page.locator(f"[data-table={name}] thead th:visible").count()
        assert visible == count, f"{name}: {visible} of {count} columns print"
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    assert len(PAGE_OBJECT.findall(pdf)) == 1, "the report takes more than one A4 page"


def test_chart_labels_are_never_clipped(laptop_page, db, demo_logins):
    page = laptop_page
    _sign_in(page, demo_logins[Role.MANAGER])
    page.goto("/dashboard")
    expect(page.locator("svg.chart").first).to_be_visible()
    assert page.evaluate(CLIPPED_CHART_LABELS) == []
    shortened = page.locator("svg.chart .chart-label:has-text('…')")
    for index in range(shortened.count()):  # a shortened label has its whole text on hover
        row = shortened.nth(index).locator("xpath=..")
        assert len(row.locator("title").text_content()) > len(shortened.nth(index).text_content())


ONE_ROW = """() => { const nav = document.querySelector('nav.mainnav');
    const links = [...nav.querySelectorAll('a'), ...document.querySelectorAll('.navmore > summary')];
    const tops = new Set(links.map(a => Math.round(a.getBoundingClientRect().top)));
    return {rows: tops.size, hidden: nav.scrollWidth > nav.clientWidth + 1,
            bar: Math.round(document.querySelector('header.topbar').getBoundingClientRect().height)}; }"""

# Elements whose text is broken inside a word: a cell or button narrower than its longest word (it would
# overflow or break), or styled to break words anywhere.
BROKEN_WORDS = """() => [...document.querySelectorAll('main td, main th, main .button, main button, nav a, main dd')]
  .filter(el => el.offsetParent !== null && el.textContent.trim())
  .filter(el => { const s = getComputedStyle(el);
      return s.overflowWrap === 'anywhere' || s.wordBreak === 'break-all' || el.scrollWidth > el.clientWidth + 1; })
  .map(el => el.tagName + ': ' + el.textContent.trim().slice(0, 40))"""


@pytest.mark.parametrize("role", [Role.ADMIN, Role.MANAGER])
def test_desktop_pages_keep_the_menu_to_one_row_and_never_break_a_word(laptop_page, db, demo_logins, role):
    page = laptop_page
    _sign_in(page, demo_logins[role])
    paths = ["/", "/dashboard", "/dashboard/report", "/prospects", "/visits/flagged"]
    if role is Role.ADMIN:
        paths += ["/users", "/audit", "/rates", "/targets/settings", "/leads/"]
    for path in paths:
        page.goto(path)
        menu = page.evaluate(ONE_ROW)
        assert menu["rows"] == 1 and not menu["hidden"], f"{path}: menu {menu}"
        assert menu["bar"] <= 72, f"{path}: the top bar is {menu['bar']} px high"
        assert page.evaluate(BROKEN_WORDS) == [], f"{path}: words broken"
