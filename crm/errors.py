"""The edge: domain errors, the HTTP error answers, and one transaction per request.

Domain modules raise DomainError subclasses with a message already marked for translation
(lazy_gettext), so the web, API and CLI each show it in the reader's language. A view neither commits
nor catches them (as Indico's request handler, `indico/web/rh.py`, runs each request in one transaction):

- after each request the session is committed when the answer is not an error (status < 400), and
  rolled back otherwise — also after an exception;
- a DomainError raised inside `with shown_on_page(form):` rolls the request's work back and lands on
  the form's field it names (`field=`), or else becomes a flash; the view then renders the form again,
  with everything typed still in it;
- any other DomainError answers problem+json under /api/, or an error page with its status.
"""

from contextlib import contextmanager

from flask import flash, jsonify, make_response, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed
from werkzeug.http import HTTP_STATUS_CODES

from crm.extensions import db

PROBLEM_CONTENT_TYPE = "application/problem+json"
# status: (code, title, the detail when the error brings none of its own)
HTTP_PROBLEMS = {
    400: ("bad_request", _l("Bad request"), _l("The request cannot be read.")),
    401: ("unauthorized", _l("Not signed in"), _l("A valid bearer token is required (Authorization: Bearer …).")),
    403: ("forbidden", _l("Not allowed"), _l("Your account may not do this.")),
    404: ("not_found", _l("Not found"), _l("There is nothing at this address.")),
    405: ("method_not_allowed", _l("Method not allowed"), _l("This address does not take this method; see Allow.")),
    409: ("conflict", _l("Conflict"), _l("The request conflicts with what Sasar holds.")),
    413: ("too_large", _l("Request too large"), _l("The request is larger than Sasar accepts.")),
    415: ("unsupported_media_type", _l("Unsupported media type"), _l("Send the body as JSON.")),
    422: ("invalid", _l("Not valid"), _l("The request is not valid.")),
    429: ("too_many_requests", _l("Too many requests"), _l("Too many requests; wait a moment and try again.")),
    500: ("server_error", _l("Server error"), _l("Sasar could not finish this request; try again in a moment.")),
}


def http_problem(status: int) -> tuple[str, str, str]:
    """(code, title, default detail) of an HTTP status, in the request's language."""
    code, title, detail = HTTP_PROBLEMS.get(status, (f"http_{status}", _l("Error"), _l("The request failed.")))
    return code, str(title), str(detail)


class DomainError(Exception):
    status = 400

    def __init__(self, message, field: str | None = None, **details):
        super().__init__(str(message))
        self.message = message
        self.field = field  # the input the message is about (a form field, an API body field)
        self.details = {"field": field, **details} if field else details

    def messages_by_field(self) -> dict[str | None, list[str]]:
        """What to show on which input (None: not about one input); an error about several overrides it."""
        return {self.field: [str(self.message)]}


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class Invalid(DomainError):
    status = 422


def show(error: DomainError, form=None) -> None:
    """The error on the page: each message on `form`'s field it names (a form may rename fields in
    `domain_fields`), else as a flash."""
    renamed = getattr(form, "domain_fields", {})
    for name, messages in error.messages_by_field().items():
        field = getattr(form, renamed.get(name, name), None) if form is not None and name else None
        if field is not None:
            field.errors = [*field.errors, *messages]
        else:
            for message in messages:
                flash(message, "error")


@contextmanager
def shown_on_page(form=None):
    """Run a page's domain call: a DomainError inside undoes the request's work and is shown (see `show`);
    the code after the block runs on, to render the page again."""
    try:
        yield
    except DomainError as error:
        db.session.rollback()
        show(error, form)


def problem_response(status: int, title: str | None, detail: str | None, **extra):
    """RFC 9457 problem details: the single error format of the API."""
    body = {"type": "about:blank", "title": title or HTTP_STATUS_CODES.get(status, "Error"), "status": status}
    if detail:
        body["detail"] = detail
    body.update(extra)
    response = jsonify(body)
    response.status_code = status
    response.content_type = PROBLEM_CONTENT_TYPE
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="sasar"'
    return response


def _wants_problem_json() -> bool:
    return request.path.startswith("/api/")


def end_transaction(response):
    """Keep the request's work when it succeeded, undo it when the answer is an error."""
    if response.status_code < 400:
        db.session.commit()
    else:
        db.session.rollback()
    return response


def init_app(app) -> None:
    app.after_request(end_transaction)

    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        if _wants_problem_json():
            code, title, default_detail = http_problem(error.code)
            # Werkzeug's own English description gives way to ours; a description Sasar gave is kept.
            own = error.description if error.description != type(error).description else None
            response = problem_response(error.code, title, own or default_detail, code=code)
        else:
            template = f"errors/{error.code}.html" if error.code in (403, 404, 500) else "errors/generic.html"
            response = make_response(render_template(template, error=error), error.code)
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
        return response

    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError):
        if _wants_problem_json():
            code, title, _detail = http_problem(error.status)
            return problem_response(error.status, title, str(error.message), **{"code": code, **error.details})
        return render_template("errors/generic.html", error=error), error.status  # with its own message

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        if _wants_problem_json():
            code, title, detail = http_problem(500)
            return problem_response(500, title, detail, code=code)
        return render_template("errors/500.html", error=InternalServerError()), 500
