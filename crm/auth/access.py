"""Who may open what: the one place that answers it.

Every endpoint is closed unless it says otherwise: a view names the roles allowed with @allow,
or is listed in PUBLIC_ENDPOINTS. A view with no rule answers 403 to everyone, so a new route
cannot be open by accident.
"""

from functools import wraps

from flask import current_app, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import Forbidden, Unauthorized

from crm.auth import tokens
from crm.extensions import db, login_manager
from crm.models import Role, User

PUBLIC_ENDPOINTS = frozenset({
    "static", "auth.login", "main.set_language", "main.health", "api.openapi_document",
    "main.manifest", "main.service_worker", "main.offline",
    "events.signup",  # an outreach event's sign-up form, filled in on the worker's own phone
})
ALL_ROLES = frozenset(Role)
RULE_ATTRIBUTE = "allowed_roles"


def allow(*roles: Role):
    """Mark a view as open to the given roles (no roles given: to every signed-in user)."""
    allowed = frozenset(roles) or ALL_ROLES

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            return view(*args, **kwargs)

        setattr(wrapped, RULE_ATTRIBUTE, allowed)
        return wrapped

    return decorate


def rule_for(app, endpoint: str) -> frozenset[Role] | None:
    view = app.view_functions.get(endpoint)
    return getattr(view, RULE_ATTRIBUTE, None)


def may_open(user, endpoint: str) -> bool:
    """Whether `user` may open `endpoint`, by the rule the request itself would meet: pages offer only the
    links and buttons that lead somewhere (in templates: `may_open("auth.users")`, for the signed-in user)."""
    if endpoint in PUBLIC_ENDPOINTS:
        return True
    allowed = rule_for(current_app, endpoint)
    return bool(getattr(user, "is_authenticated", False)) and allowed is not None and user.role in allowed


def _is_api_request() -> bool:
    return request.blueprint == "api"


def _check_access():
    endpoint = request.endpoint
    if endpoint is None or endpoint in PUBLIC_ENDPOINTS:
        return None
    if _is_api_request():
        # The API is CSRF-exempt, so a browser's session cookie must never count there.
        g._login_user = tokens.authenticate(request.headers.get("Authorization")) or \
            login_manager.anonymous_user()
    if not current_user.is_authenticated:
        if _is_api_request():
            raise Unauthorized(_("A valid bearer token is required (Authorization: Bearer …)."))
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    allowed = rule_for(current_app, endpoint)
    if allowed is None or current_user.role not in allowed:
        raise Forbidden()
    return None


@login_manager.user_loader
def load_user(cookie_id: str) -> User | None:
    user_id, _, session_token = cookie_id.partition(":")
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_token != session_token:
        return None
    return user


def init_app(app) -> None:
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"
    app.before_request(_check_access)
    app.add_template_global(lambda endpoint: may_open(current_user, endpoint), "may_open")


def access_matrix(app) -> list[tuple[str, str, frozenset[Role] | None]]:
    """Every route with the roles it admits (None for public), in URL order: the README's table."""
    rows = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        if rule.endpoint == "static":
            continue
        methods = ",".join(sorted(rule.methods - {"HEAD", "OPTIONS"}))
        public = rule.endpoint in PUBLIC_ENDPOINTS
        rows.append((f"{methods} {rule.rule}", rule.endpoint, None if public else rule_for(app, rule.endpoint)))
    return rows


def access_matrix_markdown(app) -> str:
    roles = list(Role)
    lines = ["| route | " + " | ".join(role.value for role in roles) + " |",
             "|---|" + "---|" * len(roles)]
    for route, _endpoint, allowed in access_matrix(app):
        cells = ["public" if allowed is None else ("✓" if role in allowed else "") for role in roles]
        lines.append(f"| `{route}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)
