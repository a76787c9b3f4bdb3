"""Account rules, called as the web, the API and the CLI call them (no client)."""

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from crm import reference
from crm.auth import accounts
from crm.errors import Invalid
from crm.models import Branch, Region, RegionLevel, Role
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


def test_an_officer_covers_only_kecamatan_of_the_accounts_branch(db):
    elsewhere = Region(branch=Branch(code="ZZT", name="Cabang Uji"), level=RegionLevel.KECAMATAN, name="Genteng")
    db.session.add(elsewhere)
    db.session.flush()
    desa = db.session.scalar(select(Region).where(Region.level == RegionLevel.DESA))
    sbo = reference.branch_by_code("SBO")
    for wrong in (elsewhere, desa):
        with pytest.raises(Invalid) as refused:
            accounts.create_user(accounts.AccountDetails(name="Budi", role=Role.OFFICER, username="budi",
                                                         kecamatan=[wrong]), PASSWORD, sbo)
        assert refused.value.field == "kecamatan"
    officer = make_user(Role.OFFICER, "hendra", kecamatan=("Panarukan",))
    with pytest.raises(Invalid):
        accounts.update_user(officer, accounts.AccountDetails(name="Hendra", role=Role.OFFICER, username="hendra",
                                                              kecamatan=[elsewhere]))
