"""Sign-in and sign-out, the user's own password, and the admins' user management."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import select

from crm import reference
from crm.auth import accounts
from crm.auth.access import allow
from crm.auth.forms import ROLE_LABELS, LoginForm, PasswordChangeForm, UserForm
from crm.errors import shown_on_page
from crm.extensions import db
from crm.models import Region, Role
from crm.security import safe_next

bp = Blueprint("auth", __name__)


@bp.app_context_processor
def _role_labels():
    return {"role_label": ROLE_LABELS.get}


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.login.data, form.password.data, ip=request.remote_addr)
        except accounts.SignInLocked as error:  # an answer of its own: 429, for scripts that guess
            flash(str(error.message), "error")
            return render_template("auth/login.html", form=form), 429
        if user is not None:
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")))
        flash(_("The email/username or password is wrong."), "error")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@allow()
def logout():
    logout_user()
    flash(_("You have signed out."), "info")
    response = redirect(url_for("auth.login"))
    # The phone keeps nothing of the person who signed out: pages, stored copies, the working set (the page
    # has offered to send any visit still waiting before it let the form through: static/js/outbox.js).
    response.headers["Clear-Site-Data"] = '"cache", "storage"'
    return response


@bp.route("/account/password", methods=["GET", "POST"])
@allow()
def change_password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        with shown_on_page(form):
            accounts.change_own_password(current_user, form.current_password.data, form.new_password.data,
                                         ip=request.remote_addr)
            # The old cookie died with the password; keep this device signed in.
            login_user(current_user._get_current_object())
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/password.html", form=form)


# --- user management (admins) ---------------------------------------------------------------------

def _fill_choices(form: UserForm) -> None:
    form.agency.choices = [("", "—")] + [(a.code, f"{a.code} — {a.name}") for a in reference.agencies()]
    form.kecamatan.choices = [(k.id, k.name) for k in reference.kecamatan_of(current_user.branch)]


def _details_from(form: UserForm) -> accounts.AccountDetails:
    kecamatan = list(db.session.scalars(select(Region).where(Region.id.in_(form.kecamatan.data or []))))
    return accounts.AccountDetails(
        name=form.name.data, role=Role(form.role.data), email=form.email.data or None,
        username=form.username.data or None,
        agency=reference.agency_by_code(form.agency.data) if form.agency.data else None,
        kecamatan=kecamatan,
    )


@bp.get("/users")
@allow(Role.ADMIN)
def users():
    return render_template("auth/users.html", users=accounts.accounts_seen_by(current_user), role_labels=ROLE_LABELS)


@bp.route("/users/new", methods=["GET", "POST"])
@allow(Role.ADMIN)
def new_user():
    form = UserForm()
    _fill_choices(form)
    if form.validate_on_submit():
        password = form.password.data or accounts.generate_password()
        with shown_on_page(form):
            user = accounts.create_user(_details_from(form), password, current_user.branch,
                                        actor=current_user, ip=request.remote_addr)
            if form.password.data:
                flash(_("Account created for %(name)s.", name=user.name), "success")
            else:
                flash(_("Account created for %(name)s. Their password is %(password)s — pass it on "
                        "privately; it is not shown again.", name=user.name, password=password), "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@allow(Role.ADMIN)
def edit_user(user_id: int):
    user = accounts.account_for(current_user, user_id)
    form = UserForm(obj=user).for_existing_user()
    _fill_choices(form)
    if request.method == "GET":
        form.role.data = user.role.value
        form.agency.data = user.agency.code if user.agency else ""
        form.kecamatan.data = [k.id for k in user.kecamatan]
    if form.validate_on_submit():
        with shown_on_page(form):
            accounts.update_user(user, _details_from(form), actor=current_user, ip=request.remote_addr)
            if form.password.data:
                accounts.set_password(user, form.password.data, actor=current_user, ip=request.remote_addr)
            flash(_("Changes to %(name)s saved.", name=user.name), "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=user)


@bp.get("/users/<int:user_id>/deactivate")
@allow(Role.ADMIN)
def confirm_deactivate(user_id: int):
    """The step before deactivating: what it does, and a button that does it (no script needed)."""
    user = accounts.account_for(current_user, user_id)
    if not user.active:
        return redirect(url_for("auth.users"))
    return render_template("auth/deactivate.html", user=user, role_labels=ROLE_LABELS)


@bp.post("/users/<int:user_id>/active")
@allow(Role.ADMIN)
def set_user_active(user_id: int):
    user = accounts.account_for(current_user, user_id)
    activate = request.form.get("active") == "1"
    with shown_on_page():
        accounts.set_active(user, activate, actor=current_user, ip=request.remote_addr)
        flash(_("%(name)s can sign in again.", name=user.name) if activate
              else _("%(name)s is deactivated and signed out everywhere.", name=user.name), "success")
    return redirect(url_for("auth.users"))
