from crm.auth import accounts, tokens
from crm.models import ApiToken, Role
from tests.factories import make_user, sign_in


def _token_for(db, user) -> str:
    issued = tokens.issue_token(user, "test")
    db.session.commit()
    return issued.secret


def test_me_answers_with_the_token_holder(client, db):
    user = make_user(Role.LIAISON, "ratna", name="Ratna Kusuma", agency_code="DISNAKKAN")
    secret = _token_for(db, user)
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert response.json == {"id": user.id, "name": "Ratna Kusuma", "email": None, "username": "ratna",
                             "role": "liaison", "branch": "SBO", "agency": "DISNAKKAN", "kecamatan": []}


def test_a_tokens_last_use_is_recorded_to_within_five_minutes(client, db):
    secret = _token_for(db, make_user(Role.LIAISON, "ratna", agency_code="DISNAKKAN"))
    me = {"Authorization": f"Bearer {secret}"}

    def last_used():
        db.session.expire_all()
        return db.session.query(ApiToken).one().last_used_at

    assert last_used() is None
    client.get("/api/v1/me", headers=me)
    first = last_used()
    assert first is not None
    client.get("/api/v1/me", headers=me)
    assert last_used() == first  # a minute later nobody needs to know
    token = db.session.query(ApiToken).one()
    token.last_used_at = first - tokens.LAST_USE_PRECISION
    db.session.commit()
    client.get("/api/v1/me", headers=me)
    assert last_used() > first


def test_tokens_are_stored_only_as_digests(db):
    secret = _token_for(db, make_user(Role.OFFICER))
    stored = db.session.query(ApiToken).one()
    assert secret not in (stored.token_hash, stored.prefix) and len(stored.token_hash) == 64


def test_missing_wrong_or_dead_tokens_get_a_problem_document(client, db):
    user = make_user(Role.OFFICER)
    secret = _token_for(db, user)
    for headers in ({}, {"Authorization": "Bearer sasar_wrong"}, {"Authorization": f"Basic {secret}"}):
        response = client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401
        assert response.content_type == "application/problem+json"
        assert response.json["status"] == 401 and response.json["title"]
    accounts.set_active(user, False)
    db.session.commit()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_a_browser_session_does_not_open_the_api(client, db):
    sign_in(client, make_user(Role.ADMIN))
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/me").status_code == 401


def test_unknown_api_path_answers_problem_json(client, db):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"


def test_openapi_document_describes_the_operations(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json
    assert document["openapi"].startswith("3.")
    me = document["paths"]["/me"]["get"]
    assert me["responses"]["200"]["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/MeOut"
    assert "401" in me["responses"]
    assert set(document["components"]["schemas"]["MeOut"]["properties"]) >= {"id", "name", "role", "branch"}
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
