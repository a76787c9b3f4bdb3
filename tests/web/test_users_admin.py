import re

from sqlalchemy import select
from werkzeug.security import check_password_hash

from crm.models import AuditEvent, Region, Role, User
from tests.factories import is_signed_in, make_user, sign_in


def _panarukan_id(db) -> int:
    return db.session.scalar(select(Region.id).where(Region.name == "Panarukan"))


def test_admin_creates_an_officer_who_can_sign_in(app, client, db):
    sign_in(client, make_user(Role.ADMIN, "dimas"))
    response = client.post("/users/new", data={
        "name": "Hendra Wijaya", "username": "hendra", "email": "hendra@sasar.example", "role": "officer",
        "kecamatan": [_panarukan_id(db)], "password": "motor-ke-tanjung-kamal"}, follow_redirects=True)
    assert response.status_code == 200
    assert "Hendra Wijaya" in response.get_data(as_text=True)
    hendra = db.session.scalar(select(User).where(User.username == "hendra"))
    assert hendra.role is Role.OFFICER and [k.name for k in hendra.kecamatan] == ["Panarukan"]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.entity_id == str(hendra.id))).after["role"] \
        == "officer"
    officer = app.test_client()
    assert officer.post("/login", data={"login": "hendra", "password": "motor-ke-tanjung-kamal"}).status_code == 302


def test_generated_password_is_shown_once_to_the_admin(client, db):
    sign_in(client, make_user(Role.ADMIN, "dimas"))
    page = client.post("/users/new", data={"name": "Yuli", "username": "yuli", "role": "manager"},
                       follow_redirects=True).get_data(as_text=True)
    user = db.session.scalar(select(User).where(User.username == "yuli"))
    assert user is not None
    flash = re.search(r'class="flash flash-success">(.*?)</p>', page, re.S).group(1)
    password = re.search(r"\b[A-Za-z0-9]{14}\b", flash).group(0)
    assert check_password_hash(user.password_hash, password)
    assert password not in client.get("/users").get_data(as_text=True)


def test_invalid_user_form_keeps_what_was_typed_and_says_why(client, db):
    sign_in(client, make_user(Role.ADMIN, "dimas"))
    make_user(Role.MANAGER, "yuli")
    response = client.post("/users/new", data={"name": "Ratna Kusuma", "username": "yuli", "role": "liaison",
                                               "agency": "DISNAKKAN", "password": "long-enough-pass"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Ratna Kusuma"' in page
    assert "yuli" in page
    assert db.session.scalar(select(User).where(User.name == "Ratna Kusuma")) is None

    short = client.post("/users/new", data={"name": "Ratna", "username": "ratna", "role": "liaison",
                                            "agency": "DISNAKKAN", "password": "short"})
    assert short.status_code == 200 and "10" in short.get_data(as_text=True)
    no_agency = client.post("/users/new", data={"name": "Ratna", "username": "ratna", "role": "liaison"})
    assert no_agency.status_code == 200
    assert db.session.scalar(select(User).where(User.username == "ratna")) is None


def test_admin_edits_a_user_and_resets_the_password(app, client, db):
    sign_in(client, make_user(Role.ADMIN, "dimas"))
    officer = make_user(Role.OFFICER, "bayu", kecamatan=("Kendit",))
    officer_client = app.test_client()
    sign_in(officer_client, officer)
    response = client.post(f"/users/{officer.id}/edit", data={
        "name": "Bayu Saputra", "username": "bayu", "role": "officer", "kecamatan": [_panarukan_id(db)],
        "password": "a-fresh-password-1"})
    assert response.status_code == 302
    db.session.expire_all()
    bayu = db.session.get(User, officer.id)
    assert bayu.name == "Bayu Saputra" and [k.name for k in bayu.kecamatan] == ["Panarukan"]
    assert not is_signed_in(officer_client)  # the reset ended the old session
    assert app.test_client().post("/login", data={"login": "bayu", "password": "a-fresh-password-1"}) \
        .status_code == 302


def test_admin_cannot_deactivate_themselves(client, db):
    admin = make_user(Role.ADMIN, "dimas")
    sign_in(client, admin)
    client.post(f"/users/{admin.id}/active", data={"active": "0"})
    db.session.expire_all()
    assert db.session.get(User, admin.id).active
    assert is_signed_in(client)


def test_a_new_account_has_no_role_until_the_admin_chooses_one(client, db):
    sign_in(client, make_user(Role.ADMIN, "dimas"))
    form = client.get("/users/new").get_data(as_text=True)
    role_select = form.split('name="role"')[1].split("</select>")[0]
    assert '<option value="">' in role_select and "selected" not in role_select
    response = client.post("/users/new", data={"name": "Fajar Ramadhan", "username": "fajar"})
    assert response.status_code == 200 and "Pilih peran." in response.get_data(as_text=True)
    assert 'value="Fajar Ramadhan"' in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.username == "fajar")) is None


def test_the_password_hint_says_what_an_empty_field_does(client, db):
    sign_in(client, make_user(Role.ADMIN, "dimas"))
    hendra = make_user(Role.OFFICER, "hendra")
    assert "Kosongkan agar dibuatkan secara otomatis" in client.get("/users/new").get_data(as_text=True)
    edit = client.get(f"/users/{hendra.id}/edit").get_data(as_text=True)
    assert "Kosongkan agar dibuatkan" not in edit and "Kosongkan agar kata sandi tetap" in edit


def test_deactivating_asks_first_and_works_without_script(app, client, db):
    sign_in(client, make_user(Role.ADMIN, "dimas"))
    hendra = make_user(Role.OFFICER, "hendra", name="Hendra Wijaya")
    listing = client.get("/users").get_data(as_text=True)
    assert f'href="/users/{hendra.id}/deactivate" data-deactivate' in listing
    confirm = client.get(f"/users/{hendra.id}/deactivate").get_data(as_text=True)
    assert "Nonaktifkan Hendra Wijaya?" in confirm and "data-confirm-deactivate" in confirm
    db.session.expire_all()
    assert db.session.get(User, hendra.id).active  # looking at the question changes nothing
    action = re.search(r'<form method="post" action="([^"]+)"', confirm.split("data-confirm-deactivate")[1]).group(1)
    assert client.post(action, data={"active": "0"}).status_code == 302
    db.session.expire_all()
    assert not db.session.get(User, hendra.id).active
