"""Configuration: defaults, then instance/config.py, then the environment."""

import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Defaults:
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session; a slow field form must not expire
    BABEL_DEFAULT_LOCALE = "id"
    BABEL_DEFAULT_TIMEZONE = "Asia/Jakarta"
    LANGUAGES = ("id", "en")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024
    # Lead lists: the most rows one list may have (the largest file is MAX_CONTENT_LENGTH, or SASAR_IMPORT_MAX_BYTES).
    SASAR_IMPORT_MAX_ROWS = 200_000
    SASAR_BRANCH_CODE = "SBO"
    SASAR_GEOCODER = "regions"  # or "nominatim" where the server has internet
    SASAR_NOMINATIM_USER_AGENT = "sasar-crm (BPJS Ketenagakerjaan Situbondo)"
    SASAR_VISIT_FLAG_DISTANCE_M = 2000
    SASAR_VISIT_FLAG_KECAMATAN_DISTANCE_M = 10_000
    SASAR_VISIT_FLAG_ACCURACY_M = 500
    SASAR_VISIT_FLAG_FIX_DISTANCE_M = 500
    SASAR_GOOD_FIX_M = 100
    # Background tiles of the dashboard's map, e.g. "https://tile.openstreetmap.org/{z}/{x}/{y}.png" (mind the
    # tile server's usage policy); empty: no tiles, the markers show on a plain background.
    SASAR_MAP_TILE_URL = ""
    SASAR_MAP_TILE_ATTRIBUTION = ""
    # Seconds a process keeps the dashboard's figures for the same branches, filter and language; 0: never.
    SASAR_DASHBOARD_CACHE_SECONDS = 0
    # Werkzeug's password hash method; the tests set a cheap one (scrypt costs ~0.1 s per user and per sign-in).
    # The address people use, e.g. "https://sasar.example.go.id"; empty: the API document names its server by path.
    SASAR_PUBLIC_URL = ""
    # How many reverse proxies (nginx…) stand in front of gunicorn; their X-Forwarded-* headers are trusted.
    SASAR_TRUSTED_PROXIES = 0
    SASAR_PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 - a method name, not a password
    # Outreach events' public sign-up form (crm/events/limits.py): answers per address and per event (the
    # people at one event often share a mobile operator's few addresses); counts in Redis when SASAR_REDIS_URL
    # is set, else in memory; the answers an event takes before the rest are held for review (settable per event).
    SASAR_REDIS_URL = ""
    SASAR_RATELIMIT_PREFIX = "sasar"
    SASAR_SIGNUP_LIMIT_PER_ADDRESS = "20 per 10 minutes"
    SASAR_SIGNUP_LIMIT_PER_EVENT = "600 per 10 minutes"
    SASAR_EVENT_SIGNUP_CAP = 300


# Environment variables read on top of the defaults and instance/config.py.
ENVIRONMENT_KEYS = ("DATABASE_URL", "SECRET_KEY", "SASAR_BRANCH_CODE", "SESSION_COOKIE_SECURE", "SASAR_MAP_TILE_URL",
                    "SASAR_MAP_TILE_ATTRIBUTION", "SASAR_PUBLIC_URL", "SASAR_REDIS_URL",
                    "SASAR_SIGNUP_LIMIT_PER_ADDRESS", "SASAR_SIGNUP_LIMIT_PER_EVENT")


# Whole numbers read from the environment: the dashboard's cache, and the database connection pool of each
# process (a gunicorn worker wants as many connections as it has threads; see README, production).
NUMBER_KEYS = ("SASAR_DASHBOARD_CACHE_SECONDS", "SASAR_TRUSTED_PROXIES", "SASAR_EVENT_SIGNUP_CAP")
POOL_KEYS = {"SASAR_DB_POOL_SIZE": "pool_size", "SASAR_DB_MAX_OVERFLOW": "max_overflow",
             "SASAR_DB_POOL_TIMEOUT": "pool_timeout", "SASAR_DB_POOL_RECYCLE": "pool_recycle"}


def default_database_url(instance_path: str) -> str:
    return f"sqlite:///{Path(instance_path) / 'sasar.sqlite'}"


def load_secret_key(instance_path: str) -> str:
    """Read the key kept in instance/, making it once on first start."""
    key_file = Path(instance_path) / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def configure(app, overrides: dict | None) -> None:
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    for key in ENVIRONMENT_KEYS:
        if os.environ.get(key):
            app.config[key] = os.environ[key]
    if isinstance(app.config.get("SESSION_COOKIE_SECURE"), str):
        secure = app.config["SESSION_COOKIE_SECURE"].lower() in ("1", "true", "yes")
        app.config["SESSION_COOKIE_SECURE"] = app.config["REMEMBER_COOKIE_SECURE"] = secure
    for key in NUMBER_KEYS:
        if os.environ.get(key):
            app.config[key] = int(os.environ[key])
    pool = {option: int(os.environ[key]) for key, option in POOL_KEYS.items() if os.environ.get(key)}
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}), **pool}
    app.config.update(overrides or {})

    url = app.config.get("SQLALCHEMY_DATABASE_URI") or app.config.get("DATABASE_URL")
    url = url or default_database_url(app.instance_path)
    if url.startswith("postgres://"):  # the form many hosts hand out; SQLAlchemy wants the dialect name
        url = "postgresql+psycopg://" + url.removeprefix("postgres://")
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_secret_key(app.instance_path)
