"""Registering prospects, the participant page, rates, targets, reconciliation and re-activation."""

import tempfile
from datetime import date
from pathlib import Path

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from crm import reference
from crm.auth.access import allow
from crm.errors import shown_on_page
from crm.extensions import db
from crm.i18n import local_today
from crm.labels import KIND_LABELS, MONTH_NAMES, SECTOR_LABELS
from crm.models import (
    ContributionRate,
    Payer,
    Programme,
    Prospect,
    RateKind,
    ReconciliationRun,
    Region,
    Registration,
    Role,
    User,
)
from crm.prospects import scope
from crm.prospects.stages import STAGE_LABELS
from crm.registrations import rates, reconciliation, registering, targets
from crm.registrations.contributions import PROGRAMME_LABELS
from crm.registrations.forms import (
    RateForm,
    ReconciliationForm,
    RegistrationForm,
    SplitForm,
    TargetForm,
)
from crm.registrations.registering import PAYER_LABELS, STATUS_LABELS, AlreadyRegistered, RegistrationDetails

bp = Blueprint("registrations", __name__)
WORKERS = (Role.ADMIN, Role.MANAGER, Role.OFFICER)
MANAGERS = (Role.ADMIN, Role.MANAGER)


@bp.app_context_processor
def _labels():
    return {"payer_labels": PAYER_LABELS, "programme_labels": PROGRAMME_LABELS, "status_labels": STATUS_LABELS,
            "month_names": MONTH_NAMES}


# --- registering ----------------------------------------------------------------------------------

def _workable_prospect(prospect_id: int) -> Prospect:
    """The prospect, if the user may register it: 404 when they may not even see it, else 403."""
    prospect = db.session.get(Prospect, prospect_id)
    if prospect is None or not scope.can_see(current_user, prospect):
        abort(404)
    registering.check_may_register(current_user, prospect)  # NotAllowed: 403
    return prospect


def _details_from(form: RegistrationForm) -> RegistrationDetails:
    return RegistrationDetails(kpj=form.kpj.data or "", registered_on=form.registered_on.data,
                               declared_income=form.declared_income.data, programmes=form.chosen_programmes(),
                               payer=Payer(form.payer.data), sponsor_name=form.sponsor_name.data)


def _preview(prospect: Prospect, form: RegistrationForm):
    """(contribution, None) for what the form holds so far, or (None, why not)."""
    if form.declared_income.data is None or form.declared_income.errors:
        return None, _("Enter the declared monthly income to see the contribution.")
    try:
        payer = Payer(form.payer.data)
    except ValueError:
        payer = Payer.WORKER
    on = form.registered_on.data if isinstance(form.registered_on.data, date) else local_today()
    return registering.contribution_preview(prospect, form.declared_income.data, form.chosen_programmes(),
                                            on=on, payer=payer)


def _already_registered(prospect: Prospect, registration: Registration, status: int = 200):
    return render_template("registrations/already.html", prospect=prospect, registration=registration,
                           stage_labels=STAGE_LABELS), status


@bp.route("/prospects/<int:prospect_id>/register", methods=["GET", "POST"])
@allow(*WORKERS)
def register(prospect_id: int):
    prospect = _workable_prospect(prospect_id)
    existing = prospect.registration
    if existing is not None:
        if request.method == "POST":
            flash(str(AlreadyRegistered(existing).message), "error")
            return _already_registered(prospect, existing, 409)
        return _already_registered(prospect, existing)
    form = RegistrationForm()
    if request.method == "GET":
        form.registered_on.data = local_today()
    elif form.validate_on_submit() and "preview" not in request.form:
        with shown_on_page(form):
            registration = registering.register(prospect, _details_from(form), actor=current_user,
                                                today=local_today(), ip=request.remote_addr)
            flash(_("%(name)s is registered: KPJ %(kpj)s.", name=prospect.name, kpj=registration.kpj), "success")
            return redirect(url_for("registrations.participant", registration_id=registration.id))
    contribution, why_not = _preview(prospect, form)
    return render_template("registrations/register.html", prospect=prospect, form=form,
                           contribution=contribution, why_not=why_not, stage_labels=STAGE_LABELS)


@bp.get("/prospects/<int:prospect_id>/contribution")
@allow(*WORKERS)
def contribution_preview(prospect_id: int):
    """The contribution panel for the values typed so far, for the register page's script."""
    prospect = _workable_prospect(prospect_id)
    form = RegistrationForm(formdata=request.args, meta={"csrf": False})
    form.validate()
    contribution, why_not = _preview(prospect, form)
    return jsonify(total=contribution.total if contribution else None, message=why_not,
                   html=render_template("registrations/_contribution.html", contribution=contribution,
                                        why_not=why_not))


@bp.get("/registrations/<int:registration_id>")
@allow(*WORKERS)
def participant(registration_id: int):
    registration = db.session.get(Registration, registration_id)
    if registration is None or not scope.can_see(current_user, registration.prospect):
        abort(404)
    return render_template("registrations/participant.html", registration=registration,
                           prospect=registration.prospect, stage_labels=STAGE_LABELS,
                           programmes=registering.programmes_of(registration))


@bp.get("/participants/lapsed")
@allow(*WORKERS)
def lapsed():
    """Participants whose status is lapsed, with their officer, to be won back."""
    return render_template("registrations/lapsed.html", registrations=registering.lapsed_participants(current_user))


# --- targets --------------------------------------------------------------------------------------

def _year_arg() -> int:
    year = request.args.get("year", type=int) or local_today().year
    return year if targets.FIRST_YEAR <= year <= targets.LAST_YEAR else local_today().year


@bp.get("/targets")
@allow(*MANAGERS)
def progress():
    year = _year_arg()
    target = targets.target_for(current_user.branch_id, year)
    today = local_today()
    return render_template(
        "registrations/progress.html", year=year, target=target,
        progress=targets.branch_progress(current_user.branch_id, year, today),
        months=targets.monthly_figures(target, today) if target else [],
        splits=targets.split_progress(target, today) if target else [],
        years=targets.years_with_target(current_user.branch_id))


def _fill_split_choices(form: SplitForm) -> None:
    form.kecamatan.choices = [("", "—")] + [(str(k.id), k.name) for k in reference.kecamatan_of(current_user.branch)]
    officers = db.session.scalars(select(User).where(User.branch_id == current_user.branch_id,
                                                     User.role == Role.OFFICER, User.active).order_by(User.name))
    form.officer.choices = [("", "—")] + [(str(u.id), u.name) for u in officers]


@bp.route("/targets/settings", methods=["GET", "POST"])
@allow(Role.ADMIN)
def target_settings():
    year = _year_arg()
    form = TargetForm(prefix="target")
    split_form = SplitForm(prefix="split")
    _fill_split_choices(split_form)
    target = targets.target_for(current_user.branch_id, year)
    if request.method == "GET":
        form.year.data = year
        if target is not None:
            form.participants.data, form.baseline.data = target.participants, target.baseline
    elif form.validate_on_submit():
        with shown_on_page(form):
            saved = targets.set_target(current_user.branch, form.year.data, form.participants.data,
                                       form.baseline.data, actor=current_user, ip=request.remote_addr)
            flash(_("Target for %(year)d saved.", year=saved.year), "success")
            return redirect(url_for("registrations.target_settings", year=saved.year))
    return render_template("registrations/target_settings.html", form=form, split_form=split_form, year=year,
                           target=target, years=targets.years_with_target(current_user.branch_id))


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _chosen(model, field):
    """The record a select field names, or None (also for an id that does not exist)."""
    number = _number(field.data)
    return db.session.get(model, number) if number is not None else None


@bp.post("/targets/<int:year>/splits")
@allow(Role.ADMIN)
def add_split(year: int):
    target = targets.target_for(current_user.branch_id, year) or abort(404)
    form = SplitForm(prefix="split")
    _fill_split_choices(form)
    if form.validate_on_submit():
        with shown_on_page():
            targets.set_split(target, registrations=form.registrations.data, kecamatan=_chosen(Region, form.kecamatan),
                              officer=_chosen(User, form.officer), month=_number(form.month.data),
                              actor=current_user, ip=request.remote_addr)
            flash(_("Split saved."), "success")
    else:
        flash(" ".join(str(e) for errors in form.errors.values() for e in errors), "error")
    return redirect(url_for("registrations.target_settings", year=year))


@bp.post("/targets/<int:year>/splits/<int:split_id>/delete")
@allow(Role.ADMIN)
def delete_split(year: int, split_id: int):
    target = targets.target_for(current_user.branch_id, year) or abort(404)
    targets.remove_split(target, split_id, actor=current_user, ip=request.remote_addr)
    flash(_("Split removed."), "success")
    return redirect(url_for("registrations.target_settings", year=year))


# --- rates ----------------------------------------------------------------------------------------

@bp.get("/rates")
@allow(Role.ADMIN)
def rate_list():
    return render_template("registrations/rates.html", rates=rates.all_rates(), kind_labels=KIND_LABELS,
                           sector_labels={s.value: label for s, label in SECTOR_LABELS.items()})


def _rate_details(form: RateForm) -> rates.RateDetails:
    return rates.RateDetails(
        programme=Programme(form.programme.data), kind=RateKind(form.kind.data), value=form.value.data,
        effective_from=form.effective_from.data, effective_to=form.effective_to.data,
        sector_group=form.sector_group.data or None, payer=Payer(form.payer.data) if form.payer.data else None,
        payer_excluded=form.payer_excluded.data, note=form.note.data)


@bp.route("/rates/new", methods=["GET", "POST"], endpoint="new_rate")
@bp.route("/rates/<int:rate_id>/edit", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit_rate(rate_id: int | None = None):
    rate = (db.session.get(ContributionRate, rate_id) or abort(404)) if rate_id is not None else None
    form = RateForm(obj=rate)
    if request.method == "GET" and rate is not None:
        form.programme.data, form.kind.data = rate.programme.value, rate.kind.value
        form.payer.data = rate.payer.value if rate.payer else ""
        form.sector_group.data = rate.sector_group or ""
    if form.validate_on_submit():
        with shown_on_page(form):
            rates.save_rate(rate, _rate_details(form), actor=current_user, ip=request.remote_addr)
            flash(_("Rate saved. Registrations already made keep their contribution."), "success")
            return redirect(url_for("registrations.rate_list"))
    return render_template("registrations/rate_form.html", form=form, rate=rate)


# --- reconciliation -------------------------------------------------------------------------------

@bp.route("/reconciliation", methods=["GET", "POST"])
@allow(*MANAGERS)
def reconcile():
    form = ReconciliationForm()
    if form.validate_on_submit():
        upload = form.file.data
        with shown_on_page(form), tempfile.TemporaryDirectory(prefix="sasar-reconcile-") as folder:
            # openpyxl opens a workbook only by its .xlsx name; the reader itself goes by content.
            path = Path(folder) / ("export" + Path(upload.filename or "").suffix.lower()[:5])
            upload.save(path)
            result = reconciliation.reconcile(current_user.branch, path, today=local_today(),
                                              statuses_on=form.statuses_on.data, actor=current_user,
                                              filename=upload.filename)
            flash(_("%(rows)d rows read: %(matched)d matched, %(converted)d converted, %(changed)d status "
                    "changes, %(unmatched)d unmatched, %(invalid)d invalid.", rows=result.rows,
                    matched=result.matched, converted=result.converted, changed=result.status_changed,
                    unmatched=len(result.unmatched), invalid=len(result.invalid)), "success")
            return redirect(url_for("registrations.reconciliation_run", run_id=result.run_id))
    return render_template("registrations/reconcile.html", form=form,
                           runs=reconciliation.recent_runs(current_user.branch))


@bp.get("/reconciliation/<int:run_id>")
@allow(*MANAGERS)
def reconciliation_run(run_id: int):
    run = db.session.get(ReconciliationRun, run_id)
    if run is None or not scope.can_see_branch(current_user, run.branch_id):
        abort(404)
    return render_template("registrations/reconciliation_run.html", run=run,
                           result=reconciliation.result_of(run))
