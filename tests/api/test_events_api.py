"""The events API: list and create events, send the people met at one, item by item."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from crm import reference
from crm.auth import tokens
from crm.models import Event, EventSignup, Prospect, Role
from tests.factories import desa_named, make_event, make_prospect, make_user

NIK = "3512064107900003"


def _bearer(db, user) -> dict:
    issued = tokens.issue_token(user, "test")
    db.session.commit()
    return {"Authorization": f"Bearer {issued.secret}"}


@pytest.fixture
def officer(db):
    return make_user(Role.OFFICER, "hendra", kecamatan=("Panarukan",))


@pytest.fixture
def headers(db, officer):
    return _bearer(db, officer)


def test_an_officer_creates_an_event_and_gets_its_signup_url(client, db, headers):
    response = client.post("/api/v1/events", headers=headers, json={
        "title": "Sosialisasi TPI Kilensari", "kind": "tpi", "starts_at": "2026-12-05T07:00:00+07:00",
        "ends_at": "2026-12-05T10:00", "desa_id": desa_named("Kilensari").id,
        "agency_id": reference.agency_by_code("DISNAKKAN").id})
    assert response.status_code == 201, response.json
    event = db.session.get(Event, response.json["id"])
    assert response.json["signup_url"].endswith(f"/e/{event.code}")
    assert event.starts_at == datetime(2026, 12, 5, 0, 0, tzinfo=UTC)
    assert event.ends_at == datetime(2026, 12, 5, 3, 0, tzinfo=UTC)  # no offset: the branch's local time
    listed = client.get("/api/v1/events", headers=headers).json["events"]
    assert [(e["id"], e["kind"], e["signed_up"]) for e in listed] == [(event.id, "tpi", 0)]


def test_a_wrong_event_is_refused_with_the_field_named(client, db, headers):
    response = client.post("/api/v1/events", headers=headers, json={
        "title": "Pasar", "kind": "market", "starts_at": "2026-12-05T10:00:00+07:00",
        "ends_at": "2026-12-05T09:00:00+07:00", "desa_id": desa_named("Kilensari").id})
    assert response.status_code == 422
    assert response.content_type == "application/problem+json" and response.json["field"] == "ends_at"
    bad_kind = client.post("/api/v1/events", headers=headers, json={
        "title": "Pasar", "kind": "party", "starts_at": "2026-12-05T10:00", "ends_at": "2026-12-05T11:00",
        "desa_id": 1})
    assert bad_kind.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0


def test_attendees_are_answered_item_by_item(client, db, headers, officer):
    event = make_event(officer)
    known = make_prospect("Siti Rohmah", nik=NIK, phone=None)
    response = client.post(f"/api/v1/events/{event.id}/attendees", headers=headers, json=[
        {"name": "Pak Sahri", "phone": "0813 1111 2222"},
        {"name": "Siti Rohmah", "nik": NIK},
        {"name": "Tanpa Nomor"},
        {"name": "Pak Sahri lagi", "phone": "+62 813-1111-2222", "present": False},
    ])
    assert response.status_code == 200, response.json
    body = response.json
    assert (body["created"], body["known"], body["invalid"]) == (1, 2, 1)
    results = body["results"]
    assert [r["status"] for r in results] == ["created", "known", "invalid", "known"]
    assert results[1]["prospect_id"] == known.id and results[3]["prospect_id"] == results[0]["prospect_id"]
    assert [(r["field"], r["code"]) for r in results[2]["reasons"]] == [("phone", "nik_or_phone_missing")]
    assert db.session.scalar(select(func.count()).select_from(Prospect)) == 2
    present = dict(db.session.execute(select(EventSignup.prospect_id, EventSignup.present)).all())
    assert present == {known.id: True, results[0]["prospect_id"]: True}


def test_an_event_of_another_branch_is_404_through_the_api(client, db, headers, officer):
    event = make_event(officer)
    event.branch_id = reference.branch_by_code("BWI").id
    db.session.commit()
    assert client.post(f"/api/v1/events/{event.id}/attendees", headers=headers,
                       json=[{"name": "Pak Sahri", "phone": "0813 1111 2222"}]).status_code == 404
    assert client.get("/api/v1/events", headers=headers).json["events"] == []


def test_liaisons_may_not_use_the_events_api(client, db):
    liaison = make_user(Role.LIAISON, "ratna", agency_code="DISNAKKAN")
    assert client.get("/api/v1/events", headers=_bearer(db, liaison)).status_code == 403


def test_the_events_operations_are_in_the_openapi_document(client, db):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert set(paths["/events"]) == {"get", "post"}
    assert "201" in paths["/events"]["post"]["responses"]
    attendees = paths["/events/{event_id}/attendees"]["post"]
    assert attendees["x-roles"] == ["admin", "manager", "officer"]


def test_the_funnel_api_narrows_to_an_event(client, db, headers, officer):
    event = make_event(officer)
    client.post(f"/api/v1/events/{event.id}/attendees", headers=headers, json=[
        {"name": "Pak Sahri", "phone": "0813 1111 2222"}, {"name": "Bu Sahri", "phone": "0813 1111 3333"}])
    make_prospect("Bu Lain", phone="+6281299990000")
    manager = make_user(Role.MANAGER, "yuli")
    year = datetime.now(UTC).year
    narrowed = client.get(f"/api/v1/stats/funnel?from={year}-01-01&to={year}-12-31&event={event.id}",
                          headers=_bearer(db, manager))
    assert narrowed.status_code == 200, narrowed.json
    assert narrowed.json["total"] == 2 and narrowed.json["filters"]["event"] == str(event.id)


def test_an_event_beyond_the_years_sasar_knows_is_a_422_not_a_crash(client, db, headers):
    response = client.post("/api/v1/events", headers=headers, json={
        "title": "Jauh", "kind": "other", "starts_at": "9999-12-31T23:00:00-23:59",
        "ends_at": "9999-12-31T23:59:00-23:59", "desa_id": desa_named("Kilensari").id})
    assert response.status_code == 422 and response.json["field"] == "starts_at"
