"""Names and notes carrying markup render as text; injection attempts in search fields are just text."""

import uuid

import pytest

from crm.models import Role, Stage
from tests.factories import make_prospect, make_user, sign_in

SCRIPT_NAME = '<script>alert("sasar")</script><img src=x onerror=alert(1)>'
INJECTIONS = ["' OR 1=1 --", "'; DROP TABLE prospect; --", '" OR ""="', "%' OR '%'='", "\\'; SELECT pg_sleep(1); --"]


def test_markup_in_names_and_notes_is_shown_as_text_everywhere(client, db):
    officer = make_user(Role.OFFICER, "hendra", kecamatan=("Panarukan",))
    prospect = make_prospect(SCRIPT_NAME, officer=officer, stage=Stage.CONTACTED)
    sign_in(client, officer)
    client.post("/visits/sync", json={"id": str(uuid.uuid4()), "prospect_id": prospect.id, "outcome": "interested",
                                      "notes": "<b>bold</b><script>steal()</script>"})
    for url in ("/today", "/prospects", f"/prospects/{prospect.id}", f"/visits/new?prospect={prospect.id}"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in page and "<img src=x" not in page, url
        assert "&lt;script&gt;alert(" in page, url
    detail = client.get(f"/prospects/{prospect.id}").get_data(as_text=True)
    assert "<script>steal()" not in detail and "&lt;b&gt;bold&lt;/b&gt;" in detail


@pytest.mark.parametrize("attempt", INJECTIONS)
def test_injection_attempts_in_search_fields_return_ordinary_results(client, db, attempt):
    officer = make_user(Role.ADMIN, "dimas")
    make_prospect("Siti Aminah")
    sign_in(client, officer)
    listing = client.get("/prospects", query_string={"q": attempt})
    assert listing.status_code == 200 and "Siti Aminah" not in listing.get_data(as_text=True)
    assert client.get("/audit", query_string={"actor": attempt, "entity_id": attempt}).status_code == 200
    assert client.get("/privacy", query_string={"nik": attempt}).status_code == 200
    filters = {name: attempt for name in ("from", "to", "branch", "agency", "kecamatan", "desa", "officer", "sector",
                                          "batch")}
    assert client.get("/dashboard", query_string=filters).status_code == 200
    assert client.get("/api/v1/stats/funnel", query_string=filters).status_code == 401  # tokens only, no crash
    assert "Siti Aminah" in client.get("/prospects", query_string={"q": "Siti"}).get_data(as_text=True)
