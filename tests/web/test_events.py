"""Outreach events: planning, the public sign-up form, attendance, abuse guards and results."""

import os
import secrets
from datetime import UTC, date, datetime, timedelta

import pytest
import redis
from sqlalchemy import func, select

from crm import create_app, demo, reference
from crm.auth.access import PUBLIC_ENDPOINTS
from crm.events import limits
from crm.events.consent import PURPOSE_VERSION
from crm.events.results import event_funnels
from crm.extensions import db as database
from crm.i18n import local_timezone, local_today
from crm.models import (
    ConsentBasis,
    Event,
    EventKind,
    EventSignup,
    Prospect,
    Registration,
    Role,
    SignupStatus,
    Stage,
)
from crm.privacy import subjects
from tests.conftest import IN_CI, IsolatedRequestClient
from tests.factories import desa_named, make_event, make_prospect, make_user, sign_in

NIK = "3512064107900003"  # Panarukan, a woman born 1 July 1990


@pytest.fixture(autouse=True)
def fresh_limits(app):
    limits.limiter_of(app).reset()
    yield
    limits.limiter_of(app).reset()


@pytest.fixture
def officer(db):
    return make_user(Role.OFFICER, "hendra", name="Pak Hendra", kecamatan=("Panarukan",))


@pytest.fixture
def event(officer):
    return make_event(officer)


def _answer(**changes) -> dict:
    answer = {"name": "Siti Rohmah", "nik": NIK, "phone": "0812 3456 7001", "desa_id": desa_named("Kilensari").id,
              "occupation": "Nelayan", "consent": "y", "website": ""}
    return {**answer, **changes}


def _prospects(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Prospect))


def test_an_officer_plans_an_event_and_finds_its_link(client, db, officer):
    sign_in(client, officer)
    desa = desa_named("Kilensari")
    response = client.post("/events/new", data={
        "title": "Sosialisasi di TPI Kilensari", "kind": "tpi", "starts_at": "2026-12-05T07:00",
        "ends_at": "2026-12-05T10:00", "desa_id": desa.id, "agency_id": reference.agency_by_code("DISNAKKAN").id,
        "officer_ids": [officer.id], "expected_attendees": "60", "latitude": "", "longitude": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    event = db.session.scalar(select(Event))
    assert (event.title, event.kind, event.desa_id, event.expected_attendees, event.agency.code) == (
        "Sosialisasi di TPI Kilensari", EventKind.TPI, desa.id, 60, "DISNAKKAN")
    assert event.starts_at == datetime(2026, 12, 5, 0, 0, tzinfo=UTC)  # 07.00 WIB
    assert [o.name for o in event.officers] == ["Pak Hendra"]
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert f"/e/{event.code}" in page and "qr.svg" in page
    assert "Sosialisasi di TPI Kilensari" in client.get("/events").get_data(as_text=True)


def test_an_event_must_end_after_it_starts_and_take_place_in_the_branch(client, db, officer):
    sign_in(client, officer)
    response = client.post("/events/new", data={
        "title": "Pasar Panarukan", "kind": "market", "starts_at": "2026-12-05T10:00", "ends_at": "2026-12-05T09:00",
        "desa_id": desa_named("Kilensari").id})
    assert response.status_code == 200
    assert "setelah" in response.get_data(as_text=True)  # "The event must end after it starts."
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0


def test_a_new_person_becomes_a_prospect_with_their_consent(client, db, event):
    page = client.get(f"/e/{event.code}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Persetujuan" in text or "setuju" in text
    response = client.post(f"/e/{event.code}", data=_answer())
    assert response.status_code == 200, response.get_data(as_text=True)
    thanks = response.get_data(as_text=True)
    assert "Terima kasih, Siti Rohmah" in thanks and PURPOSE_VERSION in thanks
    prospect = db.session.scalar(select(Prospect))
    assert (prospect.name, prospect.nik, prospect.phone, prospect.occupation) == (
        "Siti Rohmah", NIK, "+6281234567001", "Nelayan")
    assert prospect.desa.name == "Kilensari" and prospect.kecamatan.name == "Panarukan"
    assert (prospect.consent_basis, prospect.consent_date, prospect.consent_version) == (
        ConsentBasis.CONSENT, local_today(), PURPOSE_VERSION)
    signup = db.session.scalar(select(EventSignup))
    assert (signup.event_id, signup.prospect_id, signup.brought_in, signup.known, signup.status) == (
        event.id, prospect.id, True, False, SignupStatus.ACCEPTED)


def test_the_consent_date_is_the_branchs_day(client, db, event, monkeypatch):
    # 23.30 UTC on 1 December is 06.30 on 2 December in Situbondo (WIB).
    late = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)
    event.starts_at, event.ends_at = late - timedelta(hours=1), late + timedelta(hours=2)
    db.session.commit()
    monkeypatch.setattr("crm.events.views.utcnow", lambda: late)
    monkeypatch.setattr("crm.events.views.local_today", lambda: date(2026, 12, 2))
    assert client.post(f"/e/{event.code}", data=_answer()).status_code == 200
    assert db.session.scalar(select(Prospect.consent_date)) == date(2026, 12, 2)


def test_a_known_person_is_not_created_again(client, db, event):
    known = make_prospect("Siti Rohmah", nik=NIK, phone=None)
    known.consent_basis = ConsentBasis.PUBLIC_TASK
    db.session.commit()
    for _ in range(2):
        response = client.post(f"/e/{event.code}", data=_answer(phone=""))
        assert response.status_code == 200
    assert _prospects(db) == 1
    db.session.refresh(known)
    assert (known.consent_basis, known.consent_version) == (ConsentBasis.CONSENT, PURPOSE_VERSION)
    signups = db.session.scalars(select(EventSignup)).all()
    assert [(s.prospect_id, s.known, s.brought_in) for s in signups] == [(known.id, True, False)]


def test_the_thank_you_page_shows_nothing_of_the_person_already_known(client, db, event):
    make_prospect("Bu Aminah Lama", nik=NIK, phone="+6281299990000")
    thanks = client.post(f"/e/{event.code}", data=_answer(name="Siti Rohmah", phone="")).get_data(as_text=True)
    assert "Aminah" not in thanks and "9999" not in thanks
    assert "Siti Rohmah" in thanks


def test_a_name_and_a_nik_or_phone_are_needed_with_the_lead_lists_messages(client, db, event):
    response = client.post(f"/e/{event.code}", data=_answer(nik="", phone="", name="Siti"))
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "NIK" in text and "Siti" in text  # what was typed stays in the form
    response = client.post(f"/e/{event.code}", data=_answer(nik="35120641079", phone=""))
    assert response.status_code == 422
    assert "16" in response.get_data(as_text=True)  # the NIK rule's own message: 16 digits
    assert _prospects(db) == 0


def test_consent_must_be_ticked(client, db, event):
    response = client.post(f"/e/{event.code}", data=_answer(consent=""))
    assert response.status_code == 422
    assert _prospects(db) == 0


def test_the_honeypot_makes_an_answer_vanish(client, db, event):
    response = client.post(f"/e/{event.code}", data=_answer(website="https://spam.example"))
    assert response.status_code == 200
    assert _prospects(db) == 0
    assert db.session.scalar(select(func.count()).select_from(EventSignup)) == 0


def test_a_closed_event_says_so(client, db, event, officer):
    event.starts_at = datetime.now(UTC) - timedelta(days=10)
    event.ends_at = event.starts_at + timedelta(hours=3)
    db.session.commit()
    page = client.get(f"/e/{event.code}")
    assert page.status_code == 410
    assert "ditutup" in page.get_data(as_text=True)
    assert client.post(f"/e/{event.code}", data=_answer()).status_code == 410
    assert _prospects(db) == 0


def test_the_form_opens_a_day_before_and_closes_three_days_after(client, db, officer):
    soon = make_event(officer, starts_at=datetime.now(UTC) + timedelta(days=2))
    assert "belum dibuka" in client.get(f"/e/{soon.code}").get_data(as_text=True)
    tomorrow = make_event(officer, "Besok", starts_at=datetime.now(UTC) + timedelta(hours=20))
    assert client.get(f"/e/{tomorrow.code}").status_code == 200
    assert client.post(f"/e/{tomorrow.code}", data=_answer()).status_code == 200
    ended = make_event(officer, "Kemarin", starts_at=datetime.now(UTC) - timedelta(days=2, hours=20), hours=1)
    assert client.post(f"/e/{ended.code}", data=_answer(nik="", phone="0812 3456 7002")).status_code == 200
    assert _prospects(db) == 2


def test_an_officer_closes_the_link_at_once(client, db, event, officer):
    sign_in(client, officer)
    assert client.post(f"/events/{event.id}/close").status_code == 302
    anonymous = client.application.test_client()
    assert anonymous.post(f"/e/{event.code}", data=_answer()).status_code == 410
    assert client.post(f"/events/{event.id}/reopen").status_code == 302
    assert anonymous.post(f"/e/{event.code}", data=_answer()).status_code == 200


def test_answers_beyond_the_cap_are_held_for_review(client, db, officer):
    event = make_event(officer, cap=1)
    assert client.post(f"/e/{event.code}", data=_answer()).status_code == 200
    assert client.post(f"/e/{event.code}", data=_answer(name="Rukmini", nik="", phone="0812 3456 7002")
                       ).status_code == 200
    assert _prospects(db) == 1
    held = db.session.scalar(select(EventSignup).where(EventSignup.status == SignupStatus.HELD))
    assert held.answers["name"] == "Rukmini" and held.prospect_id is None
    sign_in(client, officer)
    assert "Rukmini" in client.get(f"/events/{event.id}").get_data(as_text=True)
    assert client.post(f"/events/{event.id}/held/{held.id}/accept").status_code == 302
    rukmini = db.session.scalar(select(Prospect).where(Prospect.name == "Rukmini"))
    assert rukmini.consent_basis is ConsentBasis.CONSENT and rukmini.consent_version == PURPOSE_VERSION


def test_a_held_answer_can_be_discarded_with_its_data(client, db, officer):
    event = make_event(officer, cap=1)
    client.post(f"/e/{event.code}", data=_answer())
    client.post(f"/e/{event.code}", data=_answer(name="Rukmini", nik="", phone="0812 3456 7002"))
    held = db.session.scalar(select(EventSignup).where(EventSignup.status == SignupStatus.HELD))
    sign_in(client, officer)
    assert client.post(f"/events/{event.id}/held/{held.id}/discard").status_code == 302
    db.session.refresh(held)
    assert (held.status, held.answers) == (SignupStatus.DISCARDED, None)
    assert _prospects(db) == 1


def test_the_cap_is_settable(client, db, event, officer):
    sign_in(client, officer)
    assert client.post(f"/events/{event.id}/cap", data={"signup_cap": "25"}).status_code == 302
    db.session.refresh(event)
    assert event.signup_cap == 25


def test_the_limiter_answers_429_in_indonesian(client, app, db, event):
    app.config["SASAR_SIGNUP_LIMIT_PER_ADDRESS"] = "2 per minute"
    try:
        statuses = [client.post(f"/e/{event.code}", data=_answer(nik="", phone=f"0812 3456 700{n}")).status_code
                    for n in range(3)]
        response = client.post(f"/e/{event.code}", data=_answer())
    finally:
        app.config["SASAR_SIGNUP_LIMIT_PER_ADDRESS"] = "20 per 10 minutes"
    assert statuses == [200, 200, 429]
    assert response.status_code == 429
    assert "Terlalu banyak" in response.get_data(as_text=True)
    assert client.get(f"/e/{event.code}").status_code == 200  # reading the form is not counted


REDIS_URL = os.environ.get("SASAR_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_or_skip() -> None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        reason = f"Redis at {REDIS_URL} is unreachable: {error}"
        if IN_CI:
            pytest.fail(f"{reason} (CI=true: the Redis limiter test must run, not skip)", pytrace=False)
        pytest.skip(reason)


def test_the_limiter_counts_in_redis_when_configured(app, db, event):
    _redis_or_skip()
    prefix = f"sasar-test-{secrets.token_hex(4)}"  # this run's own keys on a shared server
    with_redis = create_app({**{key: app.config[key] for key in ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY")},
                             "TESTING": True, "WTF_CSRF_ENABLED": False, "SASAR_REDIS_URL": REDIS_URL,
                             "SASAR_RATELIMIT_PREFIX": prefix, "SASAR_SIGNUP_LIMIT_PER_ADDRESS": "2 per minute"})
    with_redis.test_client_class = IsolatedRequestClient
    assert limits.storage_uri(with_redis.config) == REDIS_URL
    try:
        statuses = [with_redis.test_client().post(f"/e/{event.code}", data=_answer(
            nik="", phone=f"0812 3456 700{n}")).status_code for n in range(3)]
        keys = redis.Redis.from_url(REDIS_URL).keys(f"*{prefix}*")
    finally:
        with with_redis.app_context():
            database.engine.dispose()
    assert statuses == [200, 200, 429]
    assert keys, "the counts are kept in Redis"


def test_the_limiter_counts_in_memory_without_redis(app):
    assert limits.storage_uri({"SASAR_REDIS_URL": ""}) == "memory://"
    assert limits.storage_uri(app.config) == "memory://"  # the other limiter tests count in memory


def test_the_per_event_limit_holds_whatever_the_address(app, db, event):
    app.config["SASAR_SIGNUP_LIMIT_PER_EVENT"] = "2 per minute"
    try:
        statuses = [app.test_client().post(f"/e/{event.code}", data=_answer(nik="", phone=f"0812 3456 700{n}"),
                                           environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}).status_code
                    for n in range(3)]
    finally:
        app.config["SASAR_SIGNUP_LIMIT_PER_EVENT"] = "600 per 10 minutes"
    assert statuses == [200, 200, 429]


def test_at_the_event_an_officer_ticks_who_is_present_and_adds_someone(client, db, event, officer):
    client.application.test_client().post(f"/e/{event.code}", data=_answer())
    sign_in(client, officer)
    live = client.get(f"/events/{event.id}/live").get_data(as_text=True)
    assert "Siti Rohmah" in live
    signup = db.session.scalar(select(EventSignup))
    assert client.post(f"/events/{event.id}/signups/{signup.id}/present", data={"present": "1"}).status_code == 302
    db.session.refresh(signup)
    assert signup.present
    response = client.post(f"/events/{event.id}/attendees", data={"name": "Pak Sahri", "phone": "0813 1111 2222",
                                                                  "nik": ""})
    assert response.status_code == 302
    sahri = db.session.scalar(select(EventSignup).join(Prospect, Prospect.id == EventSignup.prospect_id)
                              .where(Prospect.name == "Pak Sahri"))
    assert sahri.present and sahri.prospect.desa_id == event.desa_id
    assert sahri.prospect.consent_basis is ConsentBasis.PUBLIC_TASK
    refused = client.post(f"/events/{event.id}/attendees", data={"name": "Pak Tanpa Nomor", "phone": "", "nik": ""})
    assert refused.status_code == 422 and "Pak Tanpa Nomor" in refused.get_data(as_text=True)
    assert f"/prospects/{sahri.prospect_id}/register" in client.get(f"/events/{event.id}/live").get_data(as_text=True)


def test_an_event_of_another_branch_is_not_found(client, db, event):
    banyuwangi = reference.branch_by_code("BWI")
    other = Event(branch_id=banyuwangi.id, code="zzzz234", title="Di cabang lain", kind=EventKind.OTHER,
                  starts_at=event.starts_at, ends_at=event.ends_at, desa_id=event.desa_id, signup_cap=10)
    db.session.add(other)
    db.session.commit()
    for role in (Role.OFFICER, Role.MANAGER):
        user = make_user(role, f"sbo{role.value}")
        browser = client.application.test_client()
        sign_in(browser, user)
        for path in ("", "/live", "/poster", "/slide", "/qr.svg"):
            assert browser.get(f"/events/{other.id}{path}").status_code == 404, (role, path)
        assert browser.post(f"/events/{other.id}/close").status_code == 404
        assert "Di cabang lain" not in browser.get("/events").get_data(as_text=True)
    admin = make_user(Role.ADMIN, "dimas")
    sign_in(client, admin)
    assert client.get(f"/events/{other.id}").status_code == 200


def test_liaisons_have_no_events(client, db, event):
    liaison = make_user(Role.LIAISON, "ratna", agency_code="DISNAKKAN")
    sign_in(client, liaison)
    assert client.get("/events").status_code == 403
    assert client.get(f"/events/{event.id}").status_code == 403


def test_qr_code_poster_and_slide(client, db, event, officer):
    sign_in(client, officer)
    svg = client.get(f"/events/{event.id}/qr.svg")
    assert svg.content_type.startswith("image/svg+xml") and b"<svg" in svg.data
    png = client.get(f"/events/{event.id}/qr.png?download=1")
    assert png.data.startswith(b"\x89PNG") and "attachment" in png.headers["Content-Disposition"]
    assert client.get(f"/events/{event.id}/qr.gif").status_code == 404
    for layout in ("poster", "slide"):
        page = client.get(f"/events/{event.id}/{layout}").get_data(as_text=True)
        assert f"/e/{event.code}" in page and "Daftar" in page


def test_this_months_events_on_today_and_the_dashboard(client, db, event, officer):
    sign_in(client, officer)
    assert event.title in client.get("/today").get_data(as_text=True)
    manager = make_user(Role.MANAGER, "yuli")
    browser = client.application.test_client()
    sign_in(browser, manager)
    assert event.title in browser.get("/dashboard").get_data(as_text=True)


def test_each_event_has_its_funnel_and_first_contributions(client, db, event, officer):
    anonymous = client.application.test_client()
    for n, name in enumerate(("Siti Rohmah", "Rukmini", "Maimunah")):
        anonymous.post(f"/e/{event.code}", data=_answer(name=name, nik="", phone=f"0812 3456 700{n}"))
    people = {p.name: p for p in db.session.scalars(select(Prospect))}
    sign_in(client, officer)
    signup = db.session.scalar(select(EventSignup).where(EventSignup.prospect_id == people["Rukmini"].id))
    client.post(f"/events/{event.id}/signups/{signup.id}/present", data={"present": "1"})
    people["Siti Rohmah"].stage = Stage.CONTACTED
    db.session.commit()
    response = client.post(f"/prospects/{people['Rukmini'].id}/register", data={
        "kpj": "2401 0000 002", "registered_on": local_today().isoformat(), "jkk": "y", "jkm": "y",
        "declared_income": "1.000.000", "payer": "worker", "sponsor_name": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    contribution = db.session.scalar(select(Registration.monthly_contribution))
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    funnel = event_funnels([event], local_timezone())[event.id]
    assert funnel.steps() == [("signed_up", 3), ("present", 1), ("contacted", 2), ("visited", 1),
                              ("registered", 1)]
    assert funnel.first_contributions == contribution > 0
    assert "2401" in page


def test_the_dashboard_filters_and_breaks_down_by_event_and_exports_it(client, db, event, officer):
    anonymous = client.application.test_client()
    for n, name in enumerate(("Siti Rohmah", "Rukmini")):
        anonymous.post(f"/e/{event.code}", data=_answer(name=name, nik="", phone=f"0812 3456 700{n}"))
    make_prospect("Bu Lain", phone="+6281299990000")  # a lead from an agency, at no event
    manager = make_user(Role.MANAGER, "yuli")
    sign_in(client, manager)
    year = local_today().year
    whole = client.get(f"/dashboard?from={year}-01-01&to={year}-12-31").get_data(as_text=True)
    assert 'data-breakdown="event"' in whole and event.title in whole
    narrowed = client.get(f"/dashboard?from={year}-01-01&to={year}-12-31&event={event.id}")
    assert narrowed.status_code == 200
    csv = client.get(f"/dashboard/export/event.csv?from={year}-01-01&to={year}-12-31").get_data(as_text=True)
    lines = csv.splitlines()
    assert [line.split(";")[1] for line in lines[1:]] == ["2", "1"], csv  # the event's two, and the one at none
    assert lines[1].startswith(event.title)
    funnel_csv = client.get(f"/dashboard/export/funnel.csv?from={year}-01-01&to={year}-12-31&event={event.id}")
    assert funnel_csv.status_code == 200
    listed = client.get(f"/prospects?event={event.id}").get_data(as_text=True)
    assert "Rukmini" in listed and "Bu Lain" not in listed


def test_an_event_of_another_branch_cannot_narrow_the_dashboard(client, db, event):
    other = Event(branch_id=reference.branch_by_code("BWI").id, code="yyyy234", title="Di cabang lain",
                  kind=EventKind.OTHER, starts_at=event.starts_at, ends_at=event.ends_at, desa_id=event.desa_id,
                  signup_cap=10)
    db.session.add(other)
    db.session.commit()
    sign_in(client, make_user(Role.MANAGER, "yuli"))
    page = client.get(f"/dashboard?event={other.id}").get_data(as_text=True)
    assert "Di cabang lain" not in page.split("data-filter-notes")[0].split('id="f-event"')[-1].split("</select>")[0]
    assert "data-filter-notes" in page


def test_a_data_subject_request_finds_and_erases_what_events_hold(client, db, officer):
    event = make_event(officer, cap=1)
    browser = client
    browser.post(f"/e/{event.code}", data=_answer())
    browser.post(f"/e/{event.code}", data=_answer(name="Siti Rohmah lagi", nik="3512 0641 0790 0003", phone=""))
    exported = subjects.export_subject(NIK)
    assert [e["event"] for e in exported["people"][0]["events"]] == [event.title]
    assert exported["people"][0]["prospect"]["consent_version"] == PURPOSE_VERSION
    assert [h["answers"]["name"] for h in exported["event_answers_held_for_review"]] == ["Siti Rohmah lagi"]
    erased = subjects.erase_subject(NIK, None)
    db.session.commit()
    assert (erased.prospects, erased.held_answers) == (1, 1)
    assert subjects.export_subject(NIK)["event_answers_held_for_review"] == []


def test_a_possible_duplicate_is_pointed_out_at_the_event(client, db, event, officer):
    known = make_prospect("Siti Rohmah", phone="+6281299990000")
    client.application.test_client().post(f"/e/{event.code}", data=_answer(name="Siti Rochmah", nik=""))
    sign_in(client, officer)
    live = client.get(f"/events/{event.id}/live").get_data(as_text=True)
    assert f'href="/prospects/{known.id}" data-candidate' in live


def test_the_prospect_page_shows_the_events_and_the_consent_text_version(client, db, event, officer):
    client.application.test_client().post(f"/e/{event.code}", data=_answer())
    prospect = db.session.scalar(select(Prospect))
    sign_in(client, officer)
    page = client.get(f"/prospects/{prospect.id}").get_data(as_text=True)
    assert event.title in page.split("data-prospect-events")[1] and PURPOSE_VERSION in page


def test_the_sign_up_form_is_the_only_events_page_open_without_signing_in(app, client, db, event):
    assert {endpoint for endpoint in PUBLIC_ENDPOINTS if endpoint.startswith("events.")} == {"events.signup"}
    assert client.get(f"/e/{event.code}").status_code == 200
    assert client.get(f"/events/{event.id}").headers["Location"].startswith("/login")


def test_the_demo_has_a_past_event_with_its_people_and_one_to_come(db):
    demo.seed_demo(prospect_count=300, seed=7)
    db.session.commit()
    past, coming = sorted(db.session.scalars(select(Event)), key=lambda e: e.starts_at)
    funnel = event_funnels([past, coming], local_timezone())
    assert funnel[past.id].signed_up > 0 and 0 < funnel[past.id].present <= funnel[past.id].signed_up
    assert funnel[coming.id].signed_up == 0 and coming.starts_at > datetime.now(UTC)


def test_a_person_known_to_another_branch_gains_the_event_without_their_record_showing(client, db, event, officer):
    elsewhere = make_prospect("Bu Dari Banyuwangi", nik=NIK, phone=None)
    elsewhere.branch_id = reference.branch_by_code("BWI").id
    db.session.commit()
    client.application.test_client().post(f"/e/{event.code}", data=_answer(name="Siti Rohmah", phone=""))
    assert _prospects(db) == 1
    sign_in(client, officer)
    live = client.get(f"/events/{event.id}/live").get_data(as_text=True)
    assert "Bu Dari Banyuwangi" not in live and "data-other-branch" in live
    assert f"/prospects/{elsewhere.id}/register" not in live
