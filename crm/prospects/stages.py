"""The stage a prospect is in, and the moves the rules allow — kept here and nowhere else.

new → contacted → visited → interested → registered is the road; declined and unreachable are exits,
and a prospect who left by an exit can come back in at any open stage. Registered is final: a lapsed
participant is worked through their registration, not by moving the prospect back.
"""

from flask_babel import lazy_gettext as _l

from crm.errors import Invalid
from crm.models import ContactOutcome, Outcome, Prospect, Stage
from crm.models.base import utcnow

ROAD = (Stage.NEW, Stage.CONTACTED, Stage.VISITED, Stage.INTERESTED, Stage.REGISTERED)
EXITS = (Stage.DECLINED, Stage.UNREACHABLE)
OPEN_STAGES = (Stage.CONTACTED, Stage.VISITED, Stage.INTERESTED)

ALLOWED_MOVES: dict[Stage, frozenset[Stage]] = {
    **{stage: frozenset(ROAD[index + 1:]) | frozenset(EXITS) for index, stage in enumerate(ROAD[:-1])},
    Stage.REGISTERED: frozenset(),
    Stage.DECLINED: frozenset(OPEN_STAGES) | {Stage.REGISTERED, Stage.UNREACHABLE},
    Stage.UNREACHABLE: frozenset(OPEN_STAGES) | {Stage.REGISTERED, Stage.DECLINED},
}

STAGE_LABELS = {
    Stage.NEW: _l("New lead"), Stage.CONTACTED: _l("Contacted"), Stage.VISITED: _l("Visited"),
    Stage.INTERESTED: _l("Interested"), Stage.REGISTERED: _l("Registered"), Stage.DECLINED: _l("Declined"),
    Stage.UNREACHABLE: _l("Unreachable"),
}


class StageMoveRefused(Invalid):
    pass


def can_move(current: Stage, target: Stage) -> bool:
    return target == current or target in ALLOWED_MOVES[current]


def move(prospect: Prospect, target: Stage) -> bool:
    """Move the prospect to `target`; True if the stage changed. Refuses a move the rules forbid."""
    if target == prospect.stage:
        return False
    if not can_move(prospect.stage, target):
        raise StageMoveRefused(_l("A prospect cannot go from “%(current)s” to “%(target)s”.",
                                  current=STAGE_LABELS[prospect.stage], target=STAGE_LABELS[target]),
                               field="stage")
    prospect.stage = target
    prospect.stage_changed_at = utcnow()
    return True


def stage_after_visit(current: Stage, outcome: Outcome) -> Stage:
    """Where a visit with this outcome leaves a prospect now at `current`.

    A visit never moves a prospect backwards along the road: a "not at home" after an earlier
    "interested" keeps them interested, and does not bring back someone who declined. A registered
    prospect stays registered whatever a late visit says.
    """
    if current is Stage.REGISTERED or (current in EXITS and outcome is Outcome.NOT_AT_HOME):
        return current
    wanted = {
        Outcome.INTERESTED: Stage.INTERESTED,
        Outcome.NOT_INTERESTED: Stage.DECLINED,
        Outcome.NOT_AT_HOME: Stage.VISITED,
        Outcome.MOVED_AWAY: Stage.UNREACHABLE,
        Outcome.WRONG_ADDRESS: Stage.UNREACHABLE,
        # Registered only once the registration itself is saved (crm/registrations); the visit says
        # the person agreed, which is what "interested" means until then.
        Outcome.REGISTERED: Stage.INTERESTED,
    }[outcome]
    if current in ROAD and wanted in ROAD and ROAD.index(wanted) < ROAD.index(current):
        return current
    return wanted if can_move(current, wanted) else current


def stage_after_contact(current: Stage, outcome: ContactOutcome) -> Stage:
    """Where a call or WhatsApp message leaves a prospect now at `current`: one that reached the person moves
    a new lead to contacted; nothing else moves. Not a visit: interest or refusal on the phone is recorded
    with the attempt, and the visit decides the stage after contacted."""
    if current is Stage.NEW and outcome.reached:
        return Stage.CONTACTED
    return current
