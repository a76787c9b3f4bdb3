"""Recording changes in the append-only audit trail."""

from crm.extensions import db
from crm.models import AuditEvent


def record(action: str, entity: str, entity_id, *, actor=None, branch_id=None, ip=None,
           before: dict | None = None, after: dict | None = None) -> AuditEvent:
    event = AuditEvent(
        action=action, entity=entity, entity_id=None if entity_id is None else str(entity_id),
        actor_id=getattr(actor, "id", None), branch_id=branch_id, ip=ip, before=before, after=after,
    )
    db.session.add(event)
    return event
