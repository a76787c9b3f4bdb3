"""Bahasa Indonesia by default, English on request; the choice is remembered."""

from crm.models import Role, User
from tests.factories import make_user, sign_in


def page(client, path: str = "/login") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def choose(client, language: str, next_path: str = "/login"):
    return client.post("/language", data={"language": language, "next": next_path})


def test_sign_in_page_is_indonesian_by_default(client, db):
    html = page(client)
    assert '<html lang="id">' in html
    assert "Masuk" in html and "Kata sandi" in html
    assert "Sign in" not in html


def test_choosing_english_switches_the_pages_and_is_remembered(client, db):
    response = choose(client, "en")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    for _ in range(2):
        html = page(client)
        assert '<html lang="en">' in html and "Sign in" in html and "Password" in html
        assert "Masuk" not in html
    choose(client, "id")
    assert '<html lang="id">' in page(client)


def test_wrong_password_message_follows_the_language(client, db):
    make_user(Role.OFFICER, "hendra")
    html = client.post("/login", data={"login": "hendra", "password": "nope-nope-nope"}).get_data(as_text=True)
    assert "Email/nama pengguna atau kata sandi salah." in html
    choose(client, "en")
    html = client.post("/login", data={"login": "hendra", "password": "nope-nope-nope"}).get_data(as_text=True)
    assert "The email/username or password is wrong." in html


def test_form_checks_speak_the_language_too(client, db):
    html = client.post("/login", data={"login": "", "password": ""}).get_data(as_text=True)
    assert "Kolom ini wajib diisi." in html and "This field is required." not in html
    choose(client, "en")
    html = client.post("/login", data={"login": "", "password": ""}).get_data(as_text=True)
    assert "This field is required." in html


def test_language_choice_only_redirects_within_the_site(client, db):
    response = choose(client, "en", next_path="//evil.example/x")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    for encoded in ("/\t/evil.example/", "/\n/x", "/%09/evil.example/"):
        response = choose(client, "en", next_path=encoded)
        assert response.status_code == 302 and response.headers["Location"] == "/", encoded


def test_signed_in_users_choice_is_kept_on_their_account(app, client, db):
    user = make_user(Role.MANAGER, "yuli")
    sign_in(client, user)
    assert '<html lang="id">' in page(client, "/")
    assert choose(client, "en", next_path="/").headers["Location"] == "/"
    html = page(client, "/")
    assert '<html lang="en">' in html and "Sign out" in html
    db.session.expire_all()
    assert db.session.get(User, user.id).locale == "en"

    client.post("/logout")
    assert '<html lang="en">' in page(client)  # the session still knows after signing out

    other_device = app.test_client()
    assert '<html lang="id">' in page(other_device)  # a fresh browser starts in Indonesian...
    sign_in(other_device, user)
    html = page(other_device, "/")
    assert '<html lang="en">' in html and "Sign out" in html  # ...until the account's choice applies


def test_unknown_language_is_refused(client, db):
    user = make_user(Role.MANAGER, "yuli")
    sign_in(client, user)
    assert choose(client, "fr", next_path="/").status_code == 400
    assert client.post("/language", data={"next": "/"}).status_code == 400
    assert '<html lang="id">' in page(client, "/")
    db.session.expire_all()
    assert db.session.get(User, user.id).locale is None
