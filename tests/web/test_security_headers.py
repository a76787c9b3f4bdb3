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
    assert "private" in response.headers["Cache-Control"]


def test_session_cookie_is_httponly_and_samesite(client, db):
    response = client.post("/login", data={"login": make_user(Role.MANAGER).login,
                                           "password": "correct-horse-battery"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_map_tiles_host_is_the_only_outside_image_source():
    csp = content_security_policy({"SASAR_MAP_TILE_URL": "https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png"})
    assert "img-src 'self' data: https://*.tile.openstreetmap.org" in csp
    assert "img-src 'self' data:;" in content_security_policy({})
