"""Behind nginx: with SASAR_TRUSTED_PROXIES set, the person's own address and scheme count, not the proxy's."""

import pytest
from sqlalchemy import select

from crm import create_app
from crm.extensions import db as _db
from crm.models import AuditEvent, Role
from tests.factories import PASSWORD, make_user


@pytest.fixture
def proxied_client(app, db):
    """The same database served as behind one proxy."""
    behind_proxy = create_app({**{key: app.config[key] for key in (
        "TESTING", "SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "WTF_CSRF_ENABLED", "SASAR_PASSWORD_HASH_METHOD")},
        "SASAR_TRUSTED_PROXIES": 1})
    behind_proxy.test_client_class = app.test_client_class
    yield behind_proxy.test_client()
    with behind_proxy.app_context():
        _db.engine.dispose()


def _sign_in_from(client, address: str, password: str = PASSWORD, **headers):
    return client.post("/login", data={"login": "dimas", "password": password},
                       headers={"X-Forwarded-For": address, **headers}, environ_base={"REMOTE_ADDR": "10.0.0.2"})


def test_the_audit_records_the_persons_address_not_the_proxys(proxied_client, db):
    make_user(Role.ADMIN, "dimas")
    assert _sign_in_from(proxied_client, "203.0.113.9").status_code == 302
    db.session.expire_all()
    login = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login"))
    assert login.ip == "203.0.113.9"


def test_without_trusted_proxies_forwarded_headers_are_ignored(client, db):
    make_user(Role.ADMIN, "dimas")
    assert _sign_in_from(client, "203.0.113.9").status_code == 302
    login = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login"))
    assert login.ip == "10.0.0.2"


def test_https_at_the_proxy_is_seen_as_https(proxied_client, db):
    response = proxied_client.get("/login", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_the_sign_in_lockout_counts_each_persons_address_apart(proxied_client, db):
    make_user(Role.ADMIN, "dimas")
    for attempt in range(30):
        proxied_client.post("/login", data={"login": f"nobody{attempt}", "password": "wrong"},
                            headers={"X-Forwarded-For": "203.0.113.9"}, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert _sign_in_from(proxied_client, "203.0.113.9").status_code == 429  # that address is locked out
    assert _sign_in_from(proxied_client, "203.0.113.10").status_code == 302  # a colleague behind the same proxy
