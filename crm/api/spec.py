"""Declaring API operations once: the route, its access rule, its body and response models.

The OpenAPI document is assembled from these declarations, so it cannot drift from the code.
"""

import re
from dataclasses import dataclass, field
from typing import Annotated, TypeVar

from flask import Blueprint, request
from flask_babel import lazy_gettext as _l
from pydantic import AfterValidator, BaseModel, Field, ValidationError
from pydantic.json_schema import models_json_schema
from werkzeug.http import HTTP_STATUS_CODES

from crm.api.messages import validation_message
from crm.auth.access import allow
from crm.errors import Invalid
from crm.models import Role

API_TITLE = "Sasar API"
API_VERSION = "1.0.0"
_FLASK_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
ModelT = TypeVar("ModelT", bound=BaseModel)

# A database id: PostgreSQL integers stop at 2**31 - 1, and a larger one must be a 422, not a crash.
DbId = Annotated[int, Field(ge=1, le=2_147_483_647)]


def _no_control_characters(value: str | None) -> str | None:
    if value is not None and _CONTROL.search(value):
        raise ValueError("control characters are not allowed")
    return value


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Free text from outside: no NUL or other control characters (PostgreSQL refuses NUL in text).
CleanText = Annotated[str, AfterValidator(_no_control_characters)]


@dataclass(frozen=True)
class Operation:
    method: str
    rule: str
    endpoint: str
    summary: str
    roles: frozenset[Role]
    response: type[BaseModel] | None
    body: type[BaseModel] | None = None
    tags: tuple[str, ...] = ()
    extra_responses: dict[int, str] = field(default_factory=dict)
    success: tuple[int, ...] = (200,)
    query: tuple[dict, ...] = ()  # OpenAPI parameter objects for the query string


OPERATIONS: list[Operation] = []


def operation(bp: Blueprint, method: str, rule: str, *, summary: str, roles: tuple[Role, ...] = (),
              response: type[BaseModel] | None = None, body: type[BaseModel] | None = None,
              tags: tuple[str, ...] = (), extra_responses: dict[int, str] | None = None,
              success: tuple[int, ...] = (200,), query: tuple[dict, ...] = ()):
    """Register a view as an API operation, open to `roles` (all roles when empty); `query` documents its
    query-string parameters (OpenAPI parameter objects)."""

    def decorate(view):
        guarded = allow(*roles)(view)
        bp.add_url_rule(rule, view.__name__, guarded, methods=[method])
        OPERATIONS.append(Operation(method.lower(), rule, f"{bp.name}.{view.__name__}",
                                    summary, frozenset(roles) or frozenset(Role), response, body, tags,
                                    extra_responses or {}, success, tuple(query)))
        return guarded

    return decorate


def parse_body(model: type[ModelT]) -> ModelT:
    """The request's JSON body as `model`, or Invalid listing each field that is wrong."""
    payload = request.get_json(silent=True)
    if payload is None:
        raise Invalid(_l("The request body must be JSON."), errors=[])
    try:
        return model.model_validate(payload)
    except ValidationError as error:
        problems = [{"field": ".".join(str(part) for part in item["loc"]), "code": item["type"],
                     "message": validation_message(item)} for item in error.errors(include_url=False)]
        raise Invalid(_l("The request body is not valid."), errors=problems) from None


def _openapi_path(rule: str) -> tuple[str, list[dict]]:
    parameters = []
    for converter, name in _FLASK_PARAM.findall(rule):
        schema = {"type": "integer"} if converter == "int" else {"type": "string"}
        parameters.append({"name": name, "in": "path", "required": True, "schema": schema})
    return _FLASK_PARAM.sub(r"{\2}", rule), parameters


PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "code": {"type": "string", "description": "The error's kind, the same in every language"},
        "detail": {"type": "string"},
        "field": {"type": "string", "description": "The member of the body the problem is about, when it is one"},
        "errors": {"type": "array", "items": {"type": "object", "properties": {
            "field": {"type": "string"}, "code": {"type": "string"}, "message": {"type": "string"}}}},
    },
}


def _problem(description: str) -> dict:
    return {"description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def openapi_document(server_url: str) -> dict:
    models = {model for op in OPERATIONS for model in (op.response, op.body) if model is not None}
    keyed = [(model, "serialization") for model in models] + [(model, "validation") for model in models]
    _, definitions = models_json_schema(keyed, ref_template="#/components/schemas/{model}")
    schemas = dict(definitions.get("$defs", {}))
    schemas["Problem"] = PROBLEM_SCHEMA

    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        path, parameters = _openapi_path(op.rule)
        parameters = [*parameters, *({"in": "query", **p} for p in op.query)]
        responses = {"401": _problem("Missing or invalid bearer token"),
                     "403": _problem("The token's user may not do this")}
        for status in op.success if op.response is not None else ():
            responses[str(status)] = {"description": HTTP_STATUS_CODES[status], "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{op.response.__name__}"}}}}
        for status, description in op.extra_responses.items():
            responses[str(status)] = _problem(description)
        entry = {"operationId": op.endpoint.replace(".", "_"), "summary": op.summary,
                 "tags": list(op.tags), "responses": responses,
                 "x-roles": sorted(role.value for role in op.roles)}
        if parameters:
            entry["parameters"] = parameters
        if op.body is not None:
            entry["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{op.body.__name__}"}}}}
            responses.setdefault("422", _problem("The body is not valid"))
            responses.setdefault("413", _problem("The body is larger than the server accepts"))
        if op.query:
            responses.setdefault("422", _problem("A query parameter is not valid"))
        paths.setdefault(path, {})[op.method] = entry

    return {
        "openapi": "3.1.0",
        "info": {"title": API_TITLE, "version": API_VERSION,
                 "description": "Sasar's API for agencies' systems and the officers' app."},
        "servers": [{"url": server_url}],
        "security": [{"bearerAuth": []}],
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": {
            "bearerAuth": {"type": "http", "scheme": "bearer",
                           "description": "A token made with `flask --app wsgi sasar create-token`."}}},
    }
