"""The append-only audit trail's recorder: who changed what, when, from where, with the values before and after.

Every area writes through it, so it imports only the models; the admins' pages that search and show the trail
are crm/audit_trail, above the areas."""

from sqlalchemy import event, update
from sqlalchemy.orm import Session

from crm.extensions import db
from crm.models import AuditEvent


class AuditTrailIsAppendOnly(RuntimeError):
    pass


def record(action: str, entity: str, entity_id, *, actor=None, branch_id=None, ip=None,
           before: dict | None = None, after: dict | None = None) -> AuditEvent:
    event_row = AuditEvent(
        action=action, entity=entity, entity_id=None if entity_id is None else str(entity_id),
        actor_id=getattr(actor, "id", None), branch_id=branch_id, ip=ip, before=before, after=after,
    )
    db.session.add(event_row)
    return event_row


def redact(event_row: AuditEvent, *, before: dict | None, after: dict | None) -> None:
    """The one change the trail allows: a person's identifiers blanked in an event's values when the person is
    erased (UU 27/2022). Who did what to which record, and when, stays. Written past the ORM, which refuses
    every other change."""
    db.session.execute(update(AuditEvent.__table__).where(AuditEvent.__table__.c.id == event_row.id)
                       .values(before=before, after=after))
    db.session.expire(event_row, ["before", "after"])


@event.listens_for(Session, "before_flush")
def _refuse_rewriting_history(session, _flush_context, _instances):
    changed = [obj for obj in (*session.dirty, *session.deleted) if isinstance(obj, AuditEvent)]
    if any(obj in session.deleted or session.is_modified(obj) for obj in changed):
        raise AuditTrailIsAppendOnly("audit events are never changed or deleted")
