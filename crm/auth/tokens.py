"""API bearer tokens: shown once when made, stored only as a SHA-256 digest."""

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select

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
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _digest(secret.strip())))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    token.last_used_at = utcnow()
    db.session.commit()
    return token.user
