import uuid

from crm.auth import tokens
from crm.models import Role, Stage
from tests.factories import make_prospect, make_user


def _auth(db, user) -> dict:
    issued = tokens.issue_token(user, "phone")
    db.session.commit()
    return {"Authorization": f"Bearer {issued.secret}"}


def test_my_prospects_lists_open_prospects_with_stage_and_place(client, db):
    officer = make_user(Role.OFFICER, "hendra", kecamatan=("Panarukan",))
    mine = make_prospect("Siti Aminah", "Kilensari", officer=officer, stage=Stage.CONTACTED)
    make_prospect("Sudah Terdaftar", "Kilensari", stage=Stage.REGISTERED)
    make_prospect("Di Tempat Lain", "Patokan")
    response = client.get("/api/v1/me/prospects", headers=_auth(db, officer))
    assert response.status_code == 200
    items = response.json["items"]
    assert [i["name"] for i in items] == ["Siti Aminah"]
    assert items[0] | {"latitude": None, "longitude": None} == {
        "id": mine.id, "name": "Siti Aminah", "stage": "contacted", "phone": "+6281234567890", "desa": "Kilensari",
        "kecamatan": "Panarukan", "latitude": None, "longitude": None, "next_follow_up": None,
        "assigned_to_me": True}
    assert items[0]["latitude"] is not None  # the kecamatan's centre when the desa has no centroid


def test_post_visit_is_idempotent_on_its_uuid(client, db):
    officer = make_user(Role.OFFICER, "hendra", kecamatan=("Panarukan",))
    prospect = make_prospect()
    headers = _auth(db, officer)
    body = {"id": str(uuid.uuid4()), "prospect_id": prospect.id, "outcome": "interested", "accuracy_m": 5,
            "latitude": -7.70, "longitude": 113.94}
    first = client.post("/api/v1/visits", json=body, headers=headers)
    again = client.post("/api/v1/visits", json=body, headers=headers)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json["id"] == again.json["id"] == body["id"]
    assert first.json["stage"] == "interested"


def test_post_visit_with_a_bad_body_answers_problem_json_naming_the_fields(client, db):
    officer = make_user(Role.OFFICER, "hendra", kecamatan=("Panarukan",))
    response = client.post("/api/v1/visits", json={"id": "not-a-uuid", "outcome": "maybe"}, headers=_auth(db, officer))
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    fields = {e["field"] for e in response.json["errors"]}
    assert {"id", "outcome", "prospect_id"} <= fields


def test_liaison_tokens_cannot_post_visits(client, db):
    liaison = make_user(Role.LIAISON, "ratna", agency_code="DISNAKKAN")
    response = client.post("/api/v1/visits", json={}, headers=_auth(db, liaison))
    assert response.status_code == 403 and response.content_type == "application/problem+json"


def test_visit_operations_are_in_the_openapi_document(client, db):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert "201" in paths["/visits"]["post"]["responses"]
    assert paths["/visits"]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"] \
        == "#/components/schemas/VisitIn"
    assert "/me/prospects" in paths
