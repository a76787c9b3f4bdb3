"""Recording a visit, as the web form, the API and the phone's queue all do (no client)."""

import uuid
from decimal import Decimal

import pytest

from crm.errors import Invalid, NotFound
from crm.models import Outcome, PositionSource, Role, Stage
from crm.visits.recording import FlagRules, VisitReport, record_visit
from tests.factories import make_prospect, make_user

KILENSARI = (-7.701258, 113.938119)


@pytest.fixture
def officer(db):
    return make_user(Role.OFFICER, "hendra", kecamatan=("Panarukan",))


@pytest.fixture
def prospect(db):
    return make_prospect("Siti Aminah", "Kilensari")


def _report(prospect, **values) -> VisitReport:
    return VisitReport(prospect_id=prospect.id, client_uuid=values.pop("client_uuid", uuid.uuid4()),
                       outcome=values.pop("outcome", Outcome.INTERESTED), **values)


def _near(accuracy_m=10, **values) -> dict:
    return {"latitude": KILENSARI[0] + 0.0005, "longitude": KILENSARI[1], "accuracy_m": accuracy_m, **values}


def test_a_visit_moves_the_stage_and_assigns_an_unassigned_prospect(officer, prospect):
    recorded = record_visit(officer, _report(prospect), FlagRules())
    assert (recorded.created, recorded.stage_before, recorded.stage_after) == (True, Stage.NEW, Stage.INTERESTED)
    assert prospect.assigned_officer is officer


def test_the_same_client_id_is_stored_once(officer, prospect):
    client_uuid = uuid.uuid4()
    first = record_visit(officer, _report(prospect, client_uuid=client_uuid), FlagRules())
    again = record_visit(officer, _report(prospect, client_uuid=client_uuid, outcome=Outcome.NOT_AT_HOME), FlagRules())
    assert not again.created and again.visit is first.visit


@pytest.mark.parametrize("said, stored, moves", [
    (None, PositionSource.GPS, True),  # the device's own fix, unless it says otherwise
    (PositionSource.GPS, PositionSource.GPS, True),
    (PositionSource.MANUAL, PositionSource.MANUAL, False),  # typed by hand: never where the prospect is
])
def test_only_a_gps_fix_moves_where_the_prospect_is(officer, prospect, said, stored, moves):
    recorded = record_visit(officer, _report(prospect, **_near(position_source=said)), FlagRules())
    assert recorded.visit.position_source is stored
    assert (prospect.latitude == Decimal(str(round(KILENSARI[0] + 0.0005, 6)))) is moves


def test_an_imprecise_fix_is_kept_on_the_visit_but_does_not_move_the_prospect(officer, prospect):
    recorded = record_visit(officer, _report(prospect, **_near(accuracy_m=400)), FlagRules())
    assert recorded.visit.latitude is not None and prospect.latitude is None


def test_a_visit_without_a_position_has_no_source(officer, prospect):
    recorded = record_visit(officer, _report(prospect, position_source=PositionSource.GPS), FlagRules())
    assert recorded.visit.position_source is None


@pytest.mark.parametrize("values, field", [
    ({"outcome": Outcome.NOT_INTERESTED}, "decline_reason"),
    ({"latitude": KILENSARI[0]}, "latitude"),
    ({"notes": "x" * 2001}, "notes"),
])
def test_a_report_the_rules_refuse_names_its_field(officer, prospect, values, field):
    with pytest.raises(Invalid) as refused:
        record_visit(officer, _report(prospect, **values), FlagRules())
    assert refused.value.field == field


def test_another_officers_prospect_is_not_found(db, prospect):
    elsewhere = make_user(Role.OFFICER, "budi", kecamatan=("Besuki",))
    with pytest.raises(NotFound):
        record_visit(elsewhere, _report(prospect), FlagRules())
