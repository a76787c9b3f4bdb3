"""Sasar: the outreach CRM of BPJS Ketenagakerjaan Situbondo."""

from flask import Flask
from sqlalchemy import event

from crm import config, errors, i18n, security
from crm.api.views import bp as api_bp
from crm.audit_trail.views import bp as audit_bp
from crm.auth import access
from crm.auth.views import bp as auth_bp
from crm.cli import sasar
from crm.config import PROJECT_ROOT
from crm.dashboard import api as dashboard_api
from crm.dashboard.views import bp as dashboard_bp
from crm.events import api as events_api
from crm.events import limits as event_limits
from crm.events.views import bp as events_bp
from crm.extensions import babel, csrf, db, login_manager, migrate
from crm.leads import api as leads_api
from crm.leads.views import bp as leads_bp
from crm.main.views import bp as main_bp
from crm.privacy.views import bp as privacy_bp
from crm.prospects.views import bp as prospects_bp
from crm.registrations import api as registrations_api
from crm.registrations.views import bp as registrations_bp
from crm.visits import api as visits_api
from crm.visits.views import bp as visits_bp

MIGRATIONS_DIR = str(PROJECT_ROOT / "crm" / "migrations")
# Importing an area's api module registers its operations on the API blueprint.
AREA_API_MODULES = (visits_api, registrations_api, dashboard_api, leads_api, events_api)


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(
        __name__,
        instance_path=str(PROJECT_ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    config.configure(app, overrides)

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app, babel)
    _enable_sqlite_pragmas(app)

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(prospects_bp)
    app.register_blueprint(leads_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(audit_bp)
    app.register_blueprint(visits_bp)
    app.register_blueprint(registrations_bp)
    app.register_blueprint(dashboard_bp)
    app.register_blueprint(events_bp)
    app.register_blueprint(api_bp)
    csrf.exempt(api_bp)  # the API authenticates with bearer tokens, never cookies
    access.init_app(app)
    event_limits.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    app.cli.add_command(sasar)
    return app


def _enable_sqlite_pragmas(app: Flask) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def _set_pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if ":memory:" not in app.config["SQLALCHEMY_DATABASE_URI"]:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()
