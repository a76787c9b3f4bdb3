"""Names and notes carrying markup render as text; injection attempts in search fields are just text."""

import uuid

import pytest
from werkzeug.datastructures import ImmutableMultiDict

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


MARKUP = '<a href=//evil.example>Masuk lagi</a><script>steal()</script>'


class RecordingArgs(ImmutableMultiDict):
    """Query parameters that remember which names a page asked for."""

    asked: set[str] = set()

    def get(self, key, *args, **kwargs):
        RecordingArgs.asked.add(key)
        return super().get(key, *args, **kwargs)

    def getlist(self, key, *args, **kwargs):
        RecordingArgs.asked.add(key)
        return super().getlist(key, *args, **kwargs)

    def __getitem__(self, key):
        RecordingArgs.asked.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        RecordingArgs.asked.add(key)
        return super().__contains__(key)


def _get_pages(app):
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and not rule.rule.startswith(("/static", "/api/")):
            yield rule.rule


@pytest.mark.parametrize("role", [Role.ADMIN, Role.MANAGER, Role.OFFICER, Role.LIAISON])
def test_markup_in_every_query_parameter_of_every_page_is_shown_as_text(app, client, db, monkeypatch, role):
    user = make_user(role, agency_code="DISNAKKAN" if role is Role.LIAISON else None,
                     kecamatan=("Panarukan",) if role is Role.OFFICER else ())
    prospect = make_prospect("Siti Aminah", officer=user if role is Role.OFFICER else None)
    sign_in(client, user)
    monkeypatch.setattr(app.request_class, "parameter_storage_class", RecordingArgs)
    pages = [*((url, {}) for url in _get_pages(app)), (f"/prospects/{prospect.id}", {}),
             ("/visits/new", {"prospect": prospect.id})]
    checked = set()
    for url, needed in pages:
        RecordingArgs.asked = set()
        client.get(url, query_string=needed)
        names = RecordingArgs.asked | {"next", "q", "x"}
        response = client.get(url, query_string={**{name: MARKUP for name in names}, **needed})
        assert response.status_code < 500, f"{url} with markup in {sorted(names)}"
        if response.mimetype == "text/html":
            body = response.get_data(as_text=True)
            assert "<a href=//evil.example" not in body and "<script>steal()" not in body, \
                f"{url}: markup rendered from one of {sorted(names)}"
        checked |= RecordingArgs.asked
    # the walk did reach the pages that read filters
    assert {"page"} <= checked if role is Role.LIAISON else {"agency", "q", "stage", "page"} <= checked
