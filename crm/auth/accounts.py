"""Accounts: creating, changing and authenticating the people who use Sasar."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from werkzeug.security import check_password_hash, generate_password_hash

from crm import audit
from crm.errors import Conflict, DomainError, Invalid, NotFound
from crm.extensions import db
from crm.models import Agency, AuditEvent, Branch, Region, RegionLevel, Role, User
from crm.models.base import utcnow
from crm.models.user import new_session_token
from crm.prospects import scope

MIN_PASSWORD_LENGTH = 10
LOCKOUT_WINDOW = timedelta(minutes=15)
LOCKOUT_FAILURES_PER_LOGIN = 5
LOCKOUT_FAILURES_PER_IP = 30  # a whole office can share one address behind NAT


def hash_password(password: str) -> str:
    """The stored form of a password, by the method configured (scrypt unless a test asks for a cheap one)."""
    return generate_password_hash(password, method=current_app.config["SASAR_PASSWORD_HASH_METHOD"])


@cache
def _unknown_user_hash(method: str) -> str:
    """Compared against when the login is unknown, so both failures take the same time."""
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


@dataclass
class AccountDetails:
    name: str
    role: Role
    email: str | None = None
    username: str | None = None
    agency: Agency | None = None
    kecamatan: list[Region] | None = None


def normalise_login(login: str | None) -> str | None:
    login = (login or "").strip().lower()
    return login or None


# No 0/O, 1/l/I: generated passwords are read aloud and typed on phones.
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105 - an alphabet, not a password


def generate_password(length: int = 14) -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))


def check_password_policy(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(_l("The password must be at least %(n)d characters long.", n=MIN_PASSWORD_LENGTH),
                      field="password")


def find_by_login(login: str) -> User | None:
    login = normalise_login(login)
    if login is None:
        return None
    return db.session.scalar(select(User).where(or_(func.lower(User.email) == login,
                                                    func.lower(User.username) == login)))


class SignInLocked(DomainError):
    status = 429


def _failures_since(since: datetime, *, login_key: str | None = None, ip: str | None = None) -> int:
    query = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "login_failed",
                                                              AuditEvent.at >= since)
    if login_key is not None:
        query = query.where(AuditEvent.entity_id == login_key)
    if ip is not None:
        query = query.where(AuditEvent.ip == ip)
    return db.session.scalar(query)


def _check_not_locked(login_key: str, user: User | None, ip: str | None, now: datetime) -> None:
    since = now - LOCKOUT_WINDOW
    if user is not None and user.last_login_at is not None:
        since = max(since, user.last_login_at)  # a success clears the count
    locked = _failures_since(since, login_key=login_key) >= LOCKOUT_FAILURES_PER_LOGIN
    if ip is not None and not locked:
        locked = _failures_since(now - LOCKOUT_WINDOW, ip=ip) >= LOCKOUT_FAILURES_PER_IP
    if locked:
        raise SignInLocked(_l("Too many failed sign-ins. Wait %(minutes)d minutes and try again.",
                              minutes=int(LOCKOUT_WINDOW.total_seconds() // 60)))


def authenticate(login: str, password: str, *, ip: str | None = None) -> User | None:
    """The active user with this login and password; None for any failure, without saying which.

    Every attempt is recorded in the audit trail; after repeated failures for one login (or from one
    address) the sign-in is refused for a while, whether or not the password is right. The caller commits.
    """
    login_key = normalise_login(login) or ""
    now = utcnow()
    user = find_by_login(login_key)
    _check_not_locked(login_key, user, ip, now)
    if user is None:
        check_password_hash(_unknown_user_hash(current_app.config["SASAR_PASSWORD_HASH_METHOD"]), password)
    if user is None or not check_password_hash(user.password_hash, password) or not user.active:
        audit.record("login_failed", "login", login_key, ip=ip, branch_id=user.branch_id if user else None)
        return None
    user.last_login_at = now
    audit.record("login", "user", user.id, actor=user, ip=ip, branch_id=user.branch_id)
    return user


def _validate(details: AccountDetails, existing: User | None, branch: Branch) -> None:
    if not details.name.strip():
        raise Invalid(_l("A name is required."), field="name")
    if not (details.email or details.username):
        raise Invalid(_l("Give an email address or a username."), field="email")
    if details.role is Role.LIAISON and details.agency is None:
        raise Invalid(_l("A liaison must belong to an agency."), field="agency")
    for region in details.kecamatan or []:
        if region.level is not RegionLevel.KECAMATAN or region.branch_id != branch.id:
            raise Invalid(_l("%(name)s is not a kecamatan of this branch.", name=region.name), field="kecamatan")
    for field, value in (("email", details.email), ("username", details.username)):
        if value is None:
            continue
        other = find_by_login(value)
        if other is not None and other is not existing:
            raise Conflict(_l("%(login)s is already used by another account.", login=value), field=field)


def _apply(user: User, details: AccountDetails) -> None:
    user.name = details.name.strip()
    user.email = normalise_login(details.email)
    user.username = normalise_login(details.username)
    user.role = details.role
    user.agency = details.agency if details.role is Role.LIAISON else None
    user.kecamatan = list(details.kecamatan or []) if details.role is Role.OFFICER else []


def snapshot(user: User) -> dict:
    return {"name": user.name, "email": user.email, "username": user.username, "role": user.role.value,
            "agency": user.agency.code if user.agency else None, "active": user.active,
            "kecamatan": [region.name for region in user.kecamatan]}


def accounts_seen_by(actor: User) -> list[User]:
    """The accounts of the branches `actor` may see, active first."""
    return list(db.session.scalars(select(User).where(scope.visible_users(actor))
                                   .order_by(User.active.desc(), User.role, User.name)))


def account_for(actor: User, user_id: int) -> User:
    """The account, if it is in a branch `actor` may see; NotFound otherwise."""
    user = db.session.scalar(select(User).where(User.id == user_id, scope.visible_users(actor)))
    if user is None:
        raise NotFound(_l("There is no such account."))
    return user


def create_user(details: AccountDetails, password: str, branch: Branch, *, actor=None, ip=None) -> User:
    details.email, details.username = normalise_login(details.email), normalise_login(details.username)
    _validate(details, None, branch)
    check_password_policy(password)
    user = User(branch=branch, password_hash=hash_password(password))
    _apply(user, details)
    db.session.add(user)
    db.session.flush()
    audit.record("create", "user", user.id, actor=actor, branch_id=branch.id, ip=ip, after=snapshot(user))
    return user


def update_user(user: User, details: AccountDetails, *, actor=None, ip=None) -> User:
    details.email, details.username = normalise_login(details.email), normalise_login(details.username)
    _validate(details, user, user.branch)
    before = snapshot(user)
    _apply(user, details)
    audit.record("update", "user", user.id, actor=actor, branch_id=user.branch_id, ip=ip,
                 before=before, after=snapshot(user))
    return user


def set_password(user: User, password: str, *, actor=None, ip=None) -> None:
    """Change the password; every session of the user ends."""
    check_password_policy(password)
    user.password_hash = hash_password(password)
    user.session_token = new_session_token()
    audit.record("password", "user", user.id, actor=actor, branch_id=user.branch_id, ip=ip)


def change_own_password(user: User, current: str, new: str, *, ip=None) -> None:
    """A user changing their own password proves they know the current one first."""
    if not check_password_hash(user.password_hash, current or ""):
        raise Invalid(_l("The current password is wrong."), field="current_password")
    set_password(user, new, actor=user, ip=ip)


def set_active(user: User, active: bool, *, actor=None, ip=None) -> None:
    """Activate or deactivate; deactivating ends every session of the user at once."""
    if actor is not None and actor.id == user.id and not active:
        raise Invalid(_l("You cannot deactivate your own account."))
    before = snapshot(user)
    user.active = active
    if not active:
        user.session_token = new_session_token()
    audit.record("activate" if active else "deactivate", "user", user.id, actor=actor,
                 branch_id=user.branch_id, ip=ip, before=before, after=snapshot(user))
