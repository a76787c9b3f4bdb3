from crm.models import Role
from crm.security import content_security_policy
from tests.factories import make_user, sign_in


def test_pages_carry_security_headers_and_a_strict_csp(client, db):
    sign_in(client, make_user(Role.MANAGER))
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_session_cookie_is_httponly_and_samesite(client, db):
    response = client.post("/login", data={"login": make_user(Role.MANAGER).login,
                                           "password": "correct-horse-battery"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_map_tiles_host_is_the_only_outside_image_source():
    csp = content_security_policy({"SASAR_MAP_TILE_URL": "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"})
    assert "img-src 'self' data: https://*.tile.openstreetmap.org" in csp
    assert "img-src 'self' data:;" in content_security_policy({})


def test_hsts_is_sent_over_https_only(client, db):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    assert client.get("/login", base_url="https://sasar.example").headers["Strict-Transport-Security"] \
        == "max-age=31536000"


def test_method_not_allowed_says_which_methods_are(client, db):
    page = client.delete("/login")
    assert page.status_code == 405 and set(page.headers["Allow"].split(", ")) >= {"GET", "POST"}
    api = client.post("/api/v1/openapi.json")
    assert api.status_code == 405 and "GET" in api.headers["Allow"].split(", ")
    assert api.content_type == "application/problem+json"


def test_the_api_document_never_names_the_requests_host(app, client, db, monkeypatch):
    document = client.get("/api/v1/openapi.json", headers={"Host": "evil.example"}).get_json()
    assert document["servers"] == [{"url": "/api/v1"}]
    monkeypatch.setitem(app.config, "SASAR_PUBLIC_URL", "https://sasar.example.go.id/")
    document = client.get("/api/v1/openapi.json", headers={"Host": "evil.example"}).get_json()
    assert document["servers"] == [{"url": "https://sasar.example.go.id/api/v1"}]


def test_the_installed_app_starts_on_the_page_every_role_may_open(client, db):
    manifest = client.get("/manifest.webmanifest").get_json()
    assert manifest["start_url"] == "/"
    for role in (Role.ADMIN, Role.MANAGER, Role.LIAISON, Role.OFFICER):
        fresh = client.application.test_client()
        sign_in(fresh, make_user(role, agency_code="DINSOS" if role is Role.LIAISON else None))
        assert fresh.get(manifest["start_url"], follow_redirects=True).status_code == 200, role


def test_every_page_behind_sign_in_is_sent_no_store_and_public_pages_may_be_kept_privately(app, client, db):
    """Whatever a signed-in person opens may show personal data: no cache keeps it, not even the browser's. The
    rule is one header for every endpoint not public, so a new page is covered without being listed."""
    import re

    from crm.auth.access import PUBLIC_ENDPOINTS

    sign_in(client, make_user(Role.ADMIN))
    checked = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in ("static", "auth.logout"):
            continue
        response = client.get(re.sub(r"<(?:\w+:)?\w+>", "1", rule.rule))
        public = rule.endpoint in PUBLIC_ENDPOINTS and not rule.rule.startswith("/api/")
        expected = {"private, no-cache", "no-cache"} if public else {"no-store"}
        sent = response.headers.get("Cache-Control")
        assert sent in expected, f"{rule.rule}: {sent}"
        checked.append(rule.rule)
    assert {"/prospects/<int:prospect_id>", "/privacy", "/leads/<int:batch_id>/file", "/api/v1/me/prospects",
            "/audit/export.csv"} <= set(checked)
