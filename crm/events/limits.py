"""Rate limits of the public sign-up form (Flask-Limiter): per address and per event.

The counts live in Redis when SASAR_REDIS_URL is set — shared by every gunicorn worker and kept across
restarts — and in the process's memory otherwise (one process only: each worker would count apart).
Each app gets its own limiter, so that two apps in one process (the tests') never share counts.
"""

from flask import Flask, current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

LIMITED_ENDPOINTS = ("events.signup",)
EXTENSION_KEY = "sasar_signup_limiter"


def storage_uri(config) -> str:
    return config.get("SASAR_REDIS_URL") or "memory://"


def _per_address() -> str:
    return current_app.config["SASAR_SIGNUP_LIMIT_PER_ADDRESS"]


def _per_event() -> str:
    return current_app.config["SASAR_SIGNUP_LIMIT_PER_EVENT"]


def _event_key() -> str:
    return "event:" + str((request.view_args or {}).get("code", ""))


def init_app(app: Flask) -> Limiter:
    """Wrap the sign-up view in its two limits (answers, not page views, are counted)."""
    limiter = Limiter(get_remote_address, app=app, storage_uri=storage_uri(app.config),
                      key_prefix=app.config["SASAR_RATELIMIT_PREFIX"], strategy="fixed-window")
    for endpoint in LIMITED_ENDPOINTS:
        view = app.view_functions[endpoint]
        view = limiter.limit(_per_address, methods=["POST"])(view)
        view = limiter.limit(_per_event, key_func=_event_key, methods=["POST"])(view)
        app.view_functions[endpoint] = view
    app.extensions[EXTENSION_KEY] = limiter
    return limiter


def limiter_of(app: Flask) -> Limiter:
    return app.extensions[EXTENSION_KEY]
