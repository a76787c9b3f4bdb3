"""Fixtures: an app per database (SQLite and PostgreSQL), a clean database for every test.

Each test run gets a PostgreSQL database of its own (made at the start, dropped at the end), so two runs
on one machine never clobber each other. The schema is built once per database through the real
migrations; each test then starts from empty tables with only the reference data loaded.
"""

import os
import secrets

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_migrate import upgrade

from crm import create_app
from crm.extensions import db as _db
from crm.reference import forget_place_names, load_reference_data

# The server and a database to connect to while this run's own database is made and dropped.
POSTGRES_SERVER_URL = os.environ.get("SASAR_TEST_POSTGRES_URL",
                                     "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() == "true"
DATABASES = ("sqlite", "postgresql")


def postgres_unreachable_reason() -> str | None:
    try:
        engine = sa.create_engine(POSTGRES_SERVER_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
    except Exception as error:  # noqa: BLE001 - any failure means the server cannot be used
        return f"PostgreSQL at {POSTGRES_SERVER_URL} is unreachable: {error.__class__.__name__}: {error}"
    return None


def _on_postgres_server(statement: str) -> None:
    engine = sa.create_engine(POSTGRES_SERVER_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(statement))
    engine.dispose()


def create_run_database() -> str:
    """A new, empty PostgreSQL database for this test run; its URL."""
    name = f"sasar_test_{os.getpid()}_{secrets.token_hex(3)}"
    _on_postgres_server(f'CREATE DATABASE "{name}"')
    return sa.make_url(POSTGRES_SERVER_URL).set(database=name).render_as_string(hide_password=False)


def drop_run_database(url: str) -> None:
    _on_postgres_server(f'DROP DATABASE IF EXISTS "{sa.make_url(url).database}" WITH (FORCE)')


def database_url(kind: str, tmp_path_factory) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'sasar-test.sqlite'}"
    reason = postgres_unreachable_reason()
    if reason:
        if IN_CI:
            pytest.fail(f"{reason} (CI=true: PostgreSQL tests must run, not skip)", pytrace=False)
        pytest.skip(reason)
    return create_run_database()


def truncate_all(kind: str) -> None:
    tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
    with _db.engine.begin() as connection:
        if kind == "postgresql":
            quoted = ", ".join(f'"{name}"' for name in tables)
            connection.execute(sa.text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                connection.execute(sa.text(f'DELETE FROM "{name}"'))


class IsolatedRequestClient(FlaskClient):
    """Each request gets its own app context, as in production.

    Tests hold an app context open for their assertions; without this, every request in a test
    would share its `g` (and so Flask-Login's cached user) with the requests before it.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session", params=DATABASES)
def database_kind(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def app(database_kind, tmp_path_factory):
    url = database_url(database_kind, tmp_path_factory)
    instance = tmp_path_factory.mktemp("instance")
    application = create_app({
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": None,
        "SASAR_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",  # scrypt's cost is for attackers, not for tests
    })
    application.instance_path = str(instance)
    application.test_client_class = IsolatedRequestClient
    with application.app_context():
        upgrade()
    yield application
    with application.app_context():
        _db.engine.dispose()
    if database_kind == "postgresql":
        drop_run_database(url)


@pytest.fixture
def db(app, database_kind):
    with app.app_context():
        truncate_all(database_kind)
        load_reference_data()
        forget_place_names()
        yield _db
        _db.session.remove()


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()
