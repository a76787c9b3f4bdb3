import json
import stat
import uuid
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import func, select

from crm.models import AuditEvent, Prospect, Registration, Role, Stage, Visit
from crm.privacy import retention, subjects
from tests.factories import make_prospect, make_user, sign_in

NIK = "3512064508900003"


def _stage_counts(db) -> dict:
    return dict(db.session.execute(select(Prospect.stage, func.count()).group_by(Prospect.stage)).all())


def _person_with_history(client, db):
    officer = make_user(Role.OFFICER, "hendra", kecamatan=("Panarukan",))
    prospect = make_prospect("Siti Aminah", nik=NIK, officer=officer, stage=Stage.INTERESTED)
    make_prospect("Orang Lain", nik="3512060101900001", phone="+6281299990000")
    sign_in(client, officer)
    client.post("/visits/sync", json={"id": str(uuid.uuid4()), "prospect_id": prospect.id, "outcome": "interested",
                                      "notes": "Rumah dekat TPI, istri jualan ikan", "latitude": -7.7,
                                      "longitude": 113.94, "accuracy_m": 10})
    db.session.add(Registration(branch_id=prospect.branch_id, prospect=prospect, kpj="12345678901",
                                registered_on=date(2024, 5, 2), declared_income=1_000_000,
                                monthly_contribution=16_800))
    db.session.commit()
    return prospect


def test_export_holds_everything_on_the_person_and_nothing_on_others(runner, client, db, tmp_path):
    _person_with_history(client, db)
    out = tmp_path / "siti.json"
    result = runner.invoke(args=["sasar", "export-person", "3512 0645 0890 0003", "--output", str(out)])
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    [person] = document["people"]
    assert person["prospect"]["name"]["value"] == "Siti Aminah" and person["prospect"]["nik"]["value"] == NIK
    assert person["visits"][0]["notes"]["value"] == "Rumah dekat TPI, istri jualan ikan"
    assert person["registration"]["kpj"]["value"] == "12345678901"
    assert "Orang Lain" not in out.read_text(encoding="utf-8")


def test_erasing_a_person_removes_what_identifies_them_and_keeps_the_figures(runner, client, db):
    prospect = _person_with_history(client, db)
    before = _stage_counts(db)
    result = runner.invoke(args=["sasar", "erase-person", NIK, "--yes"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    erased = db.session.get(Prospect, prospect.id)
    assert (erased.name, erased.nik, erased.phone, erased.address) == (subjects.ERASED_NAME, None, None, None)
    assert erased.anonymised_at is not None and erased.stage is Stage.INTERESTED
    visit = db.session.scalar(select(Visit))
    assert visit.notes is None and visit.latitude is None and visit.outcome.value == "interested"
    assert db.session.scalar(select(Registration)).kpj != "12345678901"
    assert _stage_counts(db) == before
    assert subjects.prospects_with_nik(NIK) == []
    trail = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "erase"))
    assert trail.entity_id == str(prospect.id) and NIK not in json.dumps([trail.before, trail.after])
    assert db.session.scalar(select(Prospect).where(Prospect.name == "Orang Lain")).nik == "3512060101900001"


def test_purge_stale_anonymises_only_old_unconverted_prospects_and_is_idempotent(runner, db):
    long_ago = datetime.now(UTC) - timedelta(days=3 * 365)
    old = make_prospect("Lama Sekali", phone="+6281211110001", stage=Stage.CONTACTED)
    old_participant = make_prospect("Sudah Peserta", phone="+6281211110002", stage=Stage.REGISTERED)
    fresh = make_prospect("Baru Saja", phone="+6281211110003")
    db.session.execute(sa.update(Prospect).where(Prospect.id.in_([old.id, old_participant.id]))
                       .values(updated_at=long_ago))
    db.session.commit()
    first = runner.invoke(args=["sasar", "purge-stale", "--months", "24"])
    assert first.exit_code == 0 and "Anonymised 1 prospects" in first.output
    db.session.expire_all()
    assert db.session.get(Prospect, old.id).phone is None
    assert db.session.get(Prospect, old_participant.id).name == "Sudah Peserta"
    assert db.session.get(Prospect, fresh.id).name == "Baru Saja"
    again = runner.invoke(args=["sasar", "purge-stale"])
    assert "Anonymised 0 prospects" in again.output
    assert retention.DEFAULT_MONTHS == 24


def test_backup_restores_into_an_emptied_database_with_every_row(runner, client, db, tmp_path, database_kind):
    _person_with_history(client, db)
    counts = {table: db.session.scalar(select(func.count()).select_from(table))
              for table in (Prospect.__table__, Visit.__table__, Registration.__table__, AuditEvent.__table__)}
    path = tmp_path / f"sasar-{database_kind}.backup"
    result = runner.invoke(args=["sasar", "backup", str(path)])
    assert result.exit_code == 0, result.output
    assert path.stat().st_size > 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600, "a backup holds every NIK: its owner alone may read it"

    db.session.remove()
    with db.engine.begin() as connection:
        for table in ("visit", "registration", "audit_event"):
            connection.execute(sa.text(f'DELETE FROM "{table}"'))
    assert db.session.scalar(select(func.count()).select_from(Visit)) == 0

    restored = runner.invoke(args=["sasar", "restore", str(path), "--yes"])
    assert restored.exit_code == 0, restored.output
    db.session.remove()
    for table, count in counts.items():
        assert db.session.scalar(select(func.count()).select_from(table)) == count, table.name
    assert db.session.scalar(select(Visit.notes)) == "Rumah dekat TPI, istri jualan ikan"


def test_admin_answers_a_request_in_the_browser_pages(client, db):
    make_prospect("Siti Aminah", nik=NIK)
    sign_in(client, make_user(Role.ADMIN, "dimas"))
    assert "Siti Aminah" not in client.get(f"/privacy?nik={NIK}").get_data(as_text=True), \
        "a NIK in the URL lands in access logs and the browser's history: the lookup is a POST"
    page = client.post("/privacy", data={"nik": NIK}).get_data(as_text=True)
    assert "Siti Aminah" in page and 'method="post"' in client.get("/privacy").get_data(as_text=True)
    exported = client.post("/privacy/export", data={"nik": NIK})
    assert exported.mimetype == "application/json"
    assert exported.json["people"][0]["prospect"]["name"]["value"] == "Siti Aminah"
    unconfirmed = client.post("/privacy/erase", data={"nik": NIK})  # not confirmed: nothing happens
    assert unconfirmed.status_code == 422 and "Siti Aminah" in unconfirmed.get_data(as_text=True)
    assert subjects.prospects_with_nik(NIK)
    client.post("/privacy/erase", data={"nik": NIK, "confirm": "1"})
    assert subjects.prospects_with_nik(NIK) == []


def test_only_admins_handle_personal_data_requests(client, db):
    sign_in(client, make_user(Role.MANAGER, "yuli"))
    assert client.get(f"/privacy?nik={NIK}").status_code == 403
    assert client.post("/privacy/export", data={"nik": NIK}).status_code == 403


def test_erasure_blanks_the_person_in_the_audit_trail_and_keeps_every_event(runner, client, db):
    from crm import audit
    from crm.registrations.registering import snapshot

    prospect = _person_with_history(client, db)
    registration = db.session.scalar(select(Registration))
    audit.record("create", "registration", registration.id, branch_id=prospect.branch_id, after=snapshot(registration))
    audit.record("update", "prospect", prospect.id, branch_id=prospect.branch_id,
                 before={"phone": "+6281299998888", "stage": "contacted"}, after={"phone": prospect.phone})
    audit.record("import", "lead_batch", 7, after={"note": f"NIK {NIK} sent twice"})  # named outside her records
    audit.record("update", "user", 999, after={"name": "Siti Aminah"})  # the same name, someone else's record
    db.session.commit()
    events = db.session.scalar(select(func.count()).select_from(AuditEvent))
    assert runner.invoke(args=["sasar", "erase-person", NIK, "--yes"]).exit_code == 0
    db.session.expire_all()
    values = json.dumps([(e.before, e.after) for e in db.session.scalars(select(AuditEvent))])
    for identifier in (NIK, "12345678901", "+6281234567890", "+6281299998888"):
        assert identifier not in values, identifier
    assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events + 1  # the erasure's own
    created = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "registration"))
    assert created.after["kpj"] == subjects.ERASED_NAME and created.after["declared_income"] == 1_000_000
    assert created.entity_id == str(registration.id) and created.action == "create"
    other = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "user", AuditEvent.entity_id == "999"))
    assert other.after == {"name": "Siti Aminah"}


def _fields(node, key=None):
    """Every labelled field of the export, with its key: each dict holding a label and a value."""
    if isinstance(node, dict):
        if {"label", "value"} <= set(node):
            yield key, node
            return
        for name, item in node.items():
            if name != "sections":
                yield from _fields(item, name)
    elif isinstance(node, list):
        for item in node:
            yield from _fields(item, key)


def test_the_export_labels_every_field_in_indonesian_and_holds_the_audit_history(client, db):
    prospect = _person_with_history(client, db)
    client.post("/logout")
    sign_in(client, make_user(Role.ADMIN, "dimas", name="Dimas Pratama"))
    client.post("/language", data={"language": "en"})  # the admin works in English; the person's copy is not
    client.post(f"/prospects/{prospect.id}/reveal", data={"field": "nik"})
    document = client.post("/privacy/export", data={"nik": NIK}).json
    [person] = document["people"]
    fields = list(_fields(document))
    assert len(fields) > 40
    unnamed = sorted({key for key, field in fields if field["label"] == key})
    assert unnamed == [], f"fields with no Indonesian label: {unnamed}"
    assert person["prospect"]["name"] == {"label": "Nama", "value": "Siti Aminah"}
    assert person["prospect"]["stage"] == {"label": "Tahap", "value": "interested", "text": "Berminat"}
    assert person["visits"][0]["outcome"]["value"] == "interested"
    assert person["visits"][0]["outcome"]["text"] == "Bertemu — berminat"
    assert person["registration"]["kpj"] == {"label": "KPJ", "value": "12345678901"}
    assert document["sections"]["history"] == "Riwayat jejak audit"
    [revealed] = [entry for entry in person["history"] if entry["action"]["value"] == "reveal"]
    assert revealed["by"]["value"] == "Dimas Pratama" and revealed["after"]["value"] == {"field": "nik"}
    assert revealed["description"]["value"].startswith("Dimas Pratama ")
    assert revealed["action"]["text"] != "revealed a field of"  # in Indonesian
