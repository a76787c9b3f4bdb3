"""In a real browser, a prospect whose name is a script stays a name."""

import re

import pytest
from playwright.sync_api import expect

from crm.models import Role, Stage
from tests.e2e.steps import sign_in
from tests.factories import PASSWORD, make_prospect, make_user

pytestmark = pytest.mark.e2e
SCRIPT_NAME = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


def test_script_in_a_name_is_shown_not_run(page, db):
    manager = make_user(Role.MANAGER, "yuli")
    prospect = make_prospect(SCRIPT_NAME, stage=Stage.INTERESTED)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, manager.login, PASSWORD)
    expect(page).to_have_url(re.compile(r"/$"))
    for url in ("/prospects", f"/prospects/{prospect.id}", "/dashboard"):
        page.goto(url)
        if url != "/dashboard":
            expect(page.get_by_text(SCRIPT_NAME).first).to_be_visible()
    assert dialogs == []
