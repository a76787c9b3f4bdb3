"""The API answers in the request's language (Accept-Language; Indonesian by default) — the validator's and the
framework's errors too — with a machine-readable code beside every message."""

import pytest

from crm.auth import tokens
from crm.models import Role
from tests.factories import make_prospect, make_user

ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}


def _bearer(db, user) -> dict:
    secret = tokens.issue_token(user, "test").secret
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize(("headers", "title", "detail"), [
    ({}, "Belum masuk", "Token bearer yang sah diperlukan"),
    (ENGLISH, "Not signed in", "A valid bearer token is required"),
])
def test_an_unauthenticated_call_is_refused_in_the_callers_language(client, db, headers, title, detail):
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401 and response.content_type == "application/problem+json"
    assert response.json["title"] == title and response.json["detail"].startswith(detail)
    assert response.json["code"] == "unauthorized"


def test_the_frameworks_errors_speak_indonesian_by_default_and_english_on_request(client, db, app):
    liaison = _bearer(db, make_user(Role.LIAISON, "ratna", agency_code="DISNAKKAN"))
    officer = _bearer(db, make_user(Role.OFFICER, "hendra", kecamatan=("Panarukan",)))
    cases = [
        (lambda h: client.get("/api/v1/nothing-here", headers={**liaison, **h}), 404, "not_found",
         "Tidak ditemukan", "Not found"),
        (lambda h: client.delete("/api/v1/me", headers={**liaison, **h}), 405, "method_not_allowed",
         "Metode tidak diizinkan", "Method not allowed"),
        (lambda h: client.post("/api/v1/leads", json=[], headers={**officer, **h}), 403, "forbidden",
         "Tidak diizinkan", "Not allowed"),
    ]
    for call, status, code, indonesian, english in cases:
        for headers, title in (({}, indonesian), (ENGLISH, english)):
            response = call(headers)
            assert response.status_code == status and response.json["code"] == code
            assert response.json["title"] == title, (status, headers, response.json)
            assert response.json["detail"] and "The requested URL" not in response.json["detail"]
    app.config["MAX_CONTENT_LENGTH"], limit = 1000, app.config["MAX_CONTENT_LENGTH"]
    try:
        big = client.post("/api/v1/leads", data="[" + "1," * 2000 + "1]", content_type="application/json",
                          headers=liaison)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert big.status_code == 413 and big.json["code"] == "too_large"
    assert big.json["title"] == "Permintaan terlalu besar"


def test_the_validators_messages_are_translated_with_their_codes_kept(client, db):
    officer = make_user(Role.OFFICER, "hendra", kecamatan=("Panarukan",))
    make_prospect(officer=officer)
    headers = _bearer(db, officer)
    body = {"id": "not-a-uuid", "prospect_id": "abc", "outcome": "not_at_home"}
    indonesian = client.post("/api/v1/visits", json=body, headers=headers)
    english = client.post("/api/v1/visits", json=body, headers={**headers, **ENGLISH})
    assert indonesian.status_code == english.status_code == 422
    by_field = {e["field"]: e for e in indonesian.json["errors"]}
    assert by_field["id"]["code"] == "uuid_parsing" and by_field["id"]["message"] == "UUID diperlukan."
    assert by_field["prospect_id"]["code"] == "int_parsing"
    assert by_field["prospect_id"]["message"] == "Bilangan bulat diperlukan."
    assert indonesian.json["title"] == "Tidak sah" and indonesian.json["code"] == "invalid"
    assert {e["field"]: e["message"] for e in english.json["errors"]}["id"] == "A UUID is expected."
    assert [e["code"] for e in english.json["errors"]] == [e["code"] for e in indonesian.json["errors"]]
    assert not any("Input should be" in e["message"] for e in indonesian.json["errors"] + english.json["errors"])


def test_every_kind_of_error_the_api_bodies_raise_has_sasars_own_words(app):
    """Junk in every field of every API body: each pydantic error type that comes out has a message."""
    from pydantic import ValidationError

    from crm.api.messages import VALIDATION_MESSAGES
    from crm.api.spec import OPERATIONS

    seen = set()
    junk = (None, "x" * 5000, -10**12, 10**12, 1.5, [], {}, True, "2026-13-45", "not-a-uuid", [{}] * 2000)
    for body in {operation.body for operation in OPERATIONS if operation.body is not None}:
        fields = getattr(body, "model_fields", {})
        payloads = [{name: value for name in fields} for value in junk] if fields else list(junk)
        for payload in [*payloads, {"unexpected": 1}, "text"]:
            try:
                body.model_validate(payload)
            except ValidationError as error:
                seen |= {item["type"] for item in error.errors(include_url=False)}
    assert seen, "no API body was checked"
    assert seen - {"value_error"} <= set(VALIDATION_MESSAGES), seen - set(VALIDATION_MESSAGES)
