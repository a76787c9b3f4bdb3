"""The officer's day, the visit form (with its offline sync endpoint), the day plan, flagged visits."""

import uuid

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.api.spec import parse_body
from crm.auth.access import allow
from crm.errors import shown_on_page
from crm.events.planning import events_this_month
from crm.extensions import db
from crm.i18n import local_timezone, local_today
from crm.labels import DECLINE_LABELS, OUTCOME_LABELS, flag_text
from crm.models import MessageTemplate, Outcome, Prospect, Role, Visit
from crm.prospects import scope
from crm.prospects.stages import STAGE_LABELS
from crm.visits import contacts, dayplan, geo
from crm.visits.forms import MessageTemplateForm, VisitForm
from crm.visits.recording import FlagRules, flagged_visits, mark_reviewed, record_visit
from crm.visits.schemas import VisitIn, report_from, visit_out, working_set_response
from crm.visits.today import officer_today

bp = Blueprint("visits", __name__)
FIELD_ROLES = (Role.ADMIN, Role.MANAGER, Role.OFFICER)
MANAGERS = (Role.ADMIN, Role.MANAGER)


@bp.get("/today")
@allow(Role.OFFICER)
def today():
    day, tz = local_today(), local_timezone()
    plan = officer_today(current_user, day, tz)
    return render_template("visits/today.html", today=plan, stage_labels=STAGE_LABELS,
                           outcome_labels=OUTCOME_LABELS, events=events_this_month(current_user, day, tz))


@bp.get("/plan")
@allow(Role.OFFICER)
def day_plan():
    tz = local_timezone()
    todays = officer_today(current_user, local_today(), tz, with_regions=True)
    start, from_phone = dayplan.starting_point(current_user, request.args.get("lat", type=float),
                                               request.args.get("lng", type=float))
    plan = dayplan.plan_route(start, [(p, geo.known_location(p)) for p in todays.to_visit]) if start else None
    return render_template("visits/plan.html", plan=plan, from_phone=from_phone, stage_labels=STAGE_LABELS)


def _prospect_for_visit(prospect_id) -> Prospect:
    prospect = db.session.get(Prospect, prospect_id) if str(prospect_id).isdigit() else None
    if prospect is None or not scope.can_work(current_user, prospect):
        abort(404)
    return prospect


@bp.route("/visits/new", methods=["GET", "POST"])
@allow(*FIELD_ROLES)
def new_visit():
    form = VisitForm()
    prospect = _prospect_for_visit(request.args.get("prospect") or form.prospect_id.data)
    if request.method == "GET":
        form.prospect_id.data = prospect.id
        form.client_uuid.data = str(uuid.uuid4())
    if form.validate_on_submit():
        with shown_on_page(form):
            recorded = record_visit(current_user, form.report(prospect.id), FlagRules.from_config(current_app.config),
                                    ip=request.remote_addr)
            flash(_("Visit saved. Stage: %(stage)s.", stage=STAGE_LABELS[recorded.stage_after]), "success")
            if recorded.visit.outcome is Outcome.REGISTERED and "registrations.register" in current_app.view_functions:
                return redirect(url_for("registrations.register", prospect_id=prospect.id))
            return redirect(url_for("prospects.detail", prospect_id=prospect.id))
    return render_template("visits/new.html", form=form, prospect=prospect, stage_labels=STAGE_LABELS,
                           decline_labels=DECLINE_LABELS)


@bp.post("/visits/sync")
@allow(*FIELD_ROLES)
def sync_visit():
    """The visit form's JSON twin for the browser (session + CSRF header), used online and by the offline queue."""
    body = parse_body(VisitIn)
    recorded = record_visit(current_user, report_from(body), FlagRules.from_config(current_app.config),
                            ip=request.remote_addr)
    return jsonify(visit_out(recorded).model_dump(mode="json")), 201 if recorded.created else 200


@bp.get("/visits/working-set")
@allow(Role.OFFICER)
def working_set():
    """The API's working set for the officer's browser (its session): the phone keeps it for offline days."""
    return working_set_response(current_user, request.args.get("since"))


@bp.get("/visits/new/shell")
@allow(Role.OFFICER)
def new_visit_shell():
    """The visit form for no prospect yet: the phone stores it and fills it from its working set offline."""
    form = VisitForm()
    return render_template("visits/new.html", form=form, prospect=None, stage_labels=STAGE_LABELS,
                           decline_labels=DECLINE_LABELS)


@bp.get("/plan/shell")
@allow(Role.OFFICER)
def day_plan_shell():
    """The day plan with no stops yet: offline, the phone lists the stops of its working set's plan."""
    return render_template("visits/plan.html", plan=None, offline_shell=True, stage_labels=STAGE_LABELS)


@bp.get("/visits/flagged")
@allow(*MANAGERS)
def flagged():
    show_reviewed = request.args.get("reviewed") == "1"
    return render_template("visits/flagged.html", visits=flagged_visits(current_user, show_reviewed),
                           flag_text=flag_text,
                           outcome_labels=OUTCOME_LABELS, show_reviewed=show_reviewed)


@bp.post("/visits/<int:visit_id>/reviewed")
@allow(*MANAGERS)
def review(visit_id: int):
    visit = db.session.get(Visit, visit_id)
    if visit is None or not scope.can_see(current_user, visit.prospect):
        abort(404)
    mark_reviewed(visit, current_user, ip=request.remote_addr)
    flash(_("Visit marked as reviewed."), "success")
    return redirect(url_for("visits.flagged"))


@bp.get("/message-templates")
@allow(Role.ADMIN)
def message_templates():
    return render_template("visits/message_templates.html", templates=contacts.templates_of(current_user.branch_id),
                           placeholders=contacts.PLACEHOLDERS)


@bp.route("/message-templates/new", methods=["GET", "POST"], endpoint="new_message_template")
@bp.route("/message-templates/<int:template_id>/edit", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit_message_template(template_id: int | None = None):
    template = db.session.get(MessageTemplate, template_id) if template_id is not None else None
    if template_id is not None and (template is None or template.branch_id != current_user.branch_id):
        abort(404)
    form = MessageTemplateForm(obj=template)
    if form.validate_on_submit():
        with shown_on_page(form):
            contacts.save_template(template, form.details(), branch_id=current_user.branch_id, actor=current_user,
                                   ip=request.remote_addr)
            flash(_("Message saved."), "success")
            return redirect(url_for("visits.message_templates"))
    return render_template("visits/message_template_form.html", form=form, template=template)
