"""Which prospects a user may see and work: the record-level half of the access rules.

- admin: every prospect;
- manager: their branch and the branches under it;
- officer: prospects assigned to them, or in a kecamatan they cover, within their branch;
- liaison: leads their agency submitted (seen, never worked).
"""

from sqlalchemy import Select, false, or_, select, true

from crm.extensions import db
from crm.models import Branch, Prospect, Role, User, officer_kecamatan


def branch_ids_under(branch_id: int) -> list[int]:
    """The branch and every branch below it."""
    ids, frontier = [branch_id], [branch_id]
    while frontier:
        frontier = list(db.session.scalars(select(Branch.id).where(Branch.parent_id.in_(frontier))))
        ids.extend(frontier)
    return ids


def visibility_filter(user: User):
    """A WHERE clause on Prospect restricting it to what `user` may see."""
    if user.role is Role.ADMIN:
        return true()  # a constant, so that an aggregate may be read from an index alone
    if user.role is Role.MANAGER:
        return Prospect.branch_id.in_(branch_ids_under(user.branch_id))
    if user.role is Role.OFFICER:
        covered = select(officer_kecamatan.c.region_id).where(officer_kecamatan.c.user_id == user.id)
        return (Prospect.branch_id == user.branch_id) & or_(
            Prospect.assigned_officer_id == user.id, Prospect.kecamatan_id.in_(covered))
    if user.role is Role.LIAISON and user.agency_id is not None:
        return Prospect.source_agency_id == user.agency_id
    return false()


def visible_prospects(user: User) -> Select:
    return select(Prospect).where(visibility_filter(user))


def can_see(user: User, prospect: Prospect) -> bool:
    return db.session.scalar(select(Prospect.id).where(Prospect.id == prospect.id, visibility_filter(user))) \
        is not None


def can_work(user: User, prospect: Prospect) -> bool:
    """May log visits, change the stage and register: everyone who sees it except liaisons."""
    return user.role is not Role.LIAISON and can_see(user, prospect)
