"""What the server gives the phone: shells to store, the officer's scripts only to officers, a wiping sign-out."""

import pytest

from crm.models import Role
from tests.factories import make_prospect, make_user, sign_in

SHELLS = ("/prospects/list/shell", "/prospects/shell", "/visits/new/shell", "/plan/shell")


def test_sign_out_tells_the_browser_to_clear_what_it_keeps(client, db):
    sign_in(client, make_user(Role.OFFICER, "hendra", kecamatan=("Panarukan",)))
    response = client.post("/logout")
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == '"cache", "storage"'


@pytest.mark.parametrize("path", SHELLS)
def test_the_shells_hold_no_prospect(client, db, path):
    officer = make_user(Role.OFFICER, "hendra", kecamatan=("Panarukan",))
    make_prospect("Siti Aminah", "Kilensari", officer=officer)
    sign_in(client, officer)
    response = client.get(path)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "data-ws-shell" in page and "Siti Aminah" not in page and "+6281234567890" not in page


@pytest.mark.parametrize("role", [Role.ADMIN, Role.MANAGER])
def test_other_roles_get_no_shells_and_no_working_set(client, db, role):
    sign_in(client, make_user(role))
    for path in (*SHELLS, "/visits/working-set"):
        assert client.get(path).status_code == 403, path


def test_only_officers_pages_load_the_phones_offline_script(client, db):
    sign_in(client, make_user(Role.ADMIN))
    page = client.get("/").get_data(as_text=True)
    assert "outbox.js" in page and "workingset.js" not in page and "data-officer-phone" not in page
    client.post("/logout")
    sign_in(client, make_user(Role.OFFICER, "hendra", kecamatan=("Panarukan",)))
    page = client.get("/today").get_data(as_text=True)
    assert "workingset.js" in page and "data-officer-phone" in page


def test_a_prospect_card_no_longer_carries_the_name_in_the_visit_link(client, db):
    officer = make_user(Role.OFFICER, "hendra", kecamatan=("Panarukan",))
    prospect = make_prospect("Siti Aminah", "Kilensari", officer=officer)
    sign_in(client, officer)
    page = client.get("/today").get_data(as_text=True)
    assert f'href="/visits/new?prospect={prospect.id}"' in page and "#Siti" not in page
