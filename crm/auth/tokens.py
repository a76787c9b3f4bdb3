"""API bearer tokens: shown once when made, stored only as a SHA-256 digest."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from crm.extensions import db
from crm.models import ApiToken, User
from crm.models.base import utcnow

TOKEN_PREFIX = "sasar_"  # noqa: S105 - a public prefix that marks Sasar tokens


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


LAST_USE_PRECISION = timedelta(minutes=5)  # how exactly a token's last use is recorded


def issue_token(user: User, name: str) -> IssuedToken:
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, prefix=secret[: len(TOKEN_PREFIX) + 4],
                     token_hash=_digest(secret))
    db.session.add(token)
    return IssuedToken(token, secret)


def authenticate(authorization_header: str | None) -> User | None:
    """The active user holding the bearer token in the header, or None."""
    scheme, _, secret = (authorization_header or "").partition(" ")
    if scheme.lower() != "bearer" or not secret.startswith(TOKEN_PREFIX):
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(secret.strip()))
                              .options(joinedload(ApiToken.user)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_PRECISION:
        # Not on every request: a write (and a commit) per API call would cost more than the call itself.
        token.last_used_at = now
        db.session.commit()
    return token.user
