"""POST /api/v1/leads: a result per lead, idempotent on the agency's reference, problem+json on a bad body."""

import pytest
from sqlalchemy import func, select

from crm.auth import tokens
from crm.models import LeadBatch, Prospect, Role
from tests.factories import make_user


@pytest.fixture
def headers(db):
    user = make_user(Role.LIAISON, "sistem-dinsos", agency_code="DINSOS")
    issued = tokens.issue_token(user, "dinsos system")
    db.session.commit()
    return {"Authorization": f"Bearer {issued.secret}"}


LEADS = [
    {"reference": "KPM-001", "name": "Rukmini", "nik": "3512074405700001", "phone": "0812-3450-0001",
     "desa": "Kel. Patokan", "kecamatan": "Situbondo", "occupation": "Warung kopi"},
    {"reference": "KPM-002", "name": "Maimunah", "nik": "351207460675", "phone": None},
    {"reference": "KPM-003", "name": "Rukmini", "nik": "3512074405700001"},
    {"reference": "KPM-004", "name": "Rukmini", "phone": "085233334444", "desa": "Patokan"},
    {"reference": "KPM-005", "name": "", "phone": "+1 202 555 0101"},
]


def test_each_lead_gets_its_result(client, db, headers):
    response = client.post("/api/v1/leads", json=LEADS, headers=headers)
    assert response.status_code == 200, response.json
    body = response.json
    assert (body["created"], body["duplicates"], body["possible_duplicates"], body["invalid"]) == (2, 1, 1, 2)
    results = body["results"]
    assert [r["status"] for r in results] == ["created", "invalid", "duplicate", "possible_duplicate", "invalid"]
    rukmini = db.session.get(Prospect, results[0]["prospect_id"])
    assert (rukmini.name, rukmini.phone, rukmini.desa.name, rukmini.source_reference) == (
        "Rukmini", "+6281234500001", "Patokan", "KPM-001")
    assert [(r["field"], r["code"]) for r in results[1]["reasons"]] == [("nik", "nik_length")]
    message = results[1]["reasons"][0]["message"]
    assert message.startswith("NIK terdiri dari 16 digit") and "12" in message and "nik:" not in message
    assert (results[2]["duplicate_of_index"], results[2]["matched_on"]) == (0, "nik")
    assert results[3]["candidate_id"] == rukmini.id and results[3]["prospect_id"] not in (None, rukmini.id)
    assert {r["code"] for r in results[4]["reasons"]} == {"name_missing", "phone_foreign"}
    assert db.session.get(LeadBatch, body["batch"]).source.value == "api"


def test_sending_the_same_references_again_creates_nothing_and_answers_the_same(client, db, headers):
    first = client.post("/api/v1/leads", json=LEADS, headers=headers).json
    prospects = db.session.scalar(select(func.count()).select_from(Prospect))
    again = client.post("/api/v1/leads", json=LEADS[:1] + LEADS[3:4], headers=headers).json
    assert db.session.scalar(select(func.count()).select_from(Prospect)) == prospects
    assert again["batch"] is None and again["created"] == 0
    assert [(r["status"], r["prospect_id"], r["replayed"]) for r in again["results"]] == [
        ("created", first["results"][0]["prospect_id"], True),
        ("possible_duplicate", first["results"][3]["prospect_id"], True)]


def batches(db) -> int:
    return db.session.scalar(select(func.count()).select_from(LeadBatch))


def test_a_replay_answers_every_first_outcome_creates_no_batch_and_is_counted_apart(client, db, headers):
    first = client.post("/api/v1/leads", json=LEADS, headers=headers).json
    before = (batches(db), db.session.scalar(select(func.count()).select_from(Prospect)))
    again = client.post("/api/v1/leads", json=LEADS, headers=headers).json
    assert (batches(db), db.session.scalar(select(func.count()).select_from(Prospect))) == before
    assert again["batch"] is None
    assert (again["created"], again["duplicates"], again["possible_duplicates"], again["invalid"],
            again["replayed"]) == (0, 0, 0, 0, 5)
    assert [r["status"] for r in again["results"]] == [r["status"] for r in first["results"]] == [
        "created", "invalid", "duplicate", "possible_duplicate", "invalid"]
    assert all(r["replayed"] for r in again["results"]) and not any(r["replayed"] for r in first["results"])
    assert [r["index"] for r in again["results"]] == [0, 1, 2, 3, 4]
    assert again["results"][0]["prospect_id"] == first["results"][0]["prospect_id"]
    assert again["results"][3]["candidate_id"] == first["results"][3]["candidate_id"]
    assert again["results"][2]["matched_on"] == "nik"
    assert [(r["field"], r["code"]) for r in again["results"][1]["reasons"]] == [("nik", "nik_length")]


def test_a_lead_first_answered_duplicate_sent_again_leaves_no_new_batch(client, db, headers):
    known = {"reference": "KPM-100", "name": "Rukmini", "nik": "3512074405700001"}
    client.post("/api/v1/leads", json=[{**known, "reference": "KPM-099"}], headers=headers)
    first = client.post("/api/v1/leads", json=[known], headers=headers).json
    assert first["results"][0]["status"] == "duplicate" and first["batch"] is not None
    count = batches(db)
    for _ in range(2):
        again = client.post("/api/v1/leads", json=[known], headers=headers).json
        assert (again["batch"], again["replayed"], again["duplicates"]) == (None, 1, 0)
        assert (again["results"][0]["status"], again["results"][0]["replayed"]) == ("duplicate", True)
        assert again["results"][0]["prospect_id"] == first["results"][0]["prospect_id"]
    assert batches(db) == count


def test_a_replay_beside_a_new_lead_counts_each_apart(client, db, headers):
    client.post("/api/v1/leads", json=LEADS[:1], headers=headers)
    new = {"reference": "KPM-200", "name": "Halimah", "nik": "3512084808800005"}
    body = client.post("/api/v1/leads", json=[new, LEADS[0]], headers=headers).json
    assert (body["created"], body["replayed"]) == (1, 1) and body["batch"] is not None
    assert [(r["status"], r["replayed"]) for r in body["results"]] == [("created", False), ("created", True)]
    assert db.session.get(LeadBatch, body["batch"]).created_count == 1


def test_an_invalid_lead_sent_again_corrected_is_checked_again(client, db, headers):
    refused = client.post("/api/v1/leads", json=[LEADS[1]], headers=headers).json
    assert refused["results"][0]["status"] == "invalid"
    corrected = client.post("/api/v1/leads", json=[{**LEADS[1], "nik": "3512074606750002"}], headers=headers).json
    assert (corrected["results"][0]["status"], corrected["results"][0]["replayed"]) == ("created", False)
    replay = client.post("/api/v1/leads", json=[LEADS[1]], headers=headers).json  # the old values once more
    assert (replay["results"][0]["status"], replay["results"][0]["replayed"]) == ("created", True)


@pytest.mark.parametrize("body", [{"name": "not a list"}, [], [{"name": 5}], "text"])
def test_a_bad_body_is_a_problem_document(client, db, headers, body):
    response = client.post("/api/v1/leads", json=body, headers=headers)
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    assert response.json["status"] == 422 and response.json["errors"]


def test_only_an_agencys_token_may_send_leads(client, db):
    officer = make_user(Role.OFFICER)
    issued = tokens.issue_token(officer, "phone")
    db.session.commit()
    response = client.post("/api/v1/leads", json=LEADS, headers={"Authorization": f"Bearer {issued.secret}"})
    assert response.status_code == 403 and response.content_type == "application/problem+json"


def test_the_operation_is_in_the_openapi_document(client, db):
    document = client.get("/api/v1/openapi.json").json
    operation = document["paths"]["/leads"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/LeadsIn")
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/LeadsOut")
    assert "422" in operation["responses"] and operation["x-roles"] == ["liaison"]
    schemas = document["components"]["schemas"]
    assert schemas["LeadsIn"]["type"] == "array"
    assert set(schemas["LeadResult"]["properties"]["status"]["enum"]) == {
        "created", "duplicate", "possible_duplicate", "invalid"}
