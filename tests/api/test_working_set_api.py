"""The officer's working set: what his phone keeps for a day without signal, whole or changed since a cursor."""

import gzip
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from crm.auth import tokens
from crm.models import Prospect, Role, Stage
from crm.visits.workingset import Members
from tests.factories import make_prospect, make_user, sign_in


def _auth(db, user) -> dict:
    issued = tokens.issue_token(user, "phone")
    db.session.commit()
    return {"Authorization": f"Bearer {issued.secret}"}


def _age_everything(db) -> None:
    """As if every prospect was last changed yesterday, before the phone's last sync."""
    db.session.execute(update(Prospect).values(updated_at=datetime.now(UTC) - timedelta(days=1)))
    db.session.commit()


def _officers(db):
    hendra = make_user(Role.OFFICER, "hendra", kecamatan=("Panarukan",))
    wati = make_user(Role.OFFICER, "wati", kecamatan=("Situbondo",))
    return hendra, wati


def test_the_working_set_holds_his_open_prospects_and_the_new_ones_of_his_kecamatan(client, db):
    hendra, wati = _officers(db)
    assigned = make_prospect("Siti Aminah", "Kilensari", officer=hendra, stage=Stage.CONTACTED)
    new_here = make_prospect("Pak Jamaluddin", "Kilensari")
    assigned_elsewhere = make_prospect("Bu Lestari", "Patokan", officer=hendra, stage=Stage.INTERESTED)
    make_prospect("Sudah Terdaftar", "Kilensari", officer=hendra, stage=Stage.REGISTERED)
    make_prospect("Menolak", "Kilensari", officer=hendra, stage=Stage.DECLINED)
    make_prospect("Orang Lain", "Patokan", officer=wati)
    make_prospect("Tak Ditugaskan", "Patokan")

    response = client.get("/api/v1/me/working-set", headers=_auth(db, hendra))
    assert response.status_code == 200
    body = response.json
    assert body["full"] is True and body["removed"] == []
    got = {p["id"]: p for p in body["prospects"]}
    assert set(got) == {assigned.id, new_here.id, assigned_elsewhere.id}
    assert got[assigned.id] | {"latitude": None, "longitude": None} == {
        "id": assigned.id, "name": "Siti Aminah", "stage": "contacted", "phone": "+6281234567890", "address": None,
        "desa": "Kilensari", "place": "Kilensari, Panarukan", "kecamatan_id": assigned.kecamatan_id,
        "occupation": None, "business_name": None,
        "latitude": None, "longitude": None, "next_follow_up": None, "assigned_to_me": True}
    assert got[new_here.id]["assigned_to_me"] is False
    assert "nik" not in got[assigned.id]  # the NIK never leaves for the phone
    assert body["members"] == {"count": 3, "hash": Members.of(got).hash}
    assert body["stage_labels"]["contacted"] == "Sudah dihubungi"
    assert response.headers["Cache-Control"] == "no-store"


def test_the_day_plan_lists_todays_stops_of_the_working_set(client, db):
    hendra, _ = _officers(db)
    first = make_prospect("Siti Aminah", "Kilensari", officer=hendra)
    second = make_prospect("Pak Jamaluddin", "Tanjung Kamal", kecamatan="Mangaran", officer=hendra)
    body = client.get("/api/v1/me/working-set", headers=_auth(db, hendra)).json
    assert {stop["prospect_id"] for stop in body["plan"]} == {first.id, second.id}
    assert all(stop["leg_m"] is not None for stop in body["plan"])


def test_a_sync_after_the_cursor_sends_only_what_changed_and_what_left(client, db):
    hendra, wati = _officers(db)
    headers = _auth(db, hendra)
    unchanged = make_prospect("Tetap Sama", "Kilensari", officer=hendra)
    visited = make_prospect("Siti Aminah", "Kilensari", officer=hendra)
    declining = make_prospect("Menolak Nanti", "Kilensari", officer=hendra, stage=Stage.CONTACTED)
    cursor = client.get("/api/v1/me/working-set", headers=headers).json["cursor"]
    _age_everything(db)

    for prospect, outcome, reason in ((visited, "interested", None), (declining, "not_interested", "cannot_afford")):
        sent = client.post("/api/v1/visits", headers=headers, json={
            "id": str(uuid.uuid4()), "prospect_id": prospect.id, "outcome": outcome, "decline_reason": reason})
        assert sent.status_code == 201
    arrived = make_prospect("Lead Baru", "Kilensari")

    body = client.get("/api/v1/me/working-set", query_string={"since": cursor}, headers=headers).json
    assert body["full"] is False
    assert {p["id"]: p["stage"] for p in body["prospects"]} == {visited.id: "interested", arrived.id: "new"}
    assert body["removed"] == [declining.id]
    assert body["members"] == {"count": 3, "hash": Members.of([unchanged.id, visited.id, arrived.id]).hash}
    assert unchanged.id not in {p["id"] for p in body["prospects"]}

    _age_everything(db)
    quiet = client.get("/api/v1/me/working-set", query_string={"since": body["cursor"]}, headers=headers).json
    assert quiet["prospects"] == [] and quiet["removed"] == [] and quiet["members"] == body["members"]


def test_a_prospect_given_to_another_officer_changes_the_members_so_the_phone_syncs_whole(client, db):
    hendra, wati = _officers(db)
    headers = _auth(db, hendra)
    kept = make_prospect("Tetap", "Kilensari", officer=hendra)
    moved = make_prospect("Pindah", "Patokan", officer=hendra)
    cursor = client.get("/api/v1/me/working-set", headers=headers).json["cursor"]
    _age_everything(db)
    db.session.get(Prospect, moved.id).assigned_officer = wati
    db.session.commit()
    body = client.get("/api/v1/me/working-set", query_string={"since": cursor}, headers=headers).json
    assert body["prospects"] == [] and body["removed"] == []  # no longer his to see, even as a removal
    assert body["members"] == {"count": 1, "hash": Members.of([kept.id]).hash}


def test_the_working_set_is_sent_compressed_to_a_client_that_takes_gzip(client, db):
    hendra, _ = _officers(db)
    make_prospect("Siti Aminah", "Kilensari", officer=hendra)
    headers = _auth(db, hendra)
    plain = client.get("/api/v1/me/working-set", headers=headers)
    packed = client.get("/api/v1/me/working-set", headers={**headers, "Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in plain.headers and packed.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(packed.data))["prospects"] == plain.json["prospects"]
    assert "Accept-Encoding" in packed.headers["Vary"]


@pytest.mark.parametrize("cursor", ["yesterday", "t999999999999999", "t١٢٣", "t-5"])
def test_a_cursor_sasar_did_not_give_is_refused_naming_it(client, db, cursor):
    hendra, _ = _officers(db)
    response = client.get("/api/v1/me/working-set", query_string={"since": cursor}, headers=_auth(db, hendra))
    assert response.status_code == 422 and response.content_type == "application/problem+json"
    assert cursor in response.json["detail"] and response.json["field"] == "since"


def test_only_officers_have_a_working_set(client, db):
    for role, extra in ((Role.ADMIN, {}), (Role.MANAGER, {}), (Role.LIAISON, {"agency_code": "DISNAKKAN"})):
        user = make_user(role, **extra)
        assert client.get("/api/v1/me/working-set", headers=_auth(db, user)).status_code == 403
    assert client.get("/api/v1/me/working-set").status_code == 401


def test_the_officers_browser_gets_the_same_set_with_its_session(client, db):
    hendra, _ = _officers(db)
    mine = make_prospect("Siti Aminah", "Kilensari", officer=hendra)
    assert client.get("/visits/working-set").status_code == 302  # to the sign-in page
    sign_in(client, hendra)
    body = client.get("/visits/working-set").json
    assert [p["id"] for p in body["prospects"]] == [mine.id] and body["officer_id"] == hendra.id
    assert client.get("/api/v1/me/working-set").status_code == 401  # the API never takes the session cookie


def test_the_working_set_is_in_the_openapi_document(client, db):
    operation = client.get("/api/v1/openapi.json").json["paths"]["/me/working-set"]["get"]
    assert operation["x-roles"] == ["officer"] and operation["parameters"][0]["name"] == "since"
