"""The append-only audit trail: who changed what, when, from where, with the values before and after."""

from sqlalchemy import event
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


@event.listens_for(Session, "before_flush")
def _refuse_rewriting_history(session, _flush_context, _instances):
    changed = [obj for obj in (*session.dirty, *session.deleted) if isinstance(obj, AuditEvent)]
    if any(obj in session.deleted or session.is_modified(obj) for obj in changed):
        raise AuditTrailIsAppendOnly("audit events are never changed or deleted")
