"""Pak Hendra's whole day on his phone without signal, and a sign-out that leaves nothing of him on it."""

import dataclasses
import re
from datetime import timedelta

import pytest
from flask_babel import force_locale
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect
from sqlalchemy import select

from crm.i18n import local_today
from crm.models import Prospect, Region, RegionLevel, Role, Stage, Visit
from crm.prospects.stages import STAGE_LABELS
from crm.visits.workingset import Members
from tests.e2e.conftest import screenshot
from tests.e2e.steps import sign_in
from tests.factories import PASSWORD, make_prospect, make_user

pytestmark = pytest.mark.e2e


def _working_set(db):
    """Forty prospects over the desa of Panarukan and Mangaran: twelve on today's plan, the rest later."""
    officer = make_user(Role.OFFICER, "hendra", name="Hendra Wijaya", kecamatan=("Panarukan", "Mangaran"))
    places = db.session.scalars(select(Region).where(
        Region.level == RegionLevel.DESA, Region.parent.has(Region.name.in_(("Panarukan", "Mangaran"))))
        .order_by(Region.name)).all()
    places = [(desa.name, desa.parent.name) for desa in places]
    today = local_today()
    kinds = ([(Stage.VISITED, today - timedelta(days=2))] * 3 + [(Stage.CONTACTED, today)] * 4
             + [(Stage.NEW, None)] * 5 + [(Stage.INTERESTED, today + timedelta(days=7))] * 28)
    prospects = [make_prospect(f"Warga {n:02d}", places[n % len(places)][0], kecamatan=places[n % len(places)][1],
                               officer=officer, stage=stage, next_follow_up=follow_up, phone=f"+62812000000{n:02d}")
                 for n, (stage, follow_up) in enumerate(kinds)]
    return officer, prospects[:12], prospects[12:]


def _visits(db) -> list[Visit]:
    db.session.rollback()  # see what the server committed since
    return db.session.scalars(select(Visit).order_by(Visit.id)).all()


def _label(stage: Stage) -> str:
    with force_locale("id"):
        return str(STAGE_LABELS[stage])


def _kept_on_the_phone(page) -> dict:
    return page.evaluate("""async () => ({
        caches: await caches.keys(),
        databases: (await indexedDB.databases()).map(d => d.name),
        workers: (await navigator.serviceWorker.getRegistrations()).length })""")


def _log_visit(page, outcome: str, notes: str) -> None:
    page.locator(f"input[name=outcome][value={outcome}]").check()
    page.locator("#notes").fill(notes)
    page.locator("form[data-visit-form] button[type=submit]").click()
    expect(page.locator("[data-form-notice]")).to_be_visible()


def test_offline_every_prospect_of_the_day_opens_with_its_own_data_and_sign_out_wipes_the_phone(
        field_phone_page, db):
    page = field_phone_page
    officer, planned, later = _working_set(db)
    sign_in(page, officer.login, PASSWORD)
    expect(page).to_have_url(re.compile(r"/today$"))
    badge = page.locator("footer [data-offline-badge]")
    expect(badge).to_contain_text("40")  # synced, and the worker serves the pages
    page.context.set_offline(True)

    page.goto("/plan")
    stops = page.locator("[data-ws-plan] li")
    expect(stops).to_have_count(len(planned))
    assert sorted(page.locator("[data-ws-plan] li strong").all_inner_texts()) == sorted(p.name for p in planned)
    screenshot(page, f"plan-offline-{db.engine.dialect.name}")

    for prospect in planned + later[::4]:
        page.goto(f"/prospects/{prospect.id}")
        expect(page.locator("h1")).to_have_text(prospect.name)
        expect(page.locator("[data-ws-text=place]")).to_contain_text(prospect.desa.name)
        expect(page.locator(".stage")).to_have_text(_label(prospect.stage))
        expect(page.locator("[data-ws-synced]")).to_contain_text("40")
        if prospect is planned[0]:
            screenshot(page, f"prospect-offline-{db.engine.dialect.name}")
        page.locator("a[data-ws-href^='/visits/new']").click()
        expect(page).to_have_url(re.compile(rf"/visits/new\?prospect={prospect.id}$"))
        expect(page.locator("[data-prospect-name]")).to_have_text(prospect.name)
        expect(page.locator("[data-ws-text=desa]")).to_have_text(prospect.desa.name)
        expect(page.locator("[data-ws-text=stage_label]")).to_have_text(_label(prospect.stage))

    # The prospect list holds the whole working set, searched on the phone.
    page.goto("/prospects?mine=1")
    expect(page.locator("[data-ws-list-count]")).to_contain_text("40 dari 40")
    page.locator("form.filters input[name=q]").fill("warga 1")
    page.locator("form.filters button[type=submit]").click()
    cards = page.locator("[data-ws-list] .pcard")
    expect(cards).to_have_count(10)  # Warga 10–19, in name order
    expect(page.locator("[data-ws-list-count]")).to_contain_text("10 dari 40")
    expect(cards.first).to_contain_text("Warga 10")
    screenshot(page, f"prospect-list-offline-{db.engine.dialect.name}")
    cards.nth(1).locator(".pcard-main").click()
    expect(page.locator("h1")).to_have_text("Warga 11")

    visited = [planned[0], planned[5], later[3]]
    for n, prospect in enumerate(visited):
        page.goto(f"/visits/new?prospect={prospect.id}")
        expect(page.locator("[data-prospect-name]")).to_have_text(prospect.name)
        _log_visit(page, "not_at_home", f"Kunjungan {n} tanpa sinyal")
    expect(page.locator("[data-outbox]")).to_contain_text("3")
    screenshot(page, f"three-waiting-offline-{db.engine.dialect.name}")

    # Signing out while they wait: Sasar says so, and without signal cannot send them.
    page.locator("details.account summary").click()
    page.locator("form[data-sign-out] button[type=submit]").click()
    dialog = page.locator("dialog[data-sign-out-dialog]")
    expect(dialog).to_be_visible()
    expect(dialog.locator("[data-sign-out-message]")).to_contain_text("3")
    expect(dialog.locator("[data-sign-out-send]")).to_be_disabled()
    screenshot(page, f"sign-out-warns-offline-{db.engine.dialect.name}")
    dialog.locator("[data-sign-out-cancel]").click()
    expect(dialog).to_be_hidden()

    # Signal again, but the server not reached yet: they still wait, and signing out offers to send them first.
    page.route("**/visits/sync", lambda route: route.abort())
    page.context.set_offline(False)
    page.locator("form[data-sign-out] button[type=submit]").click()
    expect(dialog).to_be_visible()
    expect(dialog.locator("[data-sign-out-message]")).to_contain_text("3")
    assert _visits(db) == []
    page.unroute("**/visits/sync")
    dialog.locator("[data-sign-out-send]").click()
    expect(page).to_have_url(re.compile(r"/login$"))

    visits = _visits(db)
    assert sorted(v.prospect_id for v in visits) == sorted(p.id for p in visited)  # each arrived, once
    assert {v.notes for v in visits} == {f"Kunjungan {n} tanpa sinyal" for n in range(3)}

    kept = _kept_on_the_phone(page)
    assert kept == {"caches": [], "databases": [], "workers": 0}
    page.context.set_offline(True)
    for path in ("/today", f"/prospects/{planned[0].id}", f"/visits/new?prospect={planned[0].id}", "/plan"):
        try:
            page.goto(path)
        except PlaywrightError:
            continue  # the browser has nothing to show without a connection
        body = page.locator("body").inner_text()
        assert all(p.name not in body for p in planned + later), path


def test_after_a_visit_the_phone_takes_only_what_changed_since_its_cursor(field_phone_page, db):
    page = field_phone_page
    officer = make_user(Role.OFFICER, "hendra", kecamatan=("Panarukan",))
    changing = make_prospect("Siti Aminah", "Kilensari", officer=officer)
    leaving = make_prospect("Pak Jamaluddin", "Kilensari", officer=officer, stage=Stage.CONTACTED)
    sign_in(page, officer.login, PASSWORD)
    expect(page.locator("footer [data-offline-badge]")).to_contain_text("2")
    assert page.evaluate("SasarData.members([1, 7, 123456, 2147483647])") == \
        dataclasses.asdict(Members.of([1, 7, 123456, 2147483647]))

    db.session.get(Prospect, leaving.id).stage = Stage.DECLINED  # another officer's visit, say
    db.session.commit()
    page.goto(f"/visits/new?prospect={changing.id}")
    page.locator("input[name=outcome][value=interested]").check()
    with page.expect_response(re.compile(r"/visits/working-set\?since=t\d+$")) as answer:
        page.locator("form[data-visit-form] button[type=submit]").click()  # saved, then the prospect's page
    expect(page).to_have_url(re.compile(rf"/prospects/{changing.id}\?saved="))  # it confirms the save (14.3)
    assert answer.value.json()["removed"] == [leaving.id]
    expect(page.locator("footer [data-offline-badge]")).to_contain_text("1")

    page.context.set_offline(True)
    page.goto(f"/prospects/{changing.id}")
    expect(page.locator(".stage")).to_have_text(_label(Stage.INTERESTED))
    page.goto(f"/prospects/{leaving.id}")
    expect(page.locator("[data-ws-missing]")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Pak Jamaluddin")


@pytest.mark.parametrize("role", [Role.ADMIN, Role.LIAISON])
def test_other_roles_pages_store_nothing_and_fetch_nothing_of_officers(page, db, role):
    officer = make_user(Role.OFFICER, "hendra", kecamatan=("Panarukan",))
    prospect = make_prospect("Siti Aminah", "Kilensari", officer=officer)
    other = make_user(role, "other", agency_code="DISNAKKAN" if role is Role.LIAISON else None)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    sign_in(page, other.login, PASSWORD)
    expect(page.locator("details.account summary")).to_be_visible()
    if role is Role.ADMIN:
        page.goto(f"/prospects/{prospect.id}")
        expect(page.locator("h1")).to_have_text("Siti Aminah")
    page.wait_for_load_state("networkidle")
    officer_only = [url for url in requested if re.search(r"/today|mine=1|/working-set|/sw\.js|/shell", url)]
    assert officer_only == []
    assert _kept_on_the_phone(page) == {"caches": [], "databases": [], "workers": 0}
