import itertools

import pytest

from crm.models import ContactOutcome, Outcome, Prospect, Stage
from crm.prospects import stages
from crm.prospects.stages import StageMoveRefused

ALLOWED = {
    (Stage.NEW, t) for t in (Stage.CONTACTED, Stage.VISITED, Stage.INTERESTED, Stage.REGISTERED,
                             Stage.DECLINED, Stage.UNREACHABLE)
} | {
    (Stage.CONTACTED, t) for t in (Stage.VISITED, Stage.INTERESTED, Stage.REGISTERED, Stage.DECLINED,
                                   Stage.UNREACHABLE)
} | {
    (Stage.VISITED, t) for t in (Stage.INTERESTED, Stage.REGISTERED, Stage.DECLINED, Stage.UNREACHABLE)
} | {
    (Stage.INTERESTED, t) for t in (Stage.REGISTERED, Stage.DECLINED, Stage.UNREACHABLE)
} | {
    (Stage.DECLINED, t) for t in (Stage.CONTACTED, Stage.VISITED, Stage.INTERESTED, Stage.REGISTERED,
                                  Stage.UNREACHABLE)
} | {
    (Stage.UNREACHABLE, t) for t in (Stage.CONTACTED, Stage.VISITED, Stage.INTERESTED, Stage.REGISTERED,
                                     Stage.DECLINED)
}


@pytest.mark.parametrize(("current", "target"), list(itertools.product(Stage, Stage)))
def test_every_move_is_allowed_or_refused_as_the_rules_say(current, target):
    prospect = Prospect(name="Siti", stage=current)
    if current == target:
        assert stages.move(prospect, target) is False
    elif (current, target) in ALLOWED:
        assert stages.move(prospect, target) is True
        assert prospect.stage is target and prospect.stage_changed_at is not None
    else:
        with pytest.raises(StageMoveRefused):
            stages.move(prospect, target)
        assert prospect.stage is current


def test_registered_is_final():
    assert stages.ALLOWED_MOVES[Stage.REGISTERED] == frozenset()


@pytest.mark.parametrize(("current", "outcome", "expected"), [
    (Stage.NEW, Outcome.NOT_AT_HOME, Stage.VISITED),
    (Stage.NEW, Outcome.INTERESTED, Stage.INTERESTED),
    (Stage.CONTACTED, Outcome.NOT_INTERESTED, Stage.DECLINED),
    (Stage.INTERESTED, Outcome.NOT_AT_HOME, Stage.INTERESTED),
    (Stage.VISITED, Outcome.MOVED_AWAY, Stage.UNREACHABLE),
    (Stage.VISITED, Outcome.WRONG_ADDRESS, Stage.UNREACHABLE),
    (Stage.DECLINED, Outcome.INTERESTED, Stage.INTERESTED),
    (Stage.DECLINED, Outcome.NOT_AT_HOME, Stage.DECLINED),
    (Stage.UNREACHABLE, Outcome.NOT_AT_HOME, Stage.UNREACHABLE),
    (Stage.REGISTERED, Outcome.NOT_INTERESTED, Stage.REGISTERED),
    (Stage.INTERESTED, Outcome.REGISTERED, Stage.INTERESTED),
    (Stage.NEW, Outcome.REGISTERED, Stage.INTERESTED),
])
def test_a_visit_moves_the_stage_forward_only(current, outcome, expected):
    assert stages.stage_after_visit(current, outcome) is expected


@pytest.mark.parametrize("current", list(Stage))
@pytest.mark.parametrize("outcome", list(ContactOutcome))
def test_a_contact_that_reaches_the_person_moves_only_a_new_lead_to_contacted(current, outcome):
    expected = Stage.CONTACTED if current is Stage.NEW and outcome in (ContactOutcome.INTERESTED,
                                                                       ContactOutcome.NOT_INTERESTED) else current
    assert stages.stage_after_contact(current, outcome) is expected
    assert stages.can_move(current, stages.stage_after_contact(current, outcome))
