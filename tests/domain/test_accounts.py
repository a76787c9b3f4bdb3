"""Account rules, called as the web, the API and the CLI call them (no client)."""

import pytest
from werkzeug.security import check_password_hash

from crm.auth import accounts
from crm.errors import Invalid
from crm.models import Role
from tests.factories import PASSWORD, make_user


def test_changing_ones_own_password_needs_the_current_one(db):
    user = make_user(Role.OFFICER, "hendra")
    with pytest.raises(Invalid) as refused:
        accounts.change_own_password(user, "not-the-password", "a-new-long-password")
    assert refused.value.field == "current_password"
    assert check_password_hash(user.password_hash, PASSWORD)


def test_changing_ones_own_password_keeps_the_password_rule(db):
    user = make_user(Role.OFFICER, "hendra")
    with pytest.raises(Invalid) as refused:
        accounts.change_own_password(user, PASSWORD, "short")
    assert refused.value.field == "password"


def test_changing_ones_own_password_ends_every_session(db):
    user = make_user(Role.OFFICER, "hendra")
    token = user.session_token
    accounts.change_own_password(user, PASSWORD, "a-new-long-password")
    assert check_password_hash(user.password_hash, "a-new-long-password")
    assert user.session_token != token
