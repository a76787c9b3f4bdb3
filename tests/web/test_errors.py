import pytest
from sqlalchemy import select

from crm import audit
from crm.errors import Conflict, Invalid, NotFound
from crm.models import AuditEvent, Role, User
from tests.factories import bearer_for, make_user, sign_in


def test_unknown_page_answers_404_in_the_users_language(client, db):
    sign_in(client, make_user(Role.MANAGER))
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.get_data(as_text=True)
    client.post("/language", data={"language": "en", "next": "/"})
    assert "Page not found" in client.get("/no-such-page").get_data(as_text=True)


def test_forbidden_page_explains_itself(client, db):
    sign_in(client, make_user(Role.OFFICER))
    response = client.get("/users")
    assert response.status_code == 403
    assert "Tidak diizinkan" in response.get_data(as_text=True)


def test_a_crash_shows_a_friendly_page_without_traceback(app, client, db, monkeypatch):
    sign_in(client, make_user(Role.MANAGER))
    original = app.view_functions["main.home"]

    def boom():
        raise RuntimeError("secret internals")

    boom.allowed_roles = original.allowed_roles
    monkeypatch.setitem(app.view_functions, "main.home", boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        response = client.get("/")
    finally:
        app.config["PROPAGATE_EXCEPTIONS"] = None
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internals" not in page and "Traceback" not in page
    assert "Terjadi kesalahan" in page


# --- the edge: one transaction per request, domain errors shown in one place ----------------------

def _replace_view(app, monkeypatch, endpoint, view):
    view.allowed_roles = app.view_functions[endpoint].allowed_roles
    monkeypatch.setitem(app.view_functions, endpoint, view)


def _audit_actions(db) -> list[str]:
    db.session.rollback()
    return list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.entity == "edge-test")))


@pytest.mark.parametrize("status, kept", [(200, True), (302, True), (409, False), (500, False)])
def test_a_request_s_work_is_kept_only_when_it_answers_without_error(app, client, db, monkeypatch, status, kept):
    sign_in(client, make_user(Role.MANAGER))

    def writes_then_answers():
        audit.record("wrote", "edge-test", 1)
        return "", status

    _replace_view(app, monkeypatch, "main.home", writes_then_answers)
    assert client.get("/").status_code == status
    assert _audit_actions(db) == (["wrote"] if kept else [])


@pytest.mark.parametrize("error", [Conflict, NotFound])
def test_a_domain_error_outside_a_form_undoes_the_work_and_answers_with_its_status_and_words(
        app, client, db, monkeypatch, error):
    sign_in(client, make_user(Role.MANAGER))

    def writes_then_refuses():
        audit.record("wrote", "edge-test", 1)
        raise error("edge-test: someone else changed it")

    _replace_view(app, monkeypatch, "main.home", writes_then_refuses)
    response = client.get("/")
    assert response.status_code == error.status
    assert "edge-test: someone else changed it" in response.get_data(as_text=True)
    assert _audit_actions(db) == []


def test_the_api_answers_a_domain_error_with_problem_json_naming_the_field(app, db, monkeypatch):
    def refuses():
        audit.record("wrote", "edge-test", 1)
        raise Invalid("edge-test: too long", field="notes")

    _replace_view(app, monkeypatch, "api.me", refuses)
    response = app.test_client().get("/api/v1/me", headers=bearer_for(make_user(Role.OFFICER)))
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert response.get_json()["field"] == "notes"
    assert _audit_actions(db) == []


def test_a_domain_error_naming_a_field_lands_on_that_field_with_what_was_typed(client, db):
    sign_in(client, make_user(Role.ADMIN, "admin"))
    make_user(Role.OFFICER, "budi", email="budi@example.id")
    page = client.post("/users/new", data={"name": "Rina Typed", "role": "officer", "email": "budi@example.id",
                                           "username": "rina"}).get_data(as_text=True)
    assert 'value="Rina Typed"' in page
    email_field = page[page.index('id="email"'):]
    assert "budi@example.id sudah digunakan oleh akun lain." in email_field[:email_field.index("</div>")]


def test_a_domain_error_undoes_what_the_page_did_before_it(client, db):
    admin = make_user(Role.ADMIN, "admin")
    budi = make_user(Role.OFFICER, "budi", name="Budi")
    sign_in(client, admin)
    # The name change is applied, then the password rule refuses: neither may stay.
    response = client.post(f"/users/{budi.id}/edit", data={"name": "Budi Renamed", "role": "officer",
                                                          "username": "budi", "password": "short"})
    assert response.status_code == 200
    assert "paling sedikit 10 karakter" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(User, budi.id).name == "Budi"


def test_a_domain_error_without_a_field_is_flashed(client, db):
    admin = make_user(Role.ADMIN, "admin")
    sign_in(client, admin)
    response = client.post(f"/users/{admin.id}/active", data={"active": "0"}, follow_redirects=True)
    assert "Anda tidak dapat menonaktifkan akun Anda sendiri." in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(User, admin.id).active
