"""Which events a user may see and work: those of the branches the user may see (crm/prospects/scope.py: an
admin every branch, a manager theirs and those under it, an officer their own); liaisons none (events are the
branch's own work).

An event outside it is, to that user, an event that does not exist (404).
"""

from sqlalchemy import false, select

from crm.extensions import db
from crm.models import Event, Role, User
from crm.prospects.scope import in_visible_branches


def visibility_filter(user: User):
    """A WHERE clause on Event restricting it to what `user` may see."""
    if user.role is Role.LIAISON:
        return false()
    return in_visible_branches(user, Event.branch_id)


def visible_event(user: User, event_id: int) -> Event | None:
    """The event, if `user` may see it; None otherwise (the caller answers 404)."""
    return db.session.scalar(select(Event).where(Event.id == event_id, visibility_filter(user)))
