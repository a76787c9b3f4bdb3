"""Event rules, called as the web and the API call them (no client)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from crm.errors import Invalid
from crm.events import planning, signups
from crm.events.consent import PURPOSE_VERSION
from crm.models import ConsentBasis, EventKind, Role, SignupSource
from tests.factories import desa_named, make_event, make_prospect, make_user

START = datetime(2026, 12, 5, 0, 0, tzinfo=UTC)  # 07.00 WIB


@pytest.fixture
def event(db):
    return make_event(make_user(Role.OFFICER, "hendra"), starts_at=START, hours=3)


def test_the_form_is_open_from_a_day_before_the_start_to_three_days_after_the_end(event):
    end = START + timedelta(hours=3)
    assert planning.signup_state(event, START - timedelta(days=1, seconds=1)) == "not_yet"
    assert planning.signup_state(event, START - timedelta(days=1)) == "open"
    assert planning.signup_state(event, end + timedelta(days=3, seconds=-1)) == "open"
    assert planning.signup_state(event, end + timedelta(days=3)) == "closed"


def test_closing_the_link_closes_it_at_once_and_reopening_restores_the_window(db, event):
    officer = event.created_by
    planning.close_link(event, officer)
    assert planning.signup_state(event, datetime.now(UTC)) == "closed"
    planning.reopen_link(event, officer)
    assert planning.signup_state(event, START) == "open"


def test_an_event_outside_the_branch_or_backwards_is_refused(db):
    officer = make_user(Role.OFFICER, "hendra")
    details = planning.EventDetails("Pasar", EventKind.MARKET, START, START - timedelta(hours=1),
                                    desa_named("Kilensari").id)
    with pytest.raises(Invalid) as refused:
        planning.create_event(details, officer)
    assert refused.value.field == "ends_at"
    details.ends_at, details.desa_id = START + timedelta(hours=1), 999_999
    with pytest.raises(Invalid) as refused:
        planning.create_event(details, officer)
    assert refused.value.field == "desa_id"


def test_a_similar_name_in_the_same_desa_is_signed_up_as_a_possible_duplicate(db, event):
    known = make_prospect("Siti Rohmah", phone="+6281299990000")
    result = signups.sign_up(event, signups.Answers(name="Siti Rochmah", phone="0812 3456 7001",
                                                    desa_id=known.desa_id), now=START, today=date(2026, 12, 5))
    assert result.status == "possible_duplicate"
    assert result.prospect.id != known.id and result.signup.candidate_id == known.id
    assert (result.prospect.consent_basis, result.prospect.consent_version) == (ConsentBasis.CONSENT,
                                                                                PURPOSE_VERSION)


def test_a_closed_event_refuses_answers(db, event):
    with pytest.raises(signups.SignupClosed):
        signups.sign_up(event, signups.Answers(name="Siti", phone="0812 3456 7001"),
                        now=START + timedelta(days=4), today=date(2026, 12, 9))


def test_answers_are_refused_with_the_lead_rules_codes(db, event):
    with pytest.raises(signups.AnswersRefused) as refused:
        signups.add_attendee(event, signups.Answers(name="", nik="12"), None, source=SignupSource.API,
                             now=START, today=date(2026, 12, 5))
    assert {(r.field, r.code) for r in refused.value.reasons} == {("name", "name_missing"), ("nik", "nik_length")}
