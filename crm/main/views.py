from datetime import date

from flask import Blueprint, abort, jsonify, redirect, render_template, request
from flask_login import current_user
from sqlalchemy import text

from crm import i18n
from crm.auth.access import allow
from crm.auth.views import _safe_next
from crm.extensions import db
from crm.main import navigation, overview
from crm.models import Role
from crm.prospects.stages import STAGE_LABELS

bp = Blueprint("main", __name__)


@bp.app_context_processor
def _navigation():
    return {"nav_items": navigation.items_for(current_user), "stage_label": STAGE_LABELS.get}


@bp.get("/")
@allow()
def home():
    today = date.today()
    context = {"today": today}
    if current_user.role in (Role.ADMIN, Role.MANAGER):
        context["branch"] = overview.branch_overview(current_user.branch_id, today)
    elif current_user.role is Role.OFFICER:
        context["stage_counts"] = overview.officer_prospect_counts(current_user)
    elif current_user.agency_id is not None:
        context["stage_counts"] = overview.agency_prospect_counts(current_user.agency_id)
    return render_template("main/home.html", **context)


@bp.post("/language")
def set_language():
    if not i18n.remember_language(request.form.get("language", "")):
        abort(400)
    if current_user.is_authenticated:
        db.session.commit()
    return redirect(_safe_next(request.form.get("next")))


@bp.get("/health")
def health():
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")
