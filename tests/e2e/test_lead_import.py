"""Bu Ratna's month: she uploads her office's list (with its usual problems), reads the preview, saves it,
and downloads the rows to fix."""

import csv
import io
import re

import pytest
from playwright.sync_api import expect

from crm.models import Role
from tests.data import DATA
from tests.e2e.conftest import screenshot
from tests.e2e.steps import overflows_sideways, sign_in, switch_language
from tests.factories import PASSWORD, make_user


def count(page, kind: str):
    return page.locator(f"[data-count={kind}] .num")


@pytest.mark.e2e
def test_a_liaison_uploads_a_list_checks_the_preview_saves_it_and_downloads_the_rows_to_fix(page, database_kind):
    make_user(Role.LIAISON, "ratna", name="Ratna Kusuma", agency_code="DISNAKKAN")
    sign_in(page, "ratna", PASSWORD)
    switch_language(page, "en")  # the assertions below read English; the layout is the same in Indonesian

    page.locator("nav.mainnav a[href='/leads/']").click()
    expect(page.locator("table.batch-history")).to_contain_text("No list has been sent yet.")
    page.locator("#new-list").click()
    expect(page).to_have_url(re.compile(r"/leads/new$"))
    page.locator("#file").set_input_files(str(DATA / "leads_disnakkan.csv"))
    page.locator("main form button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/leads/\d+/preview$"))
    expect(count(page, "rows")).to_have_text("14")
    expect(count(page, "new")).to_have_text("5")
    expect(count(page, "duplicate")).to_have_text("1")
    expect(count(page, "possible")).to_have_text("1")
    expect(count(page, "invalid")).to_have_text("7")
    excel_mangled = page.locator("table.problem-rows tr[data-row='6']")
    expect(excel_mangled).to_contain_text("Moh. Hasan")
    expect(excel_mangled.locator("[data-column]")).to_have_text("No KTP")
    expect(excel_mangled).to_contain_text("The NIK arrived as a spreadsheet number (3.51204E+15)")
    expect(excel_mangled).to_contain_text("Format the column as Text")
    expect(page.locator("table.problem-rows tr[data-row='7']")).to_contain_text(
        "A NIK is 16 digits; this one has 15.")
    expect(page.locator("table.problem-rows tr[data-row='10']")).to_contain_text("row 4 of this list")
    expect(page.locator("table.problem-rows tr[data-row='16']")).to_contain_text("Siti Ma’rifah")
    expect(page.locator("#commit")).to_contain_text("Save 6 leads: 5 new and 1 possible duplicates")
    assert not overflows_sideways(page), "the preview scrolls sideways on a desktop screen"
    screenshot(page, f"lead-import-preview-{database_kind}")

    page.locator("#commit").click()
    expect(page).to_have_url(re.compile(r"/leads/\d+$"))
    expect(page.locator(".flash-success")).to_contain_text("Saved: 5 new leads, 1 possible duplicates")
    leads = page.locator("table.batch-leads tbody tr")
    expect(leads).to_have_count(6)
    expect(page.locator("table.batch-leads")).to_contain_text("3512********0003")
    expect(page.locator("table.batch-leads")).not_to_contain_text("3512064507850003")
    screenshot(page, f"lead-import-batch-{database_kind}")

    with page.expect_download() as waiting:
        page.locator("#error-file").click()
    download = waiting.value
    assert download.suggested_filename == "leads_disnakkan - perlu diperbaiki.csv"
    with open(download.path(), encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(io.StringIO(handle.read()), delimiter=";"))
    assert rows[0] == ["Row", "No", "Nama Lengkap", "No KTP", "No. Telp", "Alamat", "Desa/Kel", "Kecamatan",
                       "Pekerjaan", "Column", "Reason"]
    assert len(rows) == 1 + 7
    by_name = {row[2]: row for row in rows[1:]}
    assert by_name["Moh. Hasan"][0] == "6"  # the row of her own sheet, as the preview showed it
    assert by_name["Moh. Hasan"][3] == "3.51204E+15" and "Format the column as Text" in by_name["Moh. Hasan"][-1]
    assert by_name["Abdul Rahman"][-2:] == ["No KTP", "A NIK is 16 digits; this one has 15."]
    assert by_name[""][-2:] == ["Nama Lengkap", "The name is empty."]

    page.locator("nav.mainnav a[href='/leads/']").click()
    history = page.locator("table.batch-history tbody tr")
    expect(history).to_have_count(1)
    expect(history).to_contain_text("leads_disnakkan.csv")
    expect(history).to_contain_text("Ratna Kusuma")

