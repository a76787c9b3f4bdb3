
from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_login import current_user
from sqlalchemy import text

from crm import i18n, reference
from crm.auth.access import allow
from crm.extensions import db
from crm.i18n import local_today
from crm.main import navigation, overview
from crm.models import Role
from crm.prospects.stages import STAGE_LABELS
from crm.security import safe_next

bp = Blueprint("main", __name__)


@bp.app_context_processor
def _navigation():
    return {"nav_items": navigation.items_for(current_user), "bar_items": navigation.bar_items_for(current_user)}


@bp.app_template_global()
def stage_label(stage) -> str:
    return STAGE_LABELS[stage]


bp.add_app_template_global(reference.place_name)


@bp.get("/")
@allow()
def home():
    today = local_today()
    context = {"today": today}
    if current_user.role in (Role.ADMIN, Role.MANAGER):
        context["branch"] = overview.branch_overview(current_user.branch_id, today)
    elif current_user.role is Role.OFFICER:
        return redirect(url_for("visits.today"))
    elif current_user.agency_id is not None:
        context["stage_counts"] = overview.agency_prospect_counts(current_user)
    return render_template("main/home.html", **context)


@bp.post("/language")
def set_language():
    if not i18n.remember_language(request.form.get("language", "")):
        abort(400)
    return redirect(safe_next(request.form.get("next")))


@bp.get("/manifest.webmanifest")
def manifest():
    body = {
        "name": "Sasar — BPJS Ketenagakerjaan Situbondo", "short_name": "Sasar",
        "start_url": url_for("main.home"), "scope": "/", "display": "standalone",
        "background_color": "#f4f6f5", "theme_color": "#0b6e4f", "lang": "id",
        "icons": [
            {"src": url_for("static", filename="img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": url_for("static", filename="img/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": url_for("static", filename="img/sasar.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = jsonify(body)
    response.content_type = "application/manifest+json"
    return response


@bp.get("/sw.js")
def service_worker():
    """Served from the root so that it may control every page of Sasar."""
    response = send_from_directory(current_app.static_folder, "sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/offline")
def offline():
    return render_template("main/offline.html")


@bp.get("/health")
def health():
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")
