"""Bulk reassignment: a warning when the officer does not cover the place, a message naming who got the
prospects, an audit event listing each prospect moved, and one action that undoes it."""

from sqlalchemy import select

from crm.models import AuditEvent, Prospect, Role, Stage
from tests.factories import desa_named, make_prospect, make_user, sign_in


def _setup(db):
    hendra = make_user(Role.OFFICER, "hendra", name="Hendra Wijaya", kecamatan=("Panarukan", "Mangaran"))
    bayu = make_user(Role.OFFICER, "bayu", name="Bayu Saputra", kecamatan=("Jatibanteng", "Kendit"))
    leads = [make_prospect(f"Nelayan {n}", "Kilensari", officer=hendra) for n in range(3)]
    unassigned = make_prospect("Belum Ada Petugas", "Kilensari")
    make_prospect("Sudah Dikunjungi", "Kilensari", officer=hendra, stage=Stage.VISITED)
    db.session.commit()
    return hendra, bayu, [*leads, unassigned]


def _officers(db, prospects) -> list:
    db.session.expire_all()
    return [db.session.get(Prospect, p.id).assigned_officer_id for p in prospects]


def test_a_bulk_move_warns_names_the_officer_records_each_prospect_and_is_undone_in_one_action(client, db):
    hendra, bayu, moved = _setup(db)
    sign_in(client, make_user(Role.MANAGER, "yuli"))
    data = {"kecamatan": 0, "desa": desa_named("Kilensari").id, "only_new": "1", "officer": bayu.id}

    preview = client.post("/prospects/assign", data=data).get_data(as_text=True)
    assert "4 prospek sesuai" in preview
    assert "data-uncovered" in preview and "Bayu Saputra tidak mencakup Panarukan" in preview

    done = client.post("/prospects/assign", data={**data, "confirm": "1"})
    assert done.status_code == 302
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "4 prospek dialihkan ke Bayu Saputra" in page and "data-last-move" in page
    assert _officers(db, moved) == [bayu.id] * 4
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "reassign_bulk"))
    assert event.after["count"] == 4 and sorted(event.after["moves"]) == sorted(
        [[p.id, hendra.id] for p in moved[:3]] + [[moved[3].id, None]])

    # one of them is given to someone else meanwhile: the undo leaves it there
    rizki = make_user(Role.OFFICER, "rizki", kecamatan=("Panarukan",))
    db.session.get(Prospect, moved[0].id).assigned_officer_id = rizki.id
    db.session.commit()
    undo = client.post(f"/prospects/assign/{event.id}/undo")
    assert undo.status_code == 302
    assert "3 prospek kembali" in client.get(undo.headers["Location"]).get_data(as_text=True)
    assert _officers(db, moved) == [rizki.id, hendra.id, hendra.id, None]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "reassign_undo")).after["count"] == 3

    again = client.post(f"/prospects/assign/{event.id}/undo", follow_redirects=True)
    assert "sudah dibatalkan" in again.get_data(as_text=True)
    assert _officers(db, moved) == [rizki.id, hendra.id, hendra.id, None]
    assert "data-last-move" not in client.get(f"/prospects/assign?done={event.id}").get_data(as_text=True)


def test_no_warning_when_the_officer_covers_the_place_and_no_undo_for_officers(client, db, app):
    hendra, _bayu, _moved = _setup(db)
    other = make_user(Role.OFFICER, "wulan", kecamatan=("Panarukan",))
    sign_in(client, make_user(Role.MANAGER, "yuli"))
    data = {"kecamatan": 0, "desa": desa_named("Kilensari").id, "only_new": "1", "officer": other.id}
    assert "data-uncovered" not in client.get("/prospects/assign").get_data(as_text=True)
    assert "data-uncovered" not in client.post("/prospects/assign", data=data).get_data(as_text=True)
    client.post("/prospects/assign", data={**data, "confirm": "1"})
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "reassign_bulk"))
    officer_client = app.test_client()
    sign_in(officer_client, hendra)
    assert officer_client.post(f"/prospects/assign/{event.id}/undo").status_code == 403
