"""Prospect lists, the prospect page, and assignment to officers."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from crm import reference
from crm.auth.access import allow
from crm.dashboard import filters
from crm.errors import shown_on_page
from crm.events.signups import events_of_prospect
from crm.extensions import db
from crm.i18n import local_timezone, local_today, number
from crm.labels import CHANNEL_LABELS, CONTACT_OUTCOME_LABELS, DECLINE_LABELS, OUTCOME_LABELS, flag_text
from crm.models import Prospect, Region, Role, Stage, User
from crm.people.nik import mask_nik
from crm.people.phone import mask_phone
from crm.privacy import subjects
from crm.prospects import assignment, scope
from crm.prospects.forms import ReassignForm
from crm.prospects.listing import ProspectFilter, day_bounds, find_prospects
from crm.prospects.stages import ROAD, STAGE_LABELS
from crm.visits import contacts
from crm.visits.forms import ContactForm
from crm.visits.recording import visit_saved

bp = Blueprint("prospects", __name__)
WORKERS = (Role.ADMIN, Role.MANAGER, Role.OFFICER)
MANAGERS = (Role.ADMIN, Role.MANAGER)
REVEALABLE = ("nik", "phone")


bp.add_app_template_filter(mask_nik, "mask_nik")
bp.add_app_template_filter(mask_phone, "mask_phone")


bp.add_app_template_filter(contacts.whatsapp_link, "whatsapp_url")


def _visible_or_404(prospect_id: int) -> Prospect:
    prospect = db.session.get(Prospect, prospect_id)
    if prospect is None or not scope.can_see(current_user, prospect):
        abort(404)
    return prospect


def _narrowing(notes: list) -> tuple[dict, dict]:
    """The dashboard's narrowing in the query, read by the dashboard's own parser (ProspectFilter fields, and
    the arguments to keep in links); the kecamatan is the list's own choice, kept by its select."""
    fields = filters.read_narrowing(request.args, notes)
    kept = {arg: str(fields[attribute]) for arg, attribute in filters.ID_ARGS
            if attribute in fields and arg != "kecamatan"}
    if "sector" in fields:
        kept["sector"] = fields["sector"].value
    reached = request.args.get("reached")
    if reached in {s.value for s in ROAD}:
        fields["reached"], kept["reached"] = Stage(reached), reached
    first, last = filters.read_date(request.args, "from", notes), filters.read_date(request.args, "to", notes)
    if first and last and first <= last:
        fields["created_from"], fields["created_before"] = day_bounds(first, last, local_timezone())
        kept["from"], kept["to"] = first.isoformat(), last.isoformat()
    if request.args.get("overdue") == "1":  # from Today: every follow-up that is overdue
        fields["follow_up_before"], kept["overdue"] = local_today(), "1"
    return fields, kept


@bp.get("/prospects")
@allow(*WORKERS)
def index():
    stage = request.args.get("stage")
    notes: list = []  # what cannot be used is left out, as on the dashboard
    narrowing, kept = _narrowing(notes)
    criteria = ProspectFilter(
        query=request.args.get("q", ""),
        stage=Stage(stage) if stage in {s.value for s in Stage} else None,
        mine_only=request.args.get("mine") == "1",
        **narrowing,
    )
    result = find_prospects(current_user, criteria, filters.read_id(request.args, "page", notes) or 1,
                            after=filters.read_id(request.args, "after", notes),
                            before=filters.read_id(request.args, "before", notes))
    return render_template("prospects/index.html", result=result, criteria=criteria, stage_labels=STAGE_LABELS,
                           kecamatan=reference.kecamatan_of(current_user.branch), narrowing=kept)


@bp.get("/prospects/<int:prospect_id>")
@allow(*WORKERS)
def detail(prospect_id: int, revealed: tuple[str, ...] = (), contact_form: ContactForm | None = None):
    prospect = _visible_or_404(prospect_id)
    saved = visit_saved(prospect, request.args.get("saved"))
    if saved is not None:  # the visit form's script came here after sending it
        flash(_("Visit saved. Stage: %(stage)s.", stage=STAGE_LABELS[prospect.stage]), "success")
    officers = assignment.officers_of(current_user) if current_user.role in MANAGERS else []
    can_work = scope.can_work(current_user, prospect)
    return render_template("prospects/detail.html", prospect=prospect, history=contacts.history_of(prospect),
                           officers=officers, registration=prospect.registration,
                           events=events_of_prospect(prospect.id),
                           outcome_labels=OUTCOME_LABELS, decline_labels=DECLINE_LABELS, flag_text=flag_text,
                           channel_labels=CHANNEL_LABELS, contact_outcome_labels=CONTACT_OUTCOME_LABELS,
                           stage_labels=STAGE_LABELS, can_work=can_work,
                           messages=contacts.messages_for(current_user, prospect, local_today()) if can_work else [],
                           contact_form=contact_form or ContactForm(formdata=None),
                           revealed=revealed, phone_in_full=current_user.role is Role.OFFICER)


@bp.get("/prospects/list/shell")
@allow(Role.OFFICER)
def index_shell():
    """The prospect list with no prospect yet: offline, the phone lists its working set, searched as the form
    asks (static/js/workingset.js)."""
    return render_template("prospects/index.html", result=None, criteria=ProspectFilter(), stage_labels=STAGE_LABELS,
                           kecamatan=reference.kecamatan_of(current_user.branch), narrowing={}, offline_shell=True)


@bp.get("/prospects/shell")
@allow(Role.OFFICER)
def detail_shell():
    """The prospect page for no prospect yet: the phone stores it and, offline, fills it from its working set
    with the prospect its address names."""
    return render_template("prospects/detail.html", prospect=Prospect(name="", stage=Stage.NEW), history=[],
                           officers=[], registration=None, can_work=True, revealed=(), phone_in_full=True,
                           offline_shell=True)


@bp.post("/prospects/<int:prospect_id>/contacts")
@allow(*WORKERS)
def log_contact(prospect_id: int):
    """A call or WhatsApp message just made, logged with its outcome (not a visit)."""
    prospect = _visible_or_404(prospect_id)
    form = ContactForm()
    if form.validate_on_submit():
        with shown_on_page(form):
            recorded = contacts.record_contact(current_user, form.report(prospect.id), ip=request.remote_addr)
            flash(_("Contact logged: %(outcome)s. Stage: %(stage)s.",
                    outcome=CONTACT_OUTCOME_LABELS[recorded.attempt.outcome],
                    stage=STAGE_LABELS[recorded.stage_after]), "success")
            return redirect(url_for("prospects.detail", prospect_id=prospect.id))
    return detail(prospect_id, contact_form=form), 422


@bp.post("/prospects/<int:prospect_id>/reveal")
@allow(*WORKERS)
def reveal(prospect_id: int):
    """Show one masked field in full, once; the reveal is recorded in the audit trail."""
    prospect = _visible_or_404(prospect_id)
    field = request.form.get("field")
    if field not in REVEALABLE:
        abort(400)
    subjects.reveal(prospect, field, current_user, ip=request.remote_addr)
    return detail(prospect_id, revealed=(field,))


@bp.post("/prospects/<int:prospect_id>/assign")
@allow(*MANAGERS)
def assign_one(prospect_id: int):
    prospect = _visible_or_404(prospect_id)
    officer = db.session.get(User, request.form.get("officer", type=int) or 0)
    with shown_on_page():
        assignment.reassign_one(prospect, officer, current_user, ip=request.remote_addr)
        flash(_("%(name)s is now assigned to %(officer)s.", name=prospect.name, officer=officer.name), "success")
    return redirect(url_for("prospects.detail", prospect_id=prospect.id))


@bp.route("/prospects/assign", methods=["GET", "POST"])
@allow(*MANAGERS)
def assign_bulk():
    form = ReassignForm()
    kecamatan = reference.kecamatan_of(current_user.branch)
    form.kecamatan.choices = [(0, "—")] + [(k.id, k.name) for k in kecamatan]
    desa = db.session.scalars(select(Region).where(Region.parent_id.in_([k.id for k in kecamatan]))
                              .order_by(Region.name)).all()
    form.desa.choices = [(0, "—")] + [(d.id, f"{d.name} ({d.parent.name})") for d in desa]
    form.officer.choices = [(o.id, o.name) for o in assignment.officers_of(current_user)]
    selected = uncovered = None
    if form.validate_on_submit():
        selection = assignment.Selection(form.kecamatan.data or None, form.desa.data or None,
                                         form.only_new.data == "1")
        officer = db.session.get(User, form.officer.data)
        if request.form.get("confirm") == "1":
            with shown_on_page(form):
                move = assignment.reassign_bulk(selection, officer, current_user, ip=request.remote_addr)
                flash(_("%(n)s prospects moved to %(officer)s.", n=number(move.moved), officer=move.officer.name),
                      "success")
                return redirect(url_for("prospects.assign_bulk", done=move.event_id))
        else:
            selected = assignment.count_selected(selection, current_user, officer)
            place = assignment.uncovered_place(selection, officer)
            uncovered = {"officer": officer, "place": place} if place is not None else None
    done = request.args.get("done", type=int)
    last = None
    if done and request.method == "GET":
        with shown_on_page():
            event = assignment.bulk_move_of(done, current_user)
            last = None if assignment.is_undone(event) else event
    return render_template("prospects/assign.html", form=form, selected=selected, uncovered=uncovered, last=last)


@bp.post("/prospects/assign/<int:event_id>/undo")
@allow(*MANAGERS)
def undo_assign(event_id: int):
    move = assignment.bulk_move_of(event_id, current_user)  # one the manager may not see does not exist: 404
    with shown_on_page():
        back = assignment.undo_bulk(move, current_user, ip=request.remote_addr)
        flash(_("Undone: %(n)s prospects are back with the officer they had before.", n=number(back)), "success")
    return redirect(url_for("prospects.assign_bulk"))

