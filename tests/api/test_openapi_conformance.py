"""The OpenAPI document against what each operation really accepts and answers.

Every operation is called the ways a client may get wrong — no token, another role's token, each declared
query parameter with a value that is not valid, a body that is not JSON, one that is too large, ids that do
not exist — and the right way. Each answer's status must be documented for that operation, each problem
member must be in the Problem schema, and each query parameter the view reads must be declared.
"""

import json
import re

import pytest
from flask import Request
from werkzeug.datastructures import ImmutableMultiDict

from crm.api.spec import OPERATIONS, openapi_document
from crm.auth import tokens
from crm.models import Role
from tests.factories import make_user

READ: set[str] = set()


class RecordingArgs(ImmutableMultiDict):
    """Query arguments that remember which names the view asked for."""

    def get(self, key, default=None, type=None):  # noqa: A002 - werkzeug's own signature
        READ.add(key)
        return super().get(key, default, type)

    def __getitem__(self, key):
        READ.add(key)
        return super().__getitem__(key)

    def getlist(self, key, type=None):  # noqa: A002
        READ.add(key)
        return super().getlist(key, type)

    def __contains__(self, key):
        READ.add(key)
        return super().__contains__(key)


class RecordingRequest(Request):
    parameter_storage_class = RecordingArgs


AGENCY = {Role.LIAISON: "DINSOS"}
NOT_AN_ID = 2_147_483_647
# Bodies of the right shape that name nothing that exists, per operation with a body: their 404s count too.
SHAPED_BODIES = {
    "api.create_visit": {"id": "7f0c6a3e-2f54-4e8e-9c1e-1f4f6f6f6f6f", "prospect_id": NOT_AN_ID,
                         "outcome": "not_at_home"},
    "api.post_leads": [{"reference": "R-1", "name": "Rukmini", "nik": "3512074405700001"}],
}


@pytest.fixture
def bearer(db):
    """A bearer header for a user of each role."""
    headers = {}
    for role in Role:
        user = make_user(role, f"api-{role.value}", agency_code=AGENCY.get(role))
        headers[role] = {"Authorization": f"Bearer {tokens.issue_token(user, 'conformance').secret}"}
    db.session.commit()
    return headers


def _path(rule: str) -> str:
    return "/api/v1" + re.sub(r"<(?:int:)?\w+>", str(NOT_AN_ID), rule)


def _calls(op, bearer):
    """(headers, query, body) for each way of calling `op`."""
    allowed = sorted(op.roles, key=lambda role: role.value)[0]
    other = next((role for role in Role if role not in op.roles), None)
    mine = bearer[allowed]
    body = SHAPED_BODIES.get(op.endpoint, {}) if op.body is not None else None
    yield {}, {}, body
    if other is not None:
        yield bearer[other], {}, body
    yield mine, {}, body
    for parameter in op.query:
        yield mine, {parameter["name"]: "not-valid"}, body
        yield mine, {parameter["name"]: "99999999999"}, body
    if op.body is not None:
        yield mine, {}, "not json"
        yield mine, {}, [] if isinstance(body, dict) else {}
        yield mine, {}, {"too": "x" * 4096}


def _send(client, op, headers, query, body):
    method = getattr(client, op.method)
    if body is None:
        return method(_path(op.rule), headers=headers, query_string=query)
    data = body if isinstance(body, str) else json.dumps(body)
    return method(_path(op.rule), headers=headers, query_string=query, data=data, content_type="application/json")


def test_every_answer_and_every_query_parameter_read_is_in_the_document(app, client, db, bearer, monkeypatch):
    document = openapi_document("/api/v1")
    problem_members = set(document["components"]["schemas"]["Problem"]["properties"])
    error_members = set(document["components"]["schemas"]["Problem"]["properties"]["errors"]["items"]["properties"])
    monkeypatch.setattr(app, "request_class", RecordingRequest)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 2048)  # the last body of each operation is larger
    undocumented, seen = [], set()
    for op in OPERATIONS:
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", op.rule)
        entry = document["paths"][path][op.method]
        declared = {p["name"] for p in entry.get("parameters", []) if p["in"] == "query"}
        for headers, query, body in _calls(op, bearer):
            READ.clear()
            response = _send(client, op, headers, query, body)
            seen.add((op.endpoint, response.status_code))
            where = f"{op.method.upper()} {op.rule} {query or ''} {str(body)[:40]}"
            if str(response.status_code) not in entry["responses"]:
                undocumented.append(f"{where}: status {response.status_code}")
            if response.mimetype == "application/problem+json":
                problem = response.get_json()
                undocumented += [f"{where}: problem member {m}" for m in set(problem) - problem_members]
                for item in problem.get("errors", []):
                    undocumented += [f"{where}: errors[] member {m}" for m in set(item) - error_members]
            if headers:
                undocumented += [f"{where}: query parameter {name} read" for name in READ - declared]
    assert not undocumented, "\n".join(undocumented)
    # The probes reach what they are meant to: a visit to no prospect, a body too large, a year not valid.
    assert {("api.create_visit", 404), ("api.create_visit", 413), ("api.post_leads", 200), ("api.post_leads", 413),
            ("api.target_progress", 422), ("api.me", 401)} <= seen
