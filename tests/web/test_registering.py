"""Registering a prospect from the register page: who may, what is checked, what is credited."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from crm.models import (
    AuditEvent,
    BatchSource,
    BatchStatus,
    ContributionRate,
    LeadBatch,
    Payer,
    Registration,
    Role,
    Sector,
    Stage,
)
from tests.factories import make_prospect, make_user, sign_in

FORM = {"kpj": "2401 0000 002", "registered_on": "2024-06-10", "jkk": "y", "jkm": "y", "jht": "y",
        "declared_income": "1.000.000", "payer": "worker", "sponsor_name": ""}


def _registrations(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Registration))


@pytest.fixture
def hendra(db):
    return make_user(Role.OFFICER, "hendra", name="Hendra Wijaya", kecamatan=("Panarukan", "Mangaran"))


@pytest.fixture
def siti(db, hendra):
    prospect = make_prospect("Siti Aminah", "Kilensari", officer=hendra, stage=Stage.INTERESTED,
                             nik="3512064507850003")
    batch = LeadBatch(branch=prospect.branch, agency=prospect.source_agency, source=BatchSource.UPLOAD,
                      status=BatchStatus.COMMITTED, filename="nelayan.xlsx")
    prospect.lead_batch = batch
    prospect.sector = Sector.FISHING
    db.session.commit()
    return prospect


def test_officer_registers_their_prospect_who_is_credited_and_registered(client, db, hendra, siti):
    sign_in(client, hendra)
    page = client.get(f"/prospects/{siti.id}/register")
    assert page.status_code == 200 and "Siti Aminah" in page.get_data(as_text=True)

    response = client.post(f"/prospects/{siti.id}/register", data=FORM)
    assert response.status_code == 302
    registration = db.session.scalar(select(Registration))
    assert response.headers["Location"] == f"/registrations/{registration.id}"
    assert registration.kpj == "24010000002"
    assert registration.registered_on == date(2024, 6, 10)
    assert (registration.jkk, registration.jkm, registration.jht) == (True, True, True)
    assert registration.declared_income == 1_000_000 and registration.monthly_contribution == 36_800
    assert registration.payer is Payer.WORKER and registration.sponsor_name is None
    assert registration.officer_id == hendra.id
    assert registration.source_agency.code == "DISNAKKAN"
    assert registration.lead_batch_id == siti.lead_batch_id is not None
    db.session.refresh(siti)
    assert siti.stage is Stage.REGISTERED
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "registration"))
    assert event.actor_id == hendra.id and event.after["kpj"] == "24010000002"

    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-stage="registered"' in shown and "Rp36.800" in shown and "24010000002" in shown


def test_registering_twice_is_refused_with_the_existing_registration_shown(client, db, hendra, siti):
    sign_in(client, hendra)
    assert client.post(f"/prospects/{siti.id}/register", data=FORM).status_code == 302
    again = client.post(f"/prospects/{siti.id}/register", data={**FORM, "kpj": "24010000099"})
    assert again.status_code == 409
    html = again.get_data(as_text=True)
    assert '<dd data-kpj>24010000002</dd>' in html
    assert _registrations(db) == 1
    revisit = client.get(f"/prospects/{siti.id}/register")
    assert revisit.status_code == 200 and "data-kpj>24010000002<" in revisit.get_data(as_text=True)
    assert 'name="kpj"' not in revisit.get_data(as_text=True)


def test_liaisons_never_register(client, db, siti):
    sign_in(client, make_user(Role.LIAISON, "ratna", agency_code="DISNAKKAN"))
    assert client.get(f"/prospects/{siti.id}/register").status_code == 403
    assert client.post(f"/prospects/{siti.id}/register", data=FORM).status_code == 403
    assert client.get(f"/prospects/{siti.id}/contribution?declared_income=1000000").status_code == 403
    assert _registrations(db) == 0


def test_officers_register_only_prospects_they_may_work(client, db, hendra):
    besuki = make_prospect("Joko Prasetyo", "Besuki", kecamatan="Besuki")
    colleague = make_user(Role.OFFICER, "anisa", kecamatan=("Besuki",))
    theirs_by_assignment = make_prospect("Sri Wahyuni", "Demung", officer=hendra)
    sign_in(client, hendra)
    assert client.post(f"/prospects/{besuki.id}/register", data=FORM).status_code in (403, 404)
    assert _registrations(db) == 0
    assert client.post(f"/prospects/{theirs_by_assignment.id}/register", data=FORM).status_code == 302

    other = client.application.test_client()
    sign_in(other, colleague)
    assert other.post(f"/prospects/{besuki.id}/register", data={**FORM, "kpj": "24010000003"}).status_code == 302
    registration = db.session.scalar(select(Registration).where(Registration.prospect_id == besuki.id))
    assert registration.officer_id == colleague.id


def test_a_manager_registers_any_prospect_of_the_branch_crediting_the_assigned_officer(client, db, hendra, siti):
    sign_in(client, make_user(Role.MANAGER, "yuli"))
    assert client.post(f"/prospects/{siti.id}/register", data=FORM).status_code == 302
    assert db.session.scalar(select(Registration)).officer_id == hendra.id


@pytest.mark.parametrize(("change", "field"), [
    ({"kpj": "2401000007"}, "kpj"),
    ({"kpj": "24O10000002"}, "kpj"),
    ({"declared_income": "999.999"}, "declared_income"),
    ({"declared_income": ""}, "declared_income"),
    ({"jkm": None}, "jkm"),
    ({"payer": "sponsor", "sponsor_name": ""}, "sponsor_name"),
    ({"registered_on": "2999-01-01"}, "registered_on"),
])
def test_what_is_wrong_is_shown_beside_the_field_and_nothing_is_saved(client, db, hendra, siti, change, field):
    sign_in(client, hendra)
    data = {key: value for key, value in {**FORM, **change}.items() if value is not None}
    response = client.post(f"/prospects/{siti.id}/register", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'class="error"' in html
    if field != "jkm":
        assert re.search(rf'id="{field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="{field}"', html), field
    assert _registrations(db) == 0
    db.session.refresh(siti)
    assert siti.stage is Stage.INTERESTED


def test_a_kpj_belongs_to_one_participant(client, db, hendra, siti):
    other = make_prospect("Ahmad Hidayat", "Peleyan", kecamatan="Panarukan", officer=hendra)
    sign_in(client, hendra)
    assert client.post(f"/prospects/{siti.id}/register", data=FORM).status_code == 302
    response = client.post(f"/prospects/{other.id}/register", data={**FORM, "kpj": "24010000002"})
    assert response.status_code == 200 and "24010000002" in response.get_data(as_text=True)
    assert 'class="error"' in response.get_data(as_text=True)
    assert _registrations(db) == 1


def test_the_contribution_is_shown_before_saving(client, db, hendra, siti):
    sign_in(client, hendra)
    preview = client.post(f"/prospects/{siti.id}/register", data={**FORM, "preview": "1"})
    assert preview.status_code == 200
    assert 'data-total>Rp36.800<' in preview.get_data(as_text=True)
    assert _registrations(db) == 0

    live = client.get(f"/prospects/{siti.id}/contribution",
                      query_string={"declared_income": "2.750.000", "jkk": "y", "jkm": "y", "jht": "y",
                                    "payer": "worker", "registered_on": "2024-06-10"})
    assert live.status_code == 200
    assert live.json["total"] == 89_300 and "Rp89.300" in live.json["html"]
    without_jht = client.get(f"/prospects/{siti.id}/contribution",
                             query_string={"declared_income": "1000000", "jkk": "y", "jkm": "y",
                                           "registered_on": "2024-06-10"})
    assert without_jht.json["total"] == 16_800
    too_low = client.get(f"/prospects/{siti.id}/contribution", query_string={"declared_income": "500000",
                                                                              "jkk": "y", "jkm": "y"})
    assert too_low.json["total"] is None and too_low.json["message"]


@pytest.mark.parametrize(("payer", "total", "note"), [
    ("worker", "Rp8.400", "JKK &amp; JKM dipotong 50% — PP 50/2025, berlaku s.d. Desember 2026"),
    ("apbd", "Rp16.800", "Tarif penuh: potongan JKK &amp; JKM PP 50/2025 tidak berlaku bila iuran dibayar "
                         "Pemerintah kabupaten (APBD)."),
])
def test_the_panel_says_which_rate_applies_and_why(client, db, hendra, siti, payer, total, note):
    """shared/DOMAIN.md: a farmer paying himself in 2026 pays Rp8.400 (PP 50/2025); the regency pays Rp16.800."""
    siti.sector = Sector.FARMING
    db.session.commit()
    sign_in(client, hendra)
    panel = client.get(f"/prospects/{siti.id}/contribution", query_string={
        "declared_income": "1.000.000", "jkk": "y", "jkm": "y", "payer": payer, "registered_on": "2026-12-01"})
    assert f"data-total>{total}<" in panel.json["html"] and note in panel.json["html"]
    january = client.get(f"/prospects/{siti.id}/contribution", query_string={
        "declared_income": "1.000.000", "jkk": "y", "jkm": "y", "payer": payer, "registered_on": "2026-01-15"})
    assert "data-total>Rp16.800<" in january.json["html"] and "data-rate-note" not in january.json["html"]


def test_a_sponsor_is_named(client, db, hendra, siti):
    sign_in(client, hendra)
    response = client.post(f"/prospects/{siti.id}/register",
                           data={**FORM, "payer": "sponsor", "sponsor_name": "CV Tembakau Besuki", "jht": None})
    assert response.status_code == 302
    registration = db.session.scalar(select(Registration))
    assert registration.payer is Payer.SPONSOR and registration.sponsor_name == "CV Tembakau Besuki"
    assert registration.monthly_contribution == 16_800


def test_a_registration_keeps_the_rates_in_force_on_its_date(client, db, hendra, siti):
    admin = make_user(Role.ADMIN, "dimas")
    admin_client = client.application.test_client()
    sign_in(admin_client, admin)
    jkm = next(r for r in _rates(db) if r.programme.name == "JKM")
    assert admin_client.post(f"/rates/{jkm.id}/edit", data={
        "programme": "jkm", "kind": "flat", "value": "6800", "effective_from": "2015-07-01",
        "effective_to": "2025-06-30", "sector_group": "", "payer": "", "note": "JKM Rp6,800 flat"}).status_code == 302
    assert admin_client.post("/rates/new", data={
        "programme": "jkm", "kind": "flat", "value": "7500", "effective_from": "2025-07-01",
        "sector_group": "", "payer": "", "note": "a later rate"}).status_code == 302

    sign_in(client, hendra)
    assert client.post(f"/prospects/{siti.id}/register",
                       data={**FORM, "registered_on": "2025-06-30", "jht": None}).status_code == 302
    registration = db.session.scalar(select(Registration))
    assert registration.monthly_contribution == 16_800  # the rate of its date, not the later one
    later = make_prospect("Ahmad Hidayat", "Peleyan", kecamatan="Panarukan", officer=hendra)
    assert client.post(f"/prospects/{later.id}/register",
                       data={**FORM, "kpj": "24010000003", "registered_on": "2025-07-01", "jht": None}
                       ).status_code == 302
    assert db.session.scalar(select(Registration).where(Registration.prospect_id == later.id)) \
        .monthly_contribution == 17_500

    assert admin_client.post(f"/rates/{jkm.id}/edit", data={
        "programme": "jkm", "kind": "flat", "value": "9000", "effective_from": "2015-07-01",
        "effective_to": "2025-06-30", "sector_group": "", "payer": ""}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Registration, registration.id).monthly_contribution == 16_800


def _rates(db):
    return db.session.scalars(select(ContributionRate)).all()


def test_unknown_prospects_are_not_found(client, db, hendra):
    sign_in(client, hendra)
    assert client.get("/prospects/999999/register").status_code == 404
    assert client.get("/registrations/999999").status_code == 404
