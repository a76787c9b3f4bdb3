"""Giving prospects to officers, one at a time or in bulk by place."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from crm import audit
from crm.errors import Invalid
from crm.extensions import db
from crm.models import Prospect, Role, Stage, User
from crm.prospects import scope
from crm.prospects.stages import OPEN_STAGES


@dataclass(frozen=True)
class Selection:
    kecamatan_id: int | None = None
    desa_id: int | None = None
    only_new: bool = True


def _check_officer(officer: User | None, actor: User) -> User:
    if officer is None or officer.role is not Role.OFFICER or not officer.active \
            or not scope.can_see_branch(actor, officer.branch_id):
        raise Invalid(_l("Choose an active officer of your branch."), field="officer")
    return officer


def _where(selection: Selection, actor: User):
    stages = (Stage.NEW,) if selection.only_new else (Stage.NEW, *OPEN_STAGES)
    clauses = [scope.visibility_filter(actor), Prospect.stage.in_(stages)]
    if selection.desa_id:
        clauses.append(Prospect.desa_id == selection.desa_id)
    elif selection.kecamatan_id:
        clauses.append(Prospect.kecamatan_id == selection.kecamatan_id)
    return clauses


def count_selected(selection: Selection, actor: User) -> int:
    return db.session.scalar(select(db.func.count()).select_from(Prospect).where(*_where(selection, actor)))


def reassign_bulk(selection: Selection, officer: User | None, actor: User, *, ip=None) -> int:
    """Assign every prospect in the selection to `officer`; returns how many moved."""
    officer = _check_officer(officer, actor)
    if not (selection.kecamatan_id or selection.desa_id):
        raise Invalid(_l("Choose a kecamatan or a desa."), field="kecamatan")
    result = db.session.execute(
        update(Prospect).where(*_where(selection, actor)).values(assigned_officer_id=officer.id),
        execution_options={"synchronize_session": False})
    audit.record("reassign", "prospect", None, actor=actor, branch_id=actor.branch_id, ip=ip,
                 after={"officer_id": officer.id, "kecamatan_id": selection.kecamatan_id,
                        "desa_id": selection.desa_id, "only_new": selection.only_new, "count": result.rowcount})
    return result.rowcount


def reassign_one(prospect: Prospect, officer: User | None, actor: User, *, ip=None) -> None:
    officer = _check_officer(officer, actor)
    before = prospect.assigned_officer_id
    prospect.assigned_officer = officer
    audit.record("reassign", "prospect", prospect.id, actor=actor, branch_id=prospect.branch_id, ip=ip,
                 before={"officer_id": before}, after={"officer_id": officer.id})


def officers_of(actor: User) -> list[User]:
    return list(db.session.scalars(select(User).where(
        User.role == Role.OFFICER, User.active, scope.visible_users(actor))
        .order_by(User.name)))
