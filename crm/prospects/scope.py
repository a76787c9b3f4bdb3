"""Which records a user may see and work: the record-level half of the access rules.

Every record belongs to a branch, and every scope starts from the branches a person may see
(`visible_branch_ids`, `in_visible_branches`):

- admin: every branch (admins are national: they manage accounts, rates, targets, the audit trail and
  personal-data requests for the whole deployment, and the dashboard's national view is theirs);
- manager: their branch and the branches under it;
- officer: their own branch; within it, prospects assigned to them or in a kecamatan they cover;
- liaison: their own branch; within it, the leads their agency submitted (seen, never worked).

Other areas' scopes (lead lists, reconciliation runs, accounts, the dashboard) are built from these.
"""

from sqlalchemy import false, or_, select, true

from crm.extensions import db
from crm.models import Branch, Prospect, Role, User, officer_kecamatan


def branch_ids_under(branch_id: int) -> list[int]:
    """The branch and every branch below it."""
    ids, frontier = [branch_id], [branch_id]
    while frontier:
        frontier = list(db.session.scalars(select(Branch.id).where(Branch.parent_id.in_(frontier))))
        ids.extend(frontier)
    return ids


def visible_branch_ids(user: User) -> list[int]:
    """The branches whose records `user` may see (see the module's docstring), in id order."""
    if user.role is Role.ADMIN:
        return list(db.session.scalars(select(Branch.id).order_by(Branch.id)))
    if user.role is Role.MANAGER:
        return sorted(branch_ids_under(user.branch_id))
    return [user.branch_id]


def in_visible_branches(user: User, branch_column):
    """A WHERE clause: `branch_column` names one of the branches `user` may see."""
    if user.role is Role.ADMIN:
        return true()  # a constant, so that an aggregate may be read from an index alone
    if user.role is Role.MANAGER:
        return branch_column.in_(branch_ids_under(user.branch_id))
    return branch_column == user.branch_id


def can_see_branch(user: User, branch_id: int | None) -> bool:
    return user.role is Role.ADMIN or branch_id in visible_branch_ids(user)


def visibility_filter(user: User):
    """A WHERE clause on Prospect restricting it to what `user` may see."""
    branches = in_visible_branches(user, Prospect.branch_id)
    if user.role in (Role.ADMIN, Role.MANAGER):
        return branches
    if user.role is Role.OFFICER:
        covered = select(officer_kecamatan.c.region_id).where(officer_kecamatan.c.user_id == user.id)
        return branches & or_(Prospect.assigned_officer_id == user.id, Prospect.kecamatan_id.in_(covered))
    if user.role is Role.LIAISON and user.agency_id is not None:
        return branches & (Prospect.source_agency_id == user.agency_id)
    return false()


def visible_users(user: User):
    """A WHERE clause on User: the accounts of the branches `user` may see."""
    return in_visible_branches(user, User.branch_id)


def can_see(user: User, prospect: Prospect) -> bool:
    return db.session.scalar(select(Prospect.id).where(Prospect.id == prospect.id, visibility_filter(user))) \
        is not None


def can_work(user: User, prospect: Prospect) -> bool:
    """May log visits, change the stage and register: everyone who sees it except liaisons."""
    return user.role is not Role.LIAISON and can_see(user, prospect)
