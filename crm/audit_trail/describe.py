"""The audit trail in words: each event as a sentence in the reader's language, its changes labelled.

"Dimas Pratama mengubah target 2026: 23.000 → 24.000". The codes (`action`, `entity`) stay as they are stored,
for machines; people read these sentences on the audit page and in its CSV.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from crm.i18n import number
from crm.models import AuditEvent, User

ACTION_LABELS = {
    "create": _l("created"), "update": _l("changed"), "set": _l("set"), "status": _l("changed the status of"),
    "password": _l("changed the password of"), "activate": _l("activated"), "deactivate": _l("deactivated"),
    "login": _l("signed in"), "login_failed": _l("failed sign-in"), "review": _l("reviewed"),
    "reassign": _l("reassigned"), "reassign_bulk": _l("reassigned"), "reassign_undo": _l("undid"),
    "split": _l("set a split of"), "unsplit": _l("removed a split of"), "import": _l("imported"),
    "withdraw": _l("withdrew"), "erase": _l("erased"), "reveal": _l("revealed a field of"),
    "purge": _l("anonymised"), "export": _l("exported"), "add_attendee": _l("added an attendee to"),
    "accept_held": _l("accepted held sign-ups of"), "discard_held": _l("discarded a held sign-up of"),
    "close": _l("closed"), "reopen": _l("reopened"),
}
ENTITY_LABELS = {
    "user": _l("account"), "target": _l("target"), "contribution_rate": _l("rate"),
    "registration": _l("registration"), "prospect": _l("prospect"), "visit": _l("visit"),
    "lead_batch": _l("lead list"), "event": _l("event"), "login": _l("sign-in"), "subject": _l("personal data"),
    "audit_event": _l("reassignment"),
}
FIELD_LABELS = {
    "name": _l("name"), "email": _l("email"), "username": _l("username"), "role": _l("role"),
    "agency": _l("agency"), "active": _l("active"), "kecamatan": _l("kecamatan"), "year": _l("year"),
    "participants": _l("participants"), "baseline": _l("baseline"), "programme": _l("programme"),
    "kind": _l("kind"), "value": _l("value"), "effective_from": _l("from"), "effective_to": _l("until"),
    "sector_group": _l("sector group"), "payer": _l("payer"), "payer_excluded": _l("all payers but this one"),
    "note": _l("note"), "kpj": _l("KPJ"), "registered_on": _l("registration date"),
    "programmes": _l("programmes"), "declared_income": _l("declared income"),
    "monthly_contribution": _l("monthly contribution"), "sponsor_name": _l("sponsor"), "status": _l("status"),
    "status_changed_on": _l("status date"), "officer_id": _l("officer"), "origin": _l("origin"),
    "prospect_id": _l("prospect"), "outcome": _l("outcome"), "stage": _l("stage"), "flag": _l("flag"),
    "count": _l("count"), "months": _l("months"), "registrations": _l("registrations"), "month": _l("month"),
    "kecamatan_id": _l("kecamatan"), "desa_id": _l("desa"), "only_new": _l("untouched leads only"),
    "field": _l("field"), "rows": _l("rows"), "created": _l("created"), "removed": _l("removed"),
}
# The figure an entity is about: when it alone changes, the sentence gives its values without its label.
MAIN_FIELD = {"target": "participants"}
# Lists of ids kept for undoing (reassign_bulk) are not worth reading; their count is.
UNREAD_FIELDS = {"moves", "ids"}


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    before: str
    after: str


def _value(value) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float):
        return number(value)
    if isinstance(value, list):
        return ", ".join(_value(item) for item in value)
    return str(value)


def changes(event: AuditEvent) -> list[Change]:
    """Each field the event changed (or set), labelled, with its values before and after."""
    before, after = event.before or {}, event.after or {}
    found = []
    for key in [*after, *(k for k in before if k not in after)]:
        if key in UNREAD_FIELDS or (key in before and before.get(key) == after.get(key)):
            continue
        if key == "year" and event.entity == "target":
            continue  # the year is in the sentence
        found.append(Change(key, str(FIELD_LABELS.get(key, key.replace("_", " "))),
                            _value(before.get(key)) if key in before else "", _value(after.get(key))))
    return found


def _record(event: AuditEvent) -> str:
    """What the event is about, in words: "target 2026", "account Bayu Saputra", "rate JKM"."""
    data = {**(event.before or {}), **(event.after or {})}
    label = str(ENTITY_LABELS.get(event.entity, event.entity.replace("_", " ")))
    named = {"target": data.get("year"), "user": data.get("name"), "contribution_rate": data.get("programme"),
             "registration": data.get("kpj") and f"KPJ {data['kpj']}", "login": event.entity_id}.get(event.entity)
    if event.action in ("reassign_bulk", "purge") and data.get("count") is not None:
        return _("%(count)s prospects", count=number(data["count"]))
    if named:
        return f"{label} {named}"
    return f"{label} #{event.entity_id}" if event.entity_id else label


def sentence(event: AuditEvent, actor: User | None) -> str:
    """The event as one sentence: who did what to which record, and the changes ("a → b")."""
    who = actor.name if actor is not None else _("Sasar")
    verb = str(ACTION_LABELS.get(event.action, event.action.replace("_", " ")))
    text = _("%(who)s %(verb)s %(record)s", who=who, verb=verb, record=_record(event))
    if event.action == "login_failed":
        text = _("Failed sign-in as %(login)s", login=event.entity_id or "–")
    found = changes(event)
    if event.action in ("login", "login_failed", "password", "activate", "deactivate"):
        found = []
    if len(found) == 1 and MAIN_FIELD.get(event.entity) == found[0].field:
        change = found[0]
        return f"{text}: {change.before} → {change.after}" if change.before else f"{text}: {change.after}"
    parts = [f"{c.label} {c.before} → {c.after}" if c.before else f"{c.label} {c.after}" for c in found]
    return f"{text}: {'; '.join(parts)}" if parts else text
