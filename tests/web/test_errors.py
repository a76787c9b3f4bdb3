from crm.models import Role
from tests.factories import make_user, sign_in


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
