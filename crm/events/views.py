"""Outreach events: the list, planning one, its page, the phone page at the event, the poster and slide, and the
public sign-up form (the one route besides sign-in open to people who are not signed in)."""

from datetime import datetime

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from crm.auth.access import allow
from crm.errors import shown_on_page
from crm.events import planning, qr, results, scope, signups
from crm.events.consent import PURPOSE
from crm.events.forms import AttendeeForm, CapForm, EventForm, SignupForm
from crm.events.links import signup_url
from crm.events.planning import KIND_LABELS, EventDetails
from crm.extensions import db
from crm.i18n import local_timezone, local_today
from crm.models import Agency, Event, EventKind, SignupSource, SignupStatus
from crm.models.base import utcnow
from crm.prospects import assignment
from crm.prospects.stages import STAGE_LABELS

bp = Blueprint("events", __name__)
WORKERS = planning.EVENT_ROLES


def _event_or_404(event_id: int) -> Event:
    event = scope.visible_event(current_user, event_id)
    if event is None:
        abort(404)
    return event


def _local(moment: datetime | None) -> datetime | None:
    return moment.replace(tzinfo=local_timezone()) if moment is not None else None


@bp.get("/events")
@allow(*WORKERS)
def index():
    events = planning.visible_events(current_user, limit=200)
    return render_template("events/index.html", events=events, kind_labels=KIND_LABELS,
                           funnels=results.event_funnels(events, local_timezone()))


@bp.route("/events/new", methods=["GET", "POST"])
@allow(*WORKERS)
def new():
    form = EventForm()
    form.desa_id.choices = planning.desa_choices(current_user.branch_id)
    form.agency_id.choices = [(0, "—")] + [(a.id, f"{a.code} · {a.name}") for a in db.session.scalars(
        select(Agency).where(Agency.active).order_by(Agency.code))]
    form.officer_ids.choices = [(o.id, o.name) for o in assignment.officers_of(current_user)
                                if o.branch_id == current_user.branch_id]
    if form.validate_on_submit():
        details = EventDetails(
            title=form.title.data, kind=EventKind(form.kind.data), starts_at=_local(form.starts_at.data),
            ends_at=_local(form.ends_at.data), desa_id=form.desa_id.data, latitude=form.latitude.data,
            longitude=form.longitude.data, agency_id=form.agency_id.data or None,
            officer_ids=list(form.officer_ids.data or []), expected_attendees=form.expected_attendees.data,
            signup_cap=form.signup_cap.data)
        with shown_on_page(form):
            event = planning.create_event(details, current_user, ip=request.remote_addr,
                                          default_cap=current_app.config["SASAR_EVENT_SIGNUP_CAP"])
            flash(_("The event is saved. Its sign-up link: %(url)s", url=signup_url(event)), "success")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template("events/new.html", form=form)


@bp.get("/events/<int:event_id>")
@allow(*WORKERS)
def detail(event_id: int):
    event = _event_or_404(event_id)
    tz = local_timezone()
    return render_template(
        "events/detail.html", event=event, kind_labels=KIND_LABELS, url=signup_url(event),
        state=planning.signup_state(event, utcnow()), opens_at=planning.signup_opens_at(event),
        closes_at=planning.signup_closes_at(event), funnel=results.event_funnels([event], tz)[event.id],
        registrations=results.event_registrations(event, tz), held=signups.signups_of(event, status=SignupStatus.HELD),
        cap_form=CapForm(signup_cap=event.signup_cap), form_signups=signups.form_signups(event))


@bp.get("/events/<int:event_id>/live")
@allow(*WORKERS)
def live(event_id: int, form: AttendeeForm | None = None):
    """The officer's phone at the event: sign-ups as they arrive, a tick for who is present, someone added."""
    event = _event_or_404(event_id)
    return render_template("events/live.html", event=event, form=form or AttendeeForm(formdata=None),
                           signups=signups.signups_of(event), stage_labels=STAGE_LABELS,
                           held_count=signups.held_count(event),
                           state=planning.signup_state(event, utcnow()))


@bp.post("/events/<int:event_id>/attendees")
@allow(*WORKERS)
def add_attendee(event_id: int):
    event = _event_or_404(event_id)
    form = AttendeeForm()
    if not form.validate_on_submit():
        return live(event_id, form), 422
    answers = signups.Answers(name=form.name.data, nik=form.nik.data, phone=form.phone.data)
    with shown_on_page(form):
        result = signups.add_attendee(event, answers, current_user, source=SignupSource.OFFICER, now=utcnow(),
                                      today=local_today())
        flash(_("%(name)s is signed up and present.", name=result.prospect.name) if result.status != "known" else
              _("%(name)s was already in Sasar: now signed up and present.", name=result.prospect.name), "success")
        return redirect(url_for("events.live", event_id=event.id))
    return live(event_id, form), 422


@bp.post("/events/<int:event_id>/signups/<int:signup_id>/present")
@allow(*WORKERS)
def mark_present(event_id: int, signup_id: int):
    event = _event_or_404(event_id)
    signup = signups.signup_of(event, signup_id)
    signups.mark_present(signup, request.form.get("present") == "1", current_user, now=utcnow())
    return redirect(url_for("events.live", event_id=event.id) + f"#signup-{signup.id}")


@bp.post("/events/<int:event_id>/held/<int:signup_id>/accept")
@allow(*WORKERS)
def accept_held(event_id: int, signup_id: int):
    event = _event_or_404(event_id)
    with shown_on_page():
        result = signups.accept_held(signups.signup_of(event, signup_id), current_user, now=utcnow())
        flash(_("%(name)s is signed up.", name=result.prospect.name), "success")
    return redirect(url_for("events.detail", event_id=event.id) + "#held")


@bp.post("/events/<int:event_id>/held/<int:signup_id>/discard")
@allow(*WORKERS)
def discard_held(event_id: int, signup_id: int):
    event = _event_or_404(event_id)
    signups.discard_held(signups.signup_of(event, signup_id), current_user)
    flash(_("The answer is discarded."), "success")
    return redirect(url_for("events.detail", event_id=event.id) + "#held")


@bp.post("/events/<int:event_id>/close")
@allow(*WORKERS)
def close_link(event_id: int):
    event = _event_or_404(event_id)
    planning.close_link(event, current_user, ip=request.remote_addr)
    flash(_("The sign-up link is closed: the form takes no more answers."), "success")
    return redirect(url_for("events.detail", event_id=event.id))


@bp.post("/events/<int:event_id>/reopen")
@allow(*WORKERS)
def reopen_link(event_id: int):
    event = _event_or_404(event_id)
    planning.reopen_link(event, current_user, ip=request.remote_addr)
    flash(_("The sign-up link is open again."), "success")
    return redirect(url_for("events.detail", event_id=event.id))


@bp.post("/events/<int:event_id>/cap")
@allow(*WORKERS)
def set_cap(event_id: int):
    event = _event_or_404(event_id)
    form = CapForm()
    with shown_on_page():
        planning.set_signup_cap(event, form.signup_cap.data if form.validate_on_submit() else None, current_user,
                                ip=request.remote_addr)
        flash(_("The cap is now %(n)s sign-ups.", n=event.signup_cap), "success")
    return redirect(url_for("events.detail", event_id=event.id))


@bp.get("/events/<int:event_id>/qr.<fmt>")
@allow(*WORKERS)
def qr_code(event_id: int, fmt: str):
    event = _event_or_404(event_id)
    if fmt not in qr.FORMATS:
        abort(404)
    response = Response(qr.qr_code(signup_url(event), fmt), content_type=qr.FORMATS[fmt])
    if request.args.get("download") == "1":
        response.headers["Content-Disposition"] = f'attachment; filename="sasar-{event.code}.{fmt}"'
    return response


def _printable(event_id: int, layout: str):
    """The A4 poster to print and the slide to project: the QR code, the short link, what and when."""
    event = _event_or_404(event_id)
    with force_locale("id"):  # put up for the public, who read Indonesian
        return render_template(f"events/{layout}.html", event=event, url=signup_url(event),
                               kind_labels=KIND_LABELS)


@bp.get("/events/<int:event_id>/poster")
@allow(*WORKERS)
def poster(event_id: int):
    return _printable(event_id, "poster")


@bp.get("/events/<int:event_id>/slide")
@allow(*WORKERS)
def slide(event_id: int):
    return _printable(event_id, "slide")


# --- the public form ------------------------------------------------------------------------------

@bp.route("/e/<code>", methods=["GET", "POST"])
def signup(code: str):
    """Open to everyone: no account. Always in Indonesian."""
    with force_locale("id"):
        return _signup(code)


def _signup(code: str):
    event = db.session.scalar(select(Event).where(Event.code == code[:12].lower()))
    if event is None:
        abort(404)
    now = utcnow()
    state = planning.signup_state(event, now)
    page = {"event": event, "purpose": PURPOSE, "kind_labels": KIND_LABELS}
    if state != "open":
        return render_template("events/signup_closed.html", state=state,
                               opens_at=planning.signup_opens_at(event), **page), 410 if state == "closed" else 200
    form = SignupForm()
    form.desa_id.choices = [(0, "— " + _("choose") + " —"), *planning.desa_choices(event.branch_id)]
    if request.method == "GET":
        form.desa_id.data = event.desa_id
    if form.validate_on_submit():
        answers = signups.Answers(name=form.name.data, nik=form.nik.data, phone=form.phone.data,
                                  desa_id=form.desa_id.data or None, occupation=form.occupation.data,
                                  trap=form.website.data)
        with shown_on_page(form):
            signups.sign_up(event, answers, now=now, today=local_today())
            desa_name = dict(form.desa_id.choices).get(form.desa_id.data, "")
            return render_template("events/thanks.html", answers=answers, desa_name=desa_name, **page)
    return render_template("events/signup.html", form=form, **page), 422 if form.errors else 200


@bp.errorhandler(429)
def too_many_answers(error):
    with force_locale("id"):
        return render_template("events/too_many.html"), 429
