"""Ibu Yuli opens the dashboard, narrows it to one agency: the funnel follows, the charts draw, the map marks."""

import re
from datetime import datetime

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from crm.models import Agency
from tests.dashboard_data import JAKARTA, build, expected
from tests.e2e.conftest import screenshot
from tests.e2e.steps import sign_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e


def _number(text: str) -> int:
    return int(text.strip().replace(".", ""))


def test_a_manager_narrows_the_dashboard_to_one_agency(page, db):
    data = build(seed=41)
    today = datetime.now(JAKARTA).date()
    period = {"from": "2023-01-01", "to": today.isoformat()}
    agency = db.session.scalar(select(Agency).where(Agency.code == "DISNAKKAN"))
    everyone = expected([data.sbo.id], period, today)
    one_agency = expected([data.sbo.id], {**period, "agency": str(agency.id)}, today)
    assert one_agency.total < everyone.total
    db.session.rollback()

    sign_in(page, data.manager.login, PASSWORD)
    expect(page).not_to_have_url(re.compile(r"/login"))
    page.locator("nav.mainnav a[href='/dashboard']").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    page.locator("#f-from").fill(period["from"])
    page.locator("#f-to").fill(period["to"])
    page.locator("#dashboard-filter button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"from=2023-01-01"))
    total = page.locator("[data-total]")
    assert _number(total.inner_text()) == everyone.total
    registered_before = _number(page.locator("[data-funnel-reached=registered]").inner_text())

    page.locator("#f-agency").select_option(str(agency.id))
    page.locator("#dashboard-filter button[type=submit]").click()
    expect(page).to_have_url(re.compile(rf"agency={agency.id}"))
    expect(total).to_have_text(f"{one_agency.total:,}".replace(",", "."))
    registered = _number(page.locator("[data-funnel-reached=registered]").inner_text())
    assert registered == one_agency.reached["registered"] < registered_before
    expect(page.locator("#f-agency")).to_have_value(str(agency.id))

    # The charts are SVG drawn on the server: bars of some width, one per row of their table.
    bars = page.locator("[data-breakdown=agency] svg.chart rect.chart-bar")
    expect(bars).to_have_count(1)
    assert float(bars.first.get_attribute("width")) > 0
    kecamatan_bars = page.locator("[data-breakdown=kecamatan] svg.chart rect.chart-bar")
    assert kecamatan_bars.count() == page.locator("[data-table=kecamatan] tbody tr").count() > 1
    assert page.locator("[data-funnel] svg.chart title").first.text_content()

    # Leaflet draws the circle markers as SVG paths, on a plain background (no tile server configured).
    markers = page.locator("#dashboard-map path.leaflet-interactive")
    expect(markers.first).to_be_visible()
    assert markers.count() >= 1
    assert page.locator("#dashboard-map img.leaflet-tile").count() == 0
    page.locator("#dashboard-funnel, [data-funnel]").first.scroll_into_view_if_needed()
    screenshot(page, f"dashboard-one-agency-{db.engine.dialect.name}")

    # Every number opens the people behind it.
    page.locator("[data-funnel-reached=registered]").click()
    expect(page).to_have_url(re.compile(rf"/prospects\?.*agency={agency.id}.*reached=registered"))
    expect(page.locator("[data-narrowing]")).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"{one_agency.reached['registered']}")
