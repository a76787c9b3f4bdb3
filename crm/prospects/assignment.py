"""Giving prospects to officers, one at a time or in bulk by place; a bulk move is recorded prospect by
prospect, so that one action undoes it."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from crm import audit
from crm.errors import Conflict, Invalid, NotFound
from crm.extensions import db
from crm.models import AuditEvent, Prospect, Region, Role, Stage, User
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


def count_selected(selection: Selection, actor: User, officer: User | None = None) -> int:
    """The prospects a bulk reassignment to `officer` would move (those already theirs stay)."""
    clauses = _where(selection, actor)
    if officer is not None:
        clauses.append(Prospect.assigned_officer_id.is_distinct_from(officer.id))
    return db.session.scalar(select(db.func.count()).select_from(Prospect).where(*clauses))


BULK_ACTION, UNDO_ACTION = "reassign_bulk", "reassign_undo"
UPDATE_CHUNK = 500


@dataclass(frozen=True)
class BulkMove:
    """What a bulk reassignment did: how many prospects moved, to whom, and the audit event that undoes it."""

    moved: int
    officer: User
    event_id: int


def place_of(selection: Selection) -> Region | None:
    """The kecamatan the selection is in (a desa's kecamatan)."""
    if selection.desa_id:
        desa = db.session.get(Region, selection.desa_id)
        return desa.parent if desa is not None else None
    return db.session.get(Region, selection.kecamatan_id) if selection.kecamatan_id else None


def uncovered_place(selection: Selection, officer: User | None) -> Region | None:
    """The selection's kecamatan when `officer` does not cover it (a warning, not a refusal), else None."""
    place = place_of(selection)
    if officer is None or place is None or place in officer.kecamatan:
        return None
    return place


def _move(pairs: list[tuple[int, int | None]], officer_id: int | None) -> None:
    ids = [prospect_id for prospect_id, _before in pairs]
    for start in range(0, len(ids), UPDATE_CHUNK):
        db.session.execute(update(Prospect).where(Prospect.id.in_(ids[start:start + UPDATE_CHUNK]))
                           .values(assigned_officer_id=officer_id), execution_options={"synchronize_session": False})


def reassign_bulk(selection: Selection, officer: User | None, actor: User, *, ip=None) -> BulkMove:
    """Assign every prospect in the selection to `officer`. The audit event keeps each prospect's id and
    its officer before, which is what `undo_bulk` puts back."""
    officer = _check_officer(officer, actor)
    if not (selection.kecamatan_id or selection.desa_id):
        raise Invalid(_l("Choose a kecamatan or a desa."), field="kecamatan")
    pairs = [tuple(row) for row in db.session.execute(
        select(Prospect.id, Prospect.assigned_officer_id)
        .where(*_where(selection, actor), Prospect.assigned_officer_id.is_distinct_from(officer.id))
        .order_by(Prospect.id))]
    _move(pairs, officer.id)
    event = audit.record(BULK_ACTION, "prospect", None, actor=actor, branch_id=actor.branch_id, ip=ip,
                         after={"officer_id": officer.id, "kecamatan_id": selection.kecamatan_id,
                                "desa_id": selection.desa_id, "only_new": selection.only_new, "count": len(pairs),
                                "moves": [list(pair) for pair in pairs]})
    db.session.flush()
    return BulkMove(len(pairs), officer, event.id)


def bulk_move_of(event_id: int, actor: User) -> AuditEvent:
    """A bulk reassignment the actor may see and undo, or NotFound."""
    event = db.session.get(AuditEvent, event_id)
    if event is None or event.action != BULK_ACTION or not scope.can_see_branch(actor, event.branch_id):
        raise NotFound(_l("No such reassignment."))
    return event


def is_undone(event: AuditEvent) -> bool:
    return db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == UNDO_ACTION,
                                                         AuditEvent.entity_id == str(event.id))) is not None


def undo_bulk(event: AuditEvent, actor: User, *, ip=None) -> int:
    """Give each prospect a bulk reassignment (`bulk_move_of`) moved back to its officer before — unless it has
    been reassigned since. Returns how many went back; a second undo is refused."""
    if is_undone(event):
        raise Conflict(_l("This reassignment has already been undone."))
    moved_to = event.after["officer_id"]
    before = dict(event.after.get("moves", []))
    still = set(db.session.scalars(select(Prospect.id).where(
        Prospect.id.in_(list(before)), Prospect.assigned_officer_id == moved_to))) if before else set()
    back = [(prospect_id, officer_id) for prospect_id, officer_id in before.items() if prospect_id in still]
    for officer_id in {officer_id for _id, officer_id in back}:
        _move([pair for pair in back if pair[1] == officer_id], officer_id)
    audit.record(UNDO_ACTION, "audit_event", event.id, actor=actor, branch_id=event.branch_id, ip=ip,
                 after={"count": len(back), "moves": [list(pair) for pair in back]})
    db.session.flush()
    return len(back)


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
