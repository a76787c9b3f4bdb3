"""RFC 9457 problem details: the single error format of the API."""

from flask import jsonify
from werkzeug.http import HTTP_STATUS_CODES

PROBLEM_CONTENT_TYPE = "application/problem+json"


def problem_response(status: int, title: str | None, detail: str | None, **extra):
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
