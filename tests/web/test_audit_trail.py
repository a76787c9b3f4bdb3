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
    assert [(r["Kode peristiwa"], r["ID data"]) for r in rows] == [("login_failed", "nobody")]
    assert rows[0]["Peristiwa"] == "Gagal masuk sebagai nobody"


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
    assert [row["Kode peristiwa"] for row in rows] == ["create", "login"]


def test_events_read_as_labelled_indonesian_sentences_on_the_page_and_in_the_csv(client, db):
    admin = make_user(Role.ADMIN, "dimas", name="Dimas Pratama")
    sign_in(client, admin)
    form = {"target-year": "2026", "target-participants": "23.000", "target-baseline": "20.797"}
    assert client.post("/targets/settings", data=form).status_code == 302
    assert client.post("/targets/settings", data={**form, "target-participants": "24.000"}).status_code == 302
    page = client.get("/audit?entity=target").get_data(as_text=True)
    assert "Dimas Pratama mengubah target 2026: 23.000 → 24.000" in page
    assert "Dimas Pratama menetapkan target 2026: peserta 23.000; baseline 20.797" in page
    assert "{&#34;" not in page and '{"' not in page  # no raw JSON
    rows = list(csv.DictReader(io.StringIO(client.get("/audit/export.csv?entity=target").get_data(as_text=True))))
    assert sorted(r["Peristiwa"] for r in rows) == [
        "Dimas Pratama menetapkan target 2026: peserta 23.000; baseline 20.797",
        "Dimas Pratama mengubah target 2026: 23.000 → 24.000"]
    assert {r["Kode peristiwa"] for r in rows} == {"set", "update"} and rows[0]["Siapa"] == "Dimas Pratama"
    assert "<option value=\"update\">mengubah</option>" in page
