from sqlalchemy import select

from crm.models import AuditEvent, Role
from tests.factories import PASSWORD, make_user


def _try(client, login, password):
    return client.post("/login", data={"login": login, "password": password})


def test_repeated_failures_lock_the_login_for_a_while_even_with_the_right_password(client, db):
    make_user(Role.OFFICER, "hendra")
    for _ in range(5):
        assert _try(client, "hendra", "wrong-password-1").status_code == 200
    locked = _try(client, "hendra", PASSWORD)
    assert locked.status_code == 429
    assert "15" in locked.get_data(as_text=True)
    failures = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "login_failed")).all()
    assert len(failures) == 5 and {f.entity_id for f in failures} == {"hendra"}


def test_a_success_clears_earlier_failures(client, db):
    make_user(Role.OFFICER, "hendra")
    for _ in range(4):
        _try(client, "hendra", "wrong-password-1")
    assert _try(client, "hendra", PASSWORD).status_code == 302
    client.post("/logout")
    for _ in range(4):
        _try(client, "hendra", "wrong-password-1")
    assert _try(client, "hendra", PASSWORD).status_code == 302


def test_sign_ins_are_recorded(client, db):
    user = make_user(Role.MANAGER, "yuli")
    _try(client, "yuli", PASSWORD)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "login"))
    assert event.actor_id == user.id and event.ip == "127.0.0.1"


def test_locking_one_login_leaves_others_alone(client, db):
    make_user(Role.OFFICER, "hendra")
    make_user(Role.OFFICER, "rizki")
    for _ in range(6):
        _try(client, "hendra", "wrong-password-1")
    assert _try(client, "rizki", PASSWORD).status_code == 302
