"""Contacts without a visit: a call or a WhatsApp message to a prospect, logged as a contact attempt, and the
WhatsApp message templates an admin keeps (one function each, behind the prospect page and the admin pages).

A template is Indonesian text with placeholders filled from the prospect: {petugas} (the officer's name),
{nama} (the prospect's name), {cabang} (the branch) and {hari} (the planned day: the prospect's next
follow-up, or today when none is set or it has passed).
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import quote

from babel.dates import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm import audit
from crm.errors import Invalid, NotFound
from crm.extensions import db
from crm.models import (
    ContactAttempt,
    ContactChannel,
    ContactOutcome,
    DeclineReason,
    MessageTemplate,
    Prospect,
    Stage,
    User,
    Visit,
)
from crm.prospects import scope, stages

PLACEHOLDERS = ("petugas", "nama", "cabang", "hari")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
MAX_TITLE, MAX_BODY = 80, 1000

def whatsapp_link(e164_phone: str, text: str | None = None) -> str:
    """`https://wa.me/<number>` for a number in E.164 (crm/people/phone.py), the message prefilled when given."""
    link = "https://wa.me/" + e164_phone.lstrip("+")
    return f"{link}?text={quote(text, safe='')}" if text else link


def planned_day(prospect: Prospect, today: date) -> date:
    follow_up = prospect.next_follow_up
    return follow_up if follow_up is not None and follow_up >= today else today


def fill(body: str, *, officer: User, prospect: Prospect, today: date) -> str:
    """The template's text with its placeholders filled (the day written in Indonesian: "Sabtu, 5 Desember 2026")."""
    values = {"petugas": officer.name, "nama": prospect.name, "cabang": prospect.branch.name,
              "hari": format_date(planned_day(prospect, today), "EEEE, d MMMM y", locale="id")}
    return _PLACEHOLDER.sub(lambda match: values.get(match.group(1), match.group(0)), body)


@dataclass(frozen=True)
class PreparedMessage:
    template: MessageTemplate
    text: str
    link: str


def messages_for(officer: User, prospect: Prospect, today: date) -> list[PreparedMessage]:
    """Every active template of the prospect's branch, filled for this prospect, with its WhatsApp link."""
    if not prospect.phone:
        return []
    templates = db.session.scalars(select(MessageTemplate).where(
        MessageTemplate.branch_id == prospect.branch_id, MessageTemplate.active).order_by(MessageTemplate.id))
    prepared = []
    for template in templates:
        text = fill(template.body, officer=officer, prospect=prospect, today=today)
        prepared.append(PreparedMessage(template, text, whatsapp_link(prospect.phone, text)))
    return prepared


# --- contact attempts ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ContactReport:
    prospect_id: int
    channel: ContactChannel
    outcome: ContactOutcome
    decline_reason: DeclineReason | None = None


@dataclass(frozen=True)
class RecordedContact:
    attempt: ContactAttempt
    stage_before: Stage
    stage_after: Stage


def record_contact(officer: User, report: ContactReport, *, ip: str | None = None) -> RecordedContact:
    """Log a call or WhatsApp message; one that reached the person moves a new lead to contacted
    (stages.stage_after_contact). The caller's request commits."""
    prospect = db.session.get(Prospect, report.prospect_id)
    if prospect is None or not scope.can_work(officer, prospect):
        raise NotFound(_l("No such prospect among yours."), field="prospect_id")
    if report.outcome is ContactOutcome.NOT_INTERESTED and report.decline_reason is None:
        raise Invalid(_l("Say why the person is not interested."), field="decline_reason")
    attempt = ContactAttempt(
        branch_id=prospect.branch_id, prospect=prospect, officer=officer, contacted_at=datetime.now(UTC),
        channel=report.channel, outcome=report.outcome,
        decline_reason=report.decline_reason if report.outcome is ContactOutcome.NOT_INTERESTED else None)
    db.session.add(attempt)
    stage_before = prospect.stage
    stages.move(prospect, stages.stage_after_contact(prospect.stage, report.outcome))
    if prospect.assigned_officer_id is None:
        prospect.assigned_officer = officer
    db.session.flush()
    audit.record("create", "contact_attempt", attempt.id, actor=officer, branch_id=prospect.branch_id, ip=ip,
                 after={"prospect_id": prospect.id, "channel": report.channel.value, "outcome": report.outcome.value,
                        "stage": [stage_before.value, prospect.stage.value]})
    return RecordedContact(attempt, stage_before, prospect.stage)


# --- templates (admins) ------------------------------------------------------------------------------

@dataclass(frozen=True)
class TemplateDetails:
    title: str
    body: str
    active: bool = True


def _check(details: TemplateDetails) -> None:
    if not (details.title or "").strip():
        raise Invalid(_l("Give the message a title."), field="title")
    if len(details.title.strip()) > MAX_TITLE:
        raise Invalid(_l("A title can be at most %(n)d characters.", n=MAX_TITLE), field="title")
    if not (details.body or "").strip():
        raise Invalid(_l("Write the message."), field="body")
    if len(details.body) > MAX_BODY:
        raise Invalid(_l("A message can be at most %(n)d characters.", n=MAX_BODY), field="body")
    unknown = [name for name in _PLACEHOLDER.findall(details.body) if name not in PLACEHOLDERS]
    if unknown:
        raise Invalid(_l("Unknown placeholder {%(name)s}: use {petugas}, {nama}, {cabang} or {hari}.",
                         name=unknown[0]), field="body")


def snapshot(template: MessageTemplate) -> dict:
    return {"title": template.title, "body": template.body, "active": template.active}


def save_template(template: MessageTemplate | None, details: TemplateDetails, *, branch_id: int,
                  actor: User | None = None, ip: str | None = None) -> MessageTemplate:
    """Add a message template (`template` None) or change one; checked and audited."""
    _check(details)
    before = snapshot(template) if template is not None else None
    if template is None:
        template = MessageTemplate(branch_id=branch_id)
        db.session.add(template)
    template.title, template.body, template.active = details.title.strip(), details.body.strip(), details.active
    db.session.flush()
    audit.record("create" if before is None else "update", "message_template", template.id, actor=actor,
                 branch_id=template.branch_id, ip=ip, before=before, after=snapshot(template))
    return template


def templates_of(branch_id: int) -> list[MessageTemplate]:
    return list(db.session.scalars(select(MessageTemplate).where(MessageTemplate.branch_id == branch_id)
                                   .order_by(MessageTemplate.id)))



@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    visit: Visit | None = None
    contact: ContactAttempt | None = None


def history_of(prospect: Prospect) -> list[HistoryEntry]:
    """The prospect's visits and contact attempts together, the latest first."""
    visits = db.session.scalars(select(Visit).where(Visit.prospect_id == prospect.id)
                                .options(selectinload(Visit.officer)))
    contacts = db.session.scalars(select(ContactAttempt).where(ContactAttempt.prospect_id == prospect.id)
                                  .options(selectinload(ContactAttempt.officer)))
    entries = [HistoryEntry(v.visited_at, visit=v) for v in visits]
    entries += [HistoryEntry(c.contacted_at, contact=c) for c in contacts]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
