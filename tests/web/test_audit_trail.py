import csv
import io

import pytest
from sqlalchemy import select

from crm.audit import AuditTrailIsAppendOnly
from crm.models import AuditEvent, Role
from tests.factories import PASSWORD, make_user, sign_in


def test_admin_finds_who_changed_a_user_with_before_and_after(client, db):
    admin = make_user(Role.ADMIN, "dimas", name="Dimas Pratama")
    officer = make_user(Role.OFFICER, "bayu", kecamatan=("Kendit",))
    sign_in(client, admin)
    client.post("/language", data={"language": "en"})
    client.post(f"/users/{officer.id}/edit", data={"name": "Bayu Saputra", "username": "bayu", "role": "manager"})
    page = client.get(f"/audit?action=update&entity=user&entity_id={officer.id}").get_data(as_text=True)
    assert "Dimas Pratama" in page and "Bayu Saputra" in page and "manager" in page
    assert "1 events" in page


def test_audit_export_is_a_csv_of_the_matching_events(client, db):
    admin = make_user(Role.ADMIN, "dimas")
    client.post("/login", data={"login": "nobody", "password": "whatever-long"})
    sign_in(client, admin)
    response = client.get("/audit/export.csv?action=login_failed")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert response.mimetype == "text/csv"
    assert [(r["action"], r["entity_id"]) for r in rows] == [("login_failed", "nobody")]


def test_events_cannot_be_changed_or_deleted(db):
    make_user(Role.ADMIN, "dimas")
    event = db.session.scalar(select(AuditEvent))
    event.action = "nothing happened"
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.scalar(select(AuditEvent)))
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.commit()
    db.session.rollback()


def test_only_admins_read_the_trail(client, db):
    sign_in(client, make_user(Role.MANAGER, "yuli", password=PASSWORD))
    assert client.get("/audit").status_code == 403
    assert client.get("/audit/export.csv").status_code == 403


def test_audit_export_streams_its_rows_once_the_view_has_returned(app, db):
    """A server reads a streamed body after the request's context is gone: the test does as gunicorn does, on
    a thread of its own (where the test's application context does not reach) with Flask's plain client."""
    import threading

    from flask.testing import FlaskClient

    login = make_user(Role.ADMIN, "dimas").login
    outcome = {}

    def download():
        client = FlaskClient(app, app.response_class, use_cookies=True)
        client.post("/login", data={"login": login, "password": PASSWORD})
        response = client.get("/audit/export.csv")
        try:
            outcome["body"] = response.get_data(as_text=True)
        except Exception as error:  # noqa: BLE001 - the failure is what the test reports
            outcome["error"] = error

    worker = threading.Thread(target=download)
    worker.start()
    worker.join()
    assert "error" not in outcome, outcome.get("error")
    rows = list(csv.DictReader(io.StringIO(outcome["body"])))
    assert [row["action"] for row in rows] == ["create", "login"]
