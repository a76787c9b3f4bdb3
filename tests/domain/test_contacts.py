"""Contact attempts and WhatsApp message templates (crm/visits/contacts.py), called as the views call them."""

from datetime import date, timedelta
from urllib.parse import unquote

import pytest
from sqlalchemy import select

from crm.errors import Invalid, NotFound
from crm.models import AuditEvent, ContactChannel, ContactOutcome, DeclineReason, MessageTemplate, Role, Stage
from crm.visits import contacts
from crm.visits.contacts import ContactReport, TemplateDetails
from tests.factories import make_prospect, make_user


def _officer():
    return make_user(Role.OFFICER, "hendra", name="Hendra Wijaya", kecamatan=("Panarukan",))


def test_an_answered_call_moves_a_new_lead_to_contacted_and_is_audited(db):
    officer, prospect = _officer(), make_prospect()
    recorded = contacts.record_contact(officer, ContactReport(prospect.id, ContactChannel.PHONE,
                                                              ContactOutcome.INTERESTED))
    assert (recorded.stage_before, recorded.stage_after) == (Stage.NEW, Stage.CONTACTED)
    assert prospect.stage is Stage.CONTACTED and prospect.assigned_officer_id == officer.id
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "contact_attempt"))
    assert event.after["stage"] == ["new", "contacted"] and event.after["channel"] == "phone"


@pytest.mark.parametrize("outcome", [ContactOutcome.NO_ANSWER, ContactOutcome.WRONG_NUMBER])
def test_an_attempt_that_does_not_reach_the_person_moves_nothing(db, outcome):
    officer, prospect = _officer(), make_prospect()
    contacts.record_contact(officer, ContactReport(prospect.id, ContactChannel.WHATSAPP, outcome))
    assert prospect.stage is Stage.NEW


def test_not_interested_needs_a_reason(db):
    officer, prospect = _officer(), make_prospect()
    with pytest.raises(Invalid) as refused:
        contacts.record_contact(officer, ContactReport(prospect.id, ContactChannel.PHONE,
                                                       ContactOutcome.NOT_INTERESTED))
    assert refused.value.field == "decline_reason"
    report = ContactReport(prospect.id, ContactChannel.PHONE, ContactOutcome.NOT_INTERESTED,
                           DeclineReason.CANNOT_AFFORD)
    recorded = contacts.record_contact(officer, report)
    assert recorded.attempt.decline_reason is DeclineReason.CANNOT_AFFORD and prospect.stage is Stage.CONTACTED


def test_an_officer_contacts_only_prospects_of_theirs(db):
    officer = _officer()
    elsewhere = make_prospect("Orang Lain", "Kalianget", kecamatan="Banyuglugur")
    with pytest.raises(NotFound):
        contacts.record_contact(officer, ContactReport(elsewhere.id, ContactChannel.PHONE, ContactOutcome.NO_ANSWER))


def test_a_template_is_filled_with_the_officer_the_prospect_the_branch_and_the_planned_day(db):
    officer, prospect = _officer(), make_prospect("Siti Aminah")
    body = "Bu {nama}, saya {petugas} dari Cabang {cabang}; saya datang {hari}. {lain}"
    today = date(2026, 12, 1)
    assert contacts.fill(body, officer=officer, prospect=prospect, today=today) == \
        "Bu Siti Aminah, saya Hendra Wijaya dari Cabang Situbondo; saya datang Selasa, 1 Desember 2026. {lain}"
    prospect.next_follow_up = today + timedelta(days=4)
    assert "Sabtu, 5 Desember 2026" in contacts.fill(body, officer=officer, prospect=prospect, today=today)
    prospect.next_follow_up = today - timedelta(days=4)   # overdue: the visit is planned for today
    assert "Selasa, 1 Desember 2026" in contacts.fill(body, officer=officer, prospect=prospect, today=today)


def test_the_whatsapp_link_carries_the_number_in_international_form_and_the_text():
    link = contacts.whatsapp_link("+6281234567890", "Halo Bu Siti & keluarga?")
    assert link.startswith("https://wa.me/6281234567890?text=")
    assert unquote(link.split("text=")[1]) == "Halo Bu Siti & keluarga?"
    assert contacts.whatsapp_link("+6281234567890") == "https://wa.me/6281234567890"


def test_every_active_template_of_the_branch_is_offered_for_a_prospect_with_a_phone(db):
    officer, prospect = _officer(), make_prospect()
    offered = contacts.messages_for(officer, prospect, date(2026, 12, 1))
    assert [m.template.title for m in offered] == ["Kabar kunjungan", "Perkenalan"]   # the branch's defaults
    assert "Hendra Wijaya" in offered[0].text and "Siti Aminah" in offered[0].text
    offered[1].template.active = False
    assert len(contacts.messages_for(officer, prospect, date(2026, 12, 1))) == 1
    prospect.phone = None
    assert contacts.messages_for(officer, prospect, date(2026, 12, 1)) == []


def test_a_template_with_an_unknown_placeholder_is_refused_at_the_body(db):
    admin = make_user(Role.ADMIN, "admin")
    with pytest.raises(Invalid) as refused:
        contacts.save_template(None, TemplateDetails("Salam", "Halo {nama_lengkap}"), branch_id=admin.branch_id,
                               actor=admin)
    assert refused.value.field == "body" and "{nama_lengkap}" in str(refused.value.message)
    with pytest.raises(Invalid):
        contacts.save_template(None, TemplateDetails(" ", "Halo"), branch_id=admin.branch_id, actor=admin)
    saved = contacts.save_template(None, TemplateDetails("Salam", "Halo {nama}"), branch_id=admin.branch_id,
                                   actor=admin)
    assert db.session.get(MessageTemplate, saved.id).body == "Halo {nama}"
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.entity == "message_template")).action == "create"
