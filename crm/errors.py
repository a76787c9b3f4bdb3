"""Domain errors and the HTTP error handlers.

Domain modules raise DomainError subclasses with a message already marked for translation
(lazy_gettext), so the web, API and CLI each show it in the reader's language.
"""

from flask import make_response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed

from crm.api.problems import problem_response


class DomainError(Exception):
    status = 400

    def __init__(self, message, **details):
        super().__init__(str(message))
        self.message = message
        self.details = details


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class Invalid(DomainError):
    status = 422


def _wants_problem_json() -> bool:
    return request.path.startswith("/api/")


def init_app(app) -> None:
    @app.errorhandler(HTTPException)
    def handle_http_error(error: HTTPException):
        if _wants_problem_json():
            response = problem_response(error.code, error.name, error.description)
        else:
            template = f"errors/{error.code}.html" if error.code in (403, 404, 500) else "errors/generic.html"
            response = make_response(render_template(template, error=error), error.code)
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(sorted(error.valid_methods))
        return response

    @app.errorhandler(DomainError)
    def handle_domain_error(error: DomainError):
        if _wants_problem_json():
            return problem_response(error.status, None, str(error.message), **error.details)
        return render_template("errors/generic.html", error=error), error.status

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        if _wants_problem_json():
            return problem_response(500, "Internal Server Error", None)
        return render_template("errors/500.html", error=InternalServerError()), 500
