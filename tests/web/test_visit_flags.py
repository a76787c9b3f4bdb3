"""How far a visit may be from the prospect's known place depends on how well that place is known
(crm/visits/reach.py, FlagRules): tested on Situbondo's real centroids and a real boundary point."""

import uuid
from pathlib import Path

from sqlalchemy import select

from crm.models import Region, RegionLevel, Role, Visit
from tests.factories import desa_named, make_prospect, make_user, sign_in

CENTROIDS = Path(__file__).parent.parent / "data" / "situbondo_desa_centroids.csv"
# A vertex of Desa Banyuputih's boundary polygon (cahyadsn/wilayah_boundaries, kel 35.12), 2,917 m from its
# centroid: farther than the old flat 2 km, within the desa.
BANYUPUTIH_BOUNDARY = (-7.783204, 114.239256)
ASEMBAGUS_CENTRE = (-7.744469, 114.213913)   # Desa Asembagus, in the next kecamatan west: 4,087 m away


def _load_centroids(runner):
    result = runner.invoke(args=["sasar", "load-centroids", str(CENTROIDS)])
    assert result.exit_code == 0, result.output
    return result.output


def _visit(client, prospect, position, accuracy_m=150):  # a fix worse than 100 m is not kept as theirs
    return client.post("/visits/sync", json={"id": str(uuid.uuid4()), "prospect_id": prospect.id,
                                             "outcome": "not_at_home", "latitude": position[0],
                                             "longitude": position[1], "accuracy_m": accuracy_m,
                                             "position_source": "gps"}).json


def _flagged_list(app) -> str:
    manager = app.test_client()
    sign_in(manager, make_user(Role.MANAGER, "yuli"))
    return manager.get("/visits/flagged").get_data(as_text=True)


def test_load_centroids_gives_every_desa_and_kecamatan_a_reach(runner, db):
    output = _load_centroids(runner)
    assert "153 desa and kecamatan have a reach" in output
    banyuputih = desa_named("Banyu Putih", "Banyuputih")
    assert round(banyuputih.reach_m) == 3913   # 1.5 × 2,609 m to Sumberejo's centre
    unreached = db.session.scalars(select(Region).where(Region.level != RegionLevel.KABUPATEN,
                                                        Region.reach_m.is_(None))).all()
    assert unreached == []


def test_a_visit_at_the_edge_of_a_large_desa_is_not_flagged_one_in_the_next_kecamatan_is(client, runner, db, app):
    _load_centroids(runner)
    officer = make_user(Role.OFFICER, "hendra", kecamatan=("Banyuputih", "Asembagus"))
    prospect = make_prospect("Pak Sahrawi", "Banyu Putih", kecamatan="Banyuputih", officer=officer)
    sign_in(client, officer)
    edge = _visit(client, prospect, BANYUPUTIH_BOUNDARY)
    assert edge["flagged"] is False and round(edge["distance_m"]) == 2917
    next_kecamatan = _visit(client, prospect, ASEMBAGUS_CENTRE)
    assert next_kecamatan["flag_reason"] == "far" and round(next_kecamatan["distance_m"]) == 4087

    page = _flagged_list(app)
    assert "4,1 km dari pusat Desa Banyu Putih; batas 3,9 km" in page
    assert "(±150 m)" not in page


def test_an_earlier_good_fix_is_held_tightly(client, runner, db, app):
    _load_centroids(runner)
    officer = make_user(Role.OFFICER, "hendra", kecamatan=("Banyuputih",))
    prospect = make_prospect("Pak Sahrawi", "Banyu Putih", kecamatan="Banyuputih", officer=officer)
    sign_in(client, officer)
    _visit(client, prospect, (-7.758392, 114.248233), accuracy_m=10)   # a good GPS fix: kept as theirs
    near = _visit(client, prospect, (-7.761392, 114.248233))            # 332 m from it
    assert near["flagged"] is False
    far = _visit(client, prospect, (-7.768392, 114.248233))             # 1,106 m: inside the desa, not near them
    assert far["flag_reason"] == "far"
    visit = db.session.scalar(select(Visit).order_by(Visit.id.desc()))
    assert (visit.distance_from, visit.distance_limit_m) == ("fix", 500)

    page = _flagged_list(app)
    assert "1,1 km dari tempat kunjungan sebelumnya; batas 0,5 km" in page


def test_a_prospect_known_only_by_kecamatan_is_measured_against_the_kecamatan_reach(client, runner, db, app):
    _load_centroids(runner)
    officer = make_user(Role.OFFICER, "hendra", kecamatan=("Banyuputih",))
    prospect = make_prospect("Pak Sahrawi", "Banyu Putih", kecamatan="Banyuputih", officer=officer)
    prospect.desa = None
    db.session.commit()
    kecamatan = db.session.get(Region, prospect.kecamatan_id)
    sign_in(client, officer)
    inside = _visit(client, prospect, (-7.892392, 114.372832))          # Wonorejo's centre, 6,3 km out
    assert inside["flagged"] is False
    outside = _visit(client, prospect, (-7.836302, 114.184053))         # Desa Kertosari, Asembagus
    assert outside["flag_reason"] == "far"
    assert round(kecamatan.reach_m) == 17_581 and round(outside["distance_m"]) == 17_952
    visit = db.session.scalar(select(Visit).order_by(Visit.id.desc()))
    assert (visit.distance_from, visit.distance_limit_m) == ("kecamatan", kecamatan.reach_m)
