import re
import uuid
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from crm.i18n import local_today
from crm.models import AuditEvent, Prospect, Role, Stage, Visit
from crm.visits.today import SHOWN_PER_LIST
from tests.factories import desa_named, make_prospect, make_user, sign_in

KILENSARI = (-7.701258, 113.938119)
PATOKAN = (-7.701876, 113.990785)


def _officer(username="hendra", kecamatan=("Panarukan", "Mangaran")):
    return make_user(Role.OFFICER, username, kecamatan=kecamatan)


def _visit_count(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Visit))


def test_officer_logs_a_visit_with_the_form_and_the_stage_moves(client, db):
    officer = _officer()
    prospect = make_prospect("Siti Aminah", "Kilensari", latitude=KILENSARI[0], longitude=KILENSARI[1])
    sign_in(client, officer)
    form = client.get(f"/visits/new?prospect={prospect.id}")
    assert form.status_code == 200 and "Siti Aminah" in form.get_data(as_text=True)
    response = client.post("/visits/new", data={
        "prospect_id": prospect.id, "client_uuid": str(uuid.uuid4()), "outcome": "interested",
        "notes": "Mau daftar JKK+JKM, tunggu panen", "next_follow_up": (local_today() + timedelta(days=3)).isoformat(),
        "latitude": KILENSARI[0] + 0.001, "longitude": KILENSARI[1], "accuracy_m": 12, "position_source": "gps"})
    assert response.status_code == 302 and response.headers["Location"] == f"/prospects/{prospect.id}"
    db.session.expire_all()
    visit = db.session.scalar(select(Visit))
    assert visit.officer_id == officer.id and not visit.flagged and 100 < visit.distance_m < 130
    assert db.session.get(Prospect, prospect.id).stage is Stage.INTERESTED
    page = client.get(f"/prospects/{prospect.id}").get_data(as_text=True)
    assert "Mau daftar JKK+JKM" in page
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.entity == "visit")) == 1


def test_not_interested_needs_a_reason_and_keeps_what_was_typed(client, db):
    officer = _officer()
    prospect = make_prospect()
    sign_in(client, officer)
    response = client.post("/visits/new", data={"prospect_id": prospect.id, "client_uuid": str(uuid.uuid4()),
                                                "outcome": "not_interested", "notes": "Bilang mahal"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Bilang mahal" in page
    assert _visit_count(db) == 0


def test_a_visit_far_from_the_prospect_is_kept_and_flagged(client, db):
    officer = _officer()
    prospect = make_prospect(latitude=KILENSARI[0], longitude=KILENSARI[1])
    sign_in(client, officer)
    body = {"id": str(uuid.uuid4()), "prospect_id": prospect.id, "outcome": "not_at_home",
            "latitude": PATOKAN[0], "longitude": PATOKAN[1], "accuracy_m": 10, "position_source": "gps"}
    response = client.post("/visits/sync", json=body)
    assert response.status_code == 201
    assert response.json["flagged"] is True and response.json["flag_reason"] == "far"
    assert round(response.json["distance_m"]) == 5811


def test_replaying_the_same_visit_id_stores_one_visit(client, db):
    officer = _officer()
    prospect = make_prospect()
    sign_in(client, officer)
    body = {"id": str(uuid.uuid4()), "prospect_id": prospect.id, "outcome": "not_at_home"}
    first, second = client.post("/visits/sync", json=body), client.post("/visits/sync", json=body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json["created"] is True and second.json["created"] is False
    assert _visit_count(db) == 1


def test_a_late_visit_for_a_prospect_registered_meanwhile_is_kept_without_moving_the_stage(client, db):
    officer = _officer()
    prospect = make_prospect(stage=Stage.REGISTERED)
    sign_in(client, officer)
    response = client.post("/visits/sync", json={"id": str(uuid.uuid4()), "prospect_id": prospect.id,
                                                 "outcome": "not_interested", "decline_reason": "cannot_afford",
                                                 "visited_at": "2026-01-05T02:00:00Z"})
    assert response.status_code == 201 and response.json["stage"] == "registered"
    assert _visit_count(db) == 1


def test_a_good_fix_becomes_the_prospects_location(client, db):
    officer = _officer()
    prospect = make_prospect()
    sign_in(client, officer)
    client.post("/visits/sync", json={"id": str(uuid.uuid4()), "prospect_id": prospect.id, "outcome": "interested",
                                      "latitude": -7.7001, "longitude": 113.9402, "accuracy_m": 25,
                                      "position_source": "gps"})
    db.session.expire_all()
    moved = db.session.get(Prospect, prospect.id)
    assert (moved.latitude, moved.longitude) == (Decimal("-7.700100"), Decimal("113.940200"))


def test_officers_cannot_log_visits_outside_their_area(client, db):
    officer = _officer(kecamatan=("Panarukan",))
    elsewhere = make_prospect("Pak Jamal", "Tanjung Kamal")
    sign_in(client, officer)
    assert client.get(f"/visits/new?prospect={elsewhere.id}").status_code == 404
    response = client.post("/visits/sync", json={"id": str(uuid.uuid4()), "prospect_id": elsewhere.id,
                                                 "outcome": "interested"})
    assert response.status_code == 404 and _visit_count(db) == 0
    assert client.get(f"/prospects/{elsewhere.id}").status_code == 404


def test_liaisons_do_not_log_visits(client, db):
    liaison = make_user(Role.LIAISON, "ratna", agency_code="DISNAKKAN")
    sign_in(client, liaison)
    assert client.get("/today").status_code == 403
    assert client.post("/visits/sync", json={}).status_code == 403


def test_today_lists_overdue_due_and_new(client, db):
    officer = _officer()
    today = local_today()
    make_prospect("Overdue Orang", stage=Stage.CONTACTED, officer=officer, next_follow_up=today - timedelta(days=2))
    make_prospect("Due Orang", stage=Stage.INTERESTED, officer=officer, next_follow_up=today)
    make_prospect("Later Orang", stage=Stage.VISITED, officer=officer, next_follow_up=today + timedelta(days=5))
    make_prospect("Baru Orang", "Tanjung Kamal")
    make_prospect("Outside Orang", "Patokan")
    sign_in(client, officer)
    assert client.get("/").headers["Location"] == "/today"
    page = client.get("/today").get_data(as_text=True)
    for name in ("Overdue Orang", "Due Orang", "Baru Orang"):
        assert name in page
    assert "Later Orang" not in page and "Outside Orang" not in page
    assert page.index("Due Orang") < page.index("Overdue Orang")   # what is due today first (issue 14.3)


def test_today_shows_the_most_overdue_and_links_to_all_of_them(client, db):
    officer = _officer()
    today = local_today()
    for days_late in range(1, SHOWN_PER_LIST + 3):
        make_prospect(f"Telat {days_late:02d} Hari", stage=Stage.CONTACTED, officer=officer, phone=None,
                      next_follow_up=today - timedelta(days=days_late))
    make_prospect("Due Orang", stage=Stage.INTERESTED, officer=officer, phone=None, next_follow_up=today)
    sign_in(client, officer)
    page = client.get("/today").get_data(as_text=True)
    most_overdue, least_overdue = f"Telat {SHOWN_PER_LIST + 2:02d} Hari", "Telat 01 Hari"
    assert most_overdue in page and least_overdue not in page and "Due Orang" in page
    assert f"{SHOWN_PER_LIST} paling terlambat dari {SHOWN_PER_LIST + 2}" in page

    everything_overdue = client.get("/prospects?overdue=1").get_data(as_text=True)
    assert f"{SHOWN_PER_LIST + 2} prospek" in everything_overdue
    assert least_overdue in everything_overdue and "Due Orang" not in everything_overdue


def test_today_shows_the_latest_visits_of_the_day_with_their_count(client, db):
    officer = _officer()
    visited = [make_prospect(f"Dikunjungi {n:02d}", officer=officer, phone=None) for n in range(1, SHOWN_PER_LIST + 3)]
    sign_in(client, officer)
    for prospect in visited:  # logged one after the other: the last is the latest
        assert client.post("/visits/sync", json={"id": str(uuid.uuid4()), "prospect_id": prospect.id,
                                                 "outcome": "not_at_home"}).status_code in (200, 201)
    page = client.get("/today").get_data(as_text=True)
    todays_visits = page[page.index("Kunjungan tercatat hari ini"):]
    assert f"{SHOWN_PER_LIST} terbaru dari {SHOWN_PER_LIST + 2}" in todays_visits
    assert f"Dikunjungi {SHOWN_PER_LIST + 2:02d}" in todays_visits and "Dikunjungi 03" in todays_visits
    assert "Dikunjungi 01" not in todays_visits and "Dikunjungi 02" not in todays_visits
    assert re.search(r"\b\d{2}\.\d{2}</span>", todays_visits)  # the time of day, as 14.05


def test_day_plan_orders_stops_from_the_officers_position(client, db):
    officer = _officer()
    today = local_today()
    for name, desa, lat, lng in (("Far", "Tanjung Kamal", -7.653636, 114.064859),
                                 ("Near", "Kilensari", KILENSARI[0], KILENSARI[1])):
        make_prospect(name, desa, stage=Stage.CONTACTED, officer=officer, next_follow_up=today,
                      latitude=lat, longitude=lng)
    sign_in(client, officer)
    page = client.get(f"/plan?lat={PATOKAN[0]}&lng={PATOKAN[1]}").get_data(as_text=True)
    assert page.index(">Near<") < page.index(">Far<")
    assert "5,8 km" in page and f"geo:{KILENSARI[0]:.6f},{KILENSARI[1]:.6f}" in page


def test_manager_reviews_flagged_visits(client, db, app):
    officer = _officer()
    prospect = make_prospect(latitude=KILENSARI[0], longitude=KILENSARI[1])
    officer_client = app.test_client()
    sign_in(officer_client, officer)
    officer_client.post("/visits/sync", json={"id": str(uuid.uuid4()), "prospect_id": prospect.id,
                                              "outcome": "not_at_home", "latitude": PATOKAN[0],
                                              "longitude": PATOKAN[1], "accuracy_m": 8})
    sign_in(client, make_user(Role.MANAGER, "yuli"))
    page = client.get("/visits/flagged").get_data(as_text=True)
    assert "Siti Aminah" in page and "Hendra" in page
    visit = db.session.scalar(select(Visit))
    assert client.post(f"/visits/{visit.id}/reviewed").status_code == 302
    assert "Siti Aminah" not in client.get("/visits/flagged").get_data(as_text=True)
    assert "Siti Aminah" in client.get("/visits/flagged?reviewed=1").get_data(as_text=True)


def test_manager_reassigns_untouched_leads_of_a_desa_in_bulk(client, db):
    hendra, rizki = _officer("hendra"), _officer("rizki", kecamatan=("Situbondo",))
    for n in range(3):
        make_prospect(f"Nelayan {n}", "Kilensari", officer=hendra)
    make_prospect("Sudah Dikunjungi", "Kilensari", officer=hendra, stage=Stage.VISITED)
    make_prospect("Desa Lain", "Duwet", officer=hendra)
    sign_in(client, make_user(Role.MANAGER, "yuli"))
    kilensari = desa_named("Kilensari")
    data = {"kecamatan": 0, "desa": kilensari.id, "only_new": "1", "officer": rizki.id}
    preview = client.post("/prospects/assign", data=data)
    assert "3" in preview.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).where(Prospect.assigned_officer_id == rizki.id)) == 0
    client.post("/prospects/assign", data={**data, "confirm": "1"})
    moved = db.session.scalars(select(Prospect.name).where(Prospect.assigned_officer_id == rizki.id)).all()
    assert sorted(moved) == ["Nelayan 0", "Nelayan 1", "Nelayan 2"]


def test_prospect_page_offers_call_and_whatsapp(client, db):
    officer = _officer()
    prospect = make_prospect(phone="+6281234567890")
    sign_in(client, officer)
    page = client.get(f"/prospects/{prospect.id}").get_data(as_text=True)
    # WhatsApp opens with the branch's messages filled in (tests/web/test_contacts.py)
    assert 'href="tel:+6281234567890"' in page and 'href="https://wa.me/6281234567890?text=' in page


def test_a_visit_measured_from_the_kecamatan_centre_is_flagged_only_when_far_off(client, db):
    officer = _officer()
    prospect = make_prospect()  # Kilensari has no centroid loaded: only Panarukan's centre is known
    sign_in(client, officer)
    near = client.post("/visits/sync", json={"id": str(uuid.uuid4()), "prospect_id": prospect.id,
                                             "outcome": "not_at_home", "latitude": KILENSARI[0],
                                             "longitude": KILENSARI[1], "accuracy_m": 200})
    assert near.json["flagged"] is False and 3_000 < near.json["distance_m"] < 5_000
    far = client.post("/visits/sync", json={"id": str(uuid.uuid4()), "prospect_id": prospect.id,
                                            "outcome": "not_at_home", "latitude": -7.829817,
                                            "longitude": 114.365033, "accuracy_m": 20})
    assert far.json["flag_reason"] == "far"


def test_region_geocoder_resolves_addresses_offline(db):
    from crm.visits.geo import RegionGeocoder, geocode

    kilensari = desa_named("Kilensari")
    kilensari.latitude, kilensari.longitude = Decimal("-7.701258"), Decimal("113.938119")
    db.session.commit()
    found = RegionGeocoder().geocode("Ds. Kilensari, Kec. Panarukan")
    assert found.address == "Kilensari, Panarukan" and found.point.latitude == -7.701258
    assert RegionGeocoder().geocode("kilensari").raw["level"] == "desa"
    assert RegionGeocoder().geocode("Desa Entah, Mangaran").address == "Mangaran, Kabupaten Situbondo"
    assert RegionGeocoder().geocode("Atlantis") is None
    assert geocode("Kilensari", {"SASAR_GEOCODER": "regions"}).address == "Kilensari, Panarukan"


def test_nominatim_is_used_only_when_configured(db, monkeypatch):
    from crm.visits import geo

    asked = []
    monkeypatch.setattr(geo, "_cached_nominatim", lambda query, agent: asked.append(query))
    assert geo.geocode("Kilensari, Panarukan", {"SASAR_GEOCODER": "regions"}) is not None
    assert asked == []
    geo.geocode("Kilensari, Panarukan", {"SASAR_GEOCODER": "nominatim"})
    assert asked == ["Kilensari, Panarukan"]


def test_a_lapsed_participant_keeps_the_follow_up_an_officer_sets(client, db):
    from crm.models import ParticipantStatus, Registration

    officer = _officer()
    prospect = make_prospect(stage=Stage.REGISTERED, officer=officer)
    db.session.add(Registration(branch_id=prospect.branch_id, prospect=prospect, kpj="01234567890",
                                registered_on=date(2024, 3, 1), declared_income=1_000_000,
                                monthly_contribution=16_800, status=ParticipantStatus.LAPSED))
    db.session.commit()
    sign_in(client, officer)
    follow_up = local_today() + timedelta(days=7)
    client.post("/visits/sync", json={"id": str(uuid.uuid4()), "prospect_id": prospect.id,
                                      "outcome": "interested", "next_follow_up": follow_up.isoformat()})
    db.session.expire_all()
    assert db.session.get(Prospect, prospect.id).next_follow_up == follow_up
    prospect = db.session.get(Prospect, prospect.id)
    prospect.next_follow_up = local_today()
    db.session.commit()
    assert "Siti Aminah" in client.get("/today").get_data(as_text=True)


def test_nik_is_masked_until_revealed_and_each_reveal_is_recorded(client, db):
    prospect = make_prospect(nik="3512064508900003", phone="+6281234567890")
    manager = make_user(Role.MANAGER, "yuli")
    sign_in(client, manager)
    page = client.get(f"/prospects/{prospect.id}").get_data(as_text=True)
    assert "3512********0003" in page and "3512064508900003" not in page
    assert "+62812****7890" in page and "+6281234567890" not in page
    revealed = client.post(f"/prospects/{prospect.id}/reveal", data={"field": "nik"}).get_data(as_text=True)
    assert "3512064508900003" in revealed
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "reveal"))
    assert event.actor_id == manager.id and event.after == {"field": "nik"}
    assert "3512064508900003" not in client.get(f"/prospects/{prospect.id}").get_data(as_text=True)
    assert client.post(f"/prospects/{prospect.id}/reveal", data={"field": "address"}).status_code == 400


def test_the_prospect_page_confirms_a_visit_sent_by_the_form_only_once_it_has_arrived(client, db):
    officer = _officer()
    prospect = make_prospect()
    sign_in(client, officer)
    visit_id = str(uuid.uuid4())
    before = client.get(f"/prospects/{prospect.id}?saved={visit_id}").get_data(as_text=True)
    assert "Kunjungan tersimpan" not in before
    client.post("/visits/sync", json={"id": visit_id, "prospect_id": prospect.id, "outcome": "not_at_home"})
    after = client.get(f"/prospects/{prospect.id}?saved={visit_id}").get_data(as_text=True)
    assert "Kunjungan tersimpan. Tahap: Sudah dikunjungi." in after
    assert "Kunjungan tersimpan" not in client.get(f"/prospects/{prospect.id}?saved=not-a-uuid").get_data(as_text=True)
