"""Calls and WhatsApp messages from the prospect page, logged as contact attempts; the admin's message
templates; the officer's figures."""

import re
import uuid
from html import unescape
from urllib.parse import unquote

from sqlalchemy import select

from crm.models import ContactAttempt, ContactOutcome, MessageTemplate, Prospect, Role, Stage
from tests.factories import make_prospect, make_user, sign_in


def _officer():
    return make_user(Role.OFFICER, "hendra", name="Hendra Wijaya", kecamatan=("Panarukan", "Mangaran"))


def _whatsapp_texts(page: str) -> list[str]:
    return [unquote(unescape(text)) for text in re.findall(r'href="https://wa\.me/6281234567890\?text=([^"]+)"', page)]


def test_the_prospect_page_calls_and_messages_in_one_tap(client, db):
    sign_in(client, _officer())
    prospect = make_prospect("Siti Aminah", phone="+6281234567890")
    page = client.get(f"/prospects/{prospect.id}").get_data(as_text=True)
    assert 'href="tel:+6281234567890"' in page
    texts = _whatsapp_texts(page)
    assert len(texts) == 2   # the branch's two default messages
    assert texts[0].startswith("Assalamualaikum Bapak/Ibu Siti Aminah, saya Hendra Wijaya dari BPJS "
                               "Ketenagakerjaan Cabang Situbondo")
    assert 'name="outcome" value="no_answer"' in page and 'value="whatsapp"' in page


def test_one_more_tap_logs_the_attempt_and_a_new_lead_becomes_contacted(client, db):
    sign_in(client, _officer())
    prospect = make_prospect("Siti Aminah")
    response = client.post(f"/prospects/{prospect.id}/contacts", data={"channel": "whatsapp",
                                                                       "outcome": "interested"})
    assert response.status_code == 302 and response.headers["Location"] == f"/prospects/{prospect.id}"
    db.session.expire_all()
    assert db.session.get(Prospect, prospect.id).stage is Stage.CONTACTED
    attempt = db.session.scalar(select(ContactAttempt))
    assert attempt.outcome is ContactOutcome.INTERESTED and attempt.channel.value == "whatsapp"
    page = client.get(f"/prospects/{prospect.id}").get_data(as_text=True)
    assert "Kontak dicatat" in page
    history = page[page.index('class="timeline"'):]
    assert "Diangkat — tertarik" in history and "Lewat WhatsApp" in history and "data-visit" not in history


def test_the_history_shows_visits_and_contacts_apart(client, db):
    sign_in(client, _officer())
    prospect = make_prospect("Siti Aminah")
    client.post("/visits/sync", json={"id": str(uuid.uuid4()), "prospect_id": prospect.id, "outcome": "not_at_home"})
    client.post(f"/prospects/{prospect.id}/contacts", data={"channel": "phone", "outcome": "no_answer"})
    page = client.get(f"/prospects/{prospect.id}").get_data(as_text=True)
    history = page[page.index('class="timeline"'):]
    assert history.count("data-contact>") == 1 and history.count("data-visit>") == 1
    assert history.index("Tidak diangkat") < history.index("Tidak ada di rumah")   # the latest first
    db.session.expire_all()
    assert db.session.get(Prospect, prospect.id).stage is Stage.VISITED


def test_not_interested_without_a_reason_is_said_at_the_field(client, db):
    sign_in(client, _officer())
    prospect = make_prospect("Siti Aminah")
    response = client.post(f"/prospects/{prospect.id}/contacts", data={"channel": "phone",
                                                                       "outcome": "not_interested"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    reason_field = page[page.index('name="decline_reason"'):]
    reason_field = reason_field[:reason_field.index("</div>")]
    assert "Sebutkan alasan" in reason_field
    assert db.session.scalar(select(ContactAttempt)) is None
    ok = client.post(f"/prospects/{prospect.id}/contacts", data={"channel": "phone", "outcome": "not_interested",
                                                                 "decline_reason": "cannot_afford"})
    assert ok.status_code == 302


def test_another_officers_prospect_cannot_be_logged(client, db):
    sign_in(client, _officer())
    elsewhere = make_prospect("Orang Lain", "Kalianget", kecamatan="Banyuglugur")
    response = client.post(f"/prospects/{elsewhere.id}/contacts", data={"channel": "phone", "outcome": "no_answer"})
    assert response.status_code == 404 and db.session.scalar(select(ContactAttempt)) is None


def test_an_admin_edits_the_messages_officers_send(client, db, app):
    sign_in(client, make_user(Role.ADMIN, "admin"))
    assert "Kabar kunjungan" in client.get("/message-templates").get_data(as_text=True)
    refused = client.post("/message-templates/new", data={"title": "Salam", "body": "Halo {namanya}"})
    assert refused.status_code == 200 and "{namanya}" in refused.get_data(as_text=True)
    created = client.post("/message-templates/new", data={"title": "Salam", "body": "Halo {nama}, dari {petugas}.",
                                                          "active": "y"})
    assert created.status_code == 302
    first = db.session.scalar(select(MessageTemplate).order_by(MessageTemplate.id))
    client.post(f"/message-templates/{first.id}/edit", data={"title": first.title, "body": first.body})  # not offered

    officer_client = app.test_client()
    sign_in(officer_client, _officer())
    prospect = make_prospect("Siti Aminah")
    texts = _whatsapp_texts(officer_client.get(f"/prospects/{prospect.id}").get_data(as_text=True))
    assert "Halo Siti Aminah, dari Hendra Wijaya." in texts and not any(t.startswith("Assalamualaikum") for t in texts)
    assert officer_client.get("/message-templates").status_code == 403


def test_the_officers_figures_count_calls_and_messages_apart_from_visits(client, db, app):
    officer = _officer()
    officer_client = app.test_client()
    sign_in(officer_client, officer)
    prospect = make_prospect("Siti Aminah", officer=officer)
    for outcome in ("no_answer", "interested"):
        officer_client.post(f"/prospects/{prospect.id}/contacts", data={"channel": "phone", "outcome": outcome})
    officer_client.post("/visits/sync", json={"id": str(uuid.uuid4()), "prospect_id": prospect.id,
                                              "outcome": "not_at_home"})
    sign_in(client, make_user(Role.MANAGER, "yuli"))
    csv = client.get("/dashboard/export/officer.csv").get_data(as_text=True)
    header, *rows = [line.split(";") for line in csv.lstrip("\ufeff").splitlines()]
    row = dict(zip(header, next(r for r in rows if r[0] == "Hendra Wijaya"), strict=True))
    assert row["Kunjungan"] == "1" and row["Telepon dan pesan"] == "2"
