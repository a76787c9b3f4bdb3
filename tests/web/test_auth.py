import pytest

from crm.models import AuditEvent, Role, User
from tests.factories import PASSWORD, is_signed_in, make_user, sign_in

WRONG_LOGIN_MESSAGES = ("The email/username or password is wrong.", "Email/nama pengguna atau kata sandi salah.")


def test_sign_in_with_username_or_email_reaches_home(client, db):
    user = make_user(Role.MANAGER, "yuli", email="yuli@sasar.example")
    response = client.post("/login", data={"login": "YULI@sasar.example", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert "Yuli" in client.get("/").get_data(as_text=True)
    client.post("/logout")
    assert client.post("/login", data={"login": " yuli ", "password": PASSWORD}).status_code == 302
    assert db.session.get(User, user.id).last_login_at is not None


def test_wrong_password_and_unknown_user_get_the_same_message(client, db):
    make_user(Role.OFFICER, "hendra")
    wrong_password = client.post("/login", data={"login": "hendra", "password": "nope-nope-nope"})
    unknown_user = client.post("/login", data={"login": "nobody", "password": "nope-nope-nope"})
    for response in (wrong_password, unknown_user):
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert any(message in page for message in WRONG_LOGIN_MESSAGES)
    assert not is_signed_in(client)  # still signed out


def test_sign_in_keeps_only_local_next_targets(client, db):
    user = make_user(Role.ADMIN, "dimas")
    response = client.post("/login?next=/users", data={"login": user.login, "password": PASSWORD})
    assert response.headers["Location"] == "/users"
    client.post("/logout")
    response = client.post("/login?next=//evil.example/x", data={"login": user.login, "password": PASSWORD})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", ["/%09/evil.example/", "/%0a/x", "/%5C%5Cevil.example/", "/%2509/evil.example/"])
def test_sign_in_never_leaves_the_site_through_an_encoded_next(client, db, target):
    user = make_user(Role.ADMIN, "dimas")
    response = client.post(f"/login?next={target}", data={"login": user.login, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_sign_out_ends_the_session(client, db):
    sign_in(client, make_user(Role.MANAGER, "yuli"))
    assert is_signed_in(client)
    client.post("/logout")
    assert not is_signed_in(client)


def test_deactivated_user_is_signed_out_at_once_and_cannot_sign_in(app, client, db):
    admin = make_user(Role.ADMIN, "dimas")
    officer = make_user(Role.OFFICER, "hendra", kecamatan=("Panarukan",))
    officer_client = app.test_client()
    sign_in(officer_client, officer)
    assert is_signed_in(officer_client)

    sign_in(client, admin)
    response = client.post(f"/users/{officer.id}/active", data={"active": "0"})
    assert response.status_code == 302

    assert not is_signed_in(officer_client)
    assert officer_client.post("/login", data={"login": "hendra", "password": PASSWORD}).status_code == 200
    assert db.session.query(AuditEvent).filter_by(action="deactivate", entity_id=str(officer.id)).count() == 1


def test_password_change_ends_other_sessions_but_keeps_this_one(app, client, db):
    user = make_user(Role.OFFICER, "hendra")
    other_device = app.test_client()
    sign_in(client, user)
    sign_in(other_device, user)
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "new_password": "a-new-long-password", "confirm": "a-new-long-password"})
    assert response.status_code == 302
    assert is_signed_in(client)
    assert not is_signed_in(other_device)
    assert client.post("/logout").status_code == 302
    assert client.post("/login", data={"login": "hendra", "password": "a-new-long-password"}).status_code == 302


def test_password_is_stored_hashed(db):
    user = make_user(Role.ADMIN, "dimas")
    assert PASSWORD not in user.password_hash
    assert user.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_forms_refuse_a_post_without_csrf_token(app, client, db):
    make_user(Role.ADMIN, "dimas")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/login", data={"login": "dimas", "password": PASSWORD})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert not is_signed_in(client)


def test_a_wrong_current_password_is_said_under_that_field(client, db):
    sign_in(client, make_user(Role.OFFICER, "hendra"))
    page = client.post("/account/password", data={
        "current_password": "wrong-password", "new_password": "a-new-long-password",
        "confirm": "a-new-long-password"}).get_data(as_text=True)
    current = page[page.index('id="current_password"'):]
    assert "Kata sandi saat ini salah." in current[:current.index("</div>")]
