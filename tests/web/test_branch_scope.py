"""Branch scoping, walked: data in two branches (SBO and its parent BWI), a person of every role in each, and
every route and API operation asked about the records of the branches that person may not see.

- a route naming a record (an id in its path) answers 404 or 403 for another branch's record;
- no answer of any route shows another branch's people (names, NIK, phone, KPJ, notes, file names), and no
  request changes another branch's records; the record ids of the other branch are also put into every
  query and form field a view may read (prospect, officer, kecamatan, desa, branch, batch, NIK, …).

Admins are national (crm/prospects/scope.py): they see every branch. A manager sees their branch and those
under it, so BWI's manager sees Situbondo. New routes are walked without changing this test: it reads the
app's url_map, and fails on a path argument it does not know how to fill.
"""

import hashlib
import io
import itertools
import re
import uuid
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select

from crm import reference
from crm.auth import tokens
from crm.auth.access import PUBLIC_ENDPOINTS, rule_for
from crm.dashboard.tables import TABLE_NAMES
from crm.extensions import db as database
from crm.leads import intake, progress
from crm.leads.importer import ImportLimits
from crm.leads.storage import store_file, uploads_dir
from crm.models import (
    AuditEvent,
    BatchSource,
    Event,
    EventKind,
    EventSignup,
    LeadBatch,
    MessageTemplate,
    Outcome,
    ParticipantStatus,
    Prospect,
    ReconciliationRun,
    Region,
    RegionLevel,
    Registration,
    Role,
    SignupSource,
    SignupStatus,
    Target,
    TargetSplit,
    User,
    Visit,
)
from crm.prospects import assignment
from tests.factories import PASSWORD, make_user

SKIPPED = {"auth.logout"}  # would end the walking client's own session
NATIONAL_ARGUMENTS = {"rate_id"}  # contribution rates are national reference data, not a branch's records

# Which branches each person may NOT see: the test states the rule itself rather than asking the code.
HIDDEN = {
    ("SBO", Role.ADMIN): set(), ("SBO", Role.MANAGER): {"BWI"}, ("SBO", Role.OFFICER): {"BWI"},
    ("SBO", Role.LIAISON): {"BWI"},
    ("BWI", Role.ADMIN): set(), ("BWI", Role.MANAGER): set(), ("BWI", Role.OFFICER): {"SBO"},
    ("BWI", Role.LIAISON): {"SBO"},
}


@dataclass
class World:
    """One branch's records, and the words that would betray them on a page."""

    code: str
    people: dict[Role, User] = field(default_factory=dict)
    bearer: dict[Role, str] = field(default_factory=dict)
    ids: dict[str, list] = field(default_factory=dict)
    markers: list[str] = field(default_factory=list)
    form: dict[str, str] = field(default_factory=dict)
    lead_name: str = ""


def _banyuwangi_places() -> tuple[str, str]:
    """BWI covers no region in the reference data; give it a kecamatan and a desa of its own."""
    bwi = reference.branch_by_code("BWI")
    kabupaten = Region(level=RegionLevel.KABUPATEN, branch=bwi, name="Banyuwangi", code="35.10")
    kecamatan = Region(level=RegionLevel.KECAMATAN, branch=bwi, parent=kabupaten, name="Rogojampi",
                       code="35.10.13")
    database.session.add_all([kabupaten, kecamatan,
                        Region(level=RegionLevel.DESA, branch=bwi, parent=kecamatan, name="Aliyan")])
    database.session.commit()
    return "Rogojampi", "Aliyan"


def _lead_list(world: World, liaison: User, kecamatan: str, desa: str, name: str, nik: str, phone: str,
               *, commit: bool) -> LeadBatch:
    limits, uploads = ImportLimits.from_config(current_app.config), uploads_dir(current_app.instance_path)
    content = ("Nama;NIK;No HP;Desa/Kelurahan;Kecamatan;Pekerjaan\r\n"
               f"{name};{nik};{phone};{desa};{kecamatan};Nelayan\r\n"
               f"Salah Ketik {world.code.title()};35120612345;;{desa};{kecamatan};Nelayan\r\n").encode()
    filename = f"daftar-rahasia-{world.code.lower()}-{'simpan' if commit else 'pratinjau'}.csv"
    stored = store_file(io.BytesIO(content), filename, uploads, limits.max_bytes)
    batch = intake.start_preview(stored, submission=intake.Submission(
        liaison.branch_id, liaison.agency_id, liaison.id, BatchSource.UPLOAD), limits=limits, uploads=uploads)
    if commit:
        intake.commit_batch(batch, limits=limits, uploads=uploads)
    database.session.commit()
    world.markers.append(filename)
    return batch


def _progress_report(world: World) -> str:
    """A long list of the world's liaison being read: the token its waiting page asks with."""
    token = hashlib.md5(world.code.encode()).hexdigest()  # noqa: S324 - a name, not a secret
    progress.reporter(uploads_dir(current_app.instance_path), token, world.people[Role.LIAISON].id,
                      progress.Stage.CHECKING)(4_000)
    return token


def _build(code: str, kecamatan: str, desa: str, serial: int, target_year: int) -> World:
    world = World(code)
    suffix = code.title()
    for role in Role:
        person = make_user(role, f"{role.value}-{code.lower()}", name=f"Rahasia {role.value.title()} {suffix}",
                           agency_code="DISNAKKAN" if role is Role.LIAISON else None, branch_code=code,
                           kecamatan=(kecamatan,) if role is Role.OFFICER and code == "SBO" else ())
        world.people[role] = person
        world.markers.append(person.name)
    officer = world.people[Role.OFFICER]
    if code != "SBO":  # make_user finds kecamatan in Situbondo only
        officer.kecamatan = list(database.session.scalars(select(Region).where(Region.name == kecamatan)))
    name, nik, phone = f"Warga Rahasia {suffix}", f"35100{serial}1203850001", f"+6281{serial}99887766"
    committed = _lead_list(world, world.people[Role.LIAISON], kecamatan, desa, name, nik, phone, commit=True)
    preview = _lead_list(world, world.people[Role.LIAISON], kecamatan, desa, "Calon Lain", f"35100{serial}1203850002",
                         "", commit=False)
    prospect = database.session.scalar(select(Prospect).where(Prospect.lead_batch_id == committed.id))
    assert prospect is not None and prospect.name == name, "the lead list should have made the prospect"
    prospect.assigned_officer = officer
    visit = Visit(branch_id=prospect.branch_id, prospect=prospect, officer=officer, visited_at=datetime.now(UTC),
                  outcome=Outcome.INTERESTED, notes=f"catatan rahasia {suffix}", flagged=True, flag_reason="far")
    kpj = f"{serial}8765432109"[:11]
    registration = Registration(branch_id=prospect.branch_id, prospect=prospect, kpj=kpj, registered_on=date.today(),
                                status=ParticipantStatus.LAPSED, officer=officer)
    run = ReconciliationRun(branch_id=prospect.branch_id, filename=f"ekspor-rahasia-{code.lower()}.csv", rows=1)
    target = Target(branch_id=prospect.branch_id, year=target_year, participants=100, baseline=10)
    split = TargetSplit(target=target, kecamatan_id=prospect.kecamatan_id, registrations=5)
    now = datetime.now(UTC)
    event = Event(branch_id=prospect.branch_id, code=f"rhs{code.lower()}", title=f"Sosialisasi Rahasia {suffix}",
                  kind=EventKind.SOSIALISASI, starts_at=now, ends_at=now + timedelta(hours=2), desa_id=prospect.desa_id,
                  signup_cap=50, officers=[officer])
    held = EventSignup(event=event, status=SignupStatus.HELD, source=SignupSource.FORM,
                       answers={"name": f"Peserta Tertunda {suffix}", "nik": None, "phone": f"+6285{serial}11223344",
                                "desa_id": prospect.desa_id, "occupation": "Nelayan"})
    present = EventSignup(event=event, prospect=prospect, status=SignupStatus.ACCEPTED, source=SignupSource.OFFICER)
    message = MessageTemplate(branch_id=prospect.branch_id, title=f"Pesan Rahasia {suffix}",
                              body="Assalamualaikum {nama}, saya {petugas} dari BPJS Ketenagakerjaan.")
    database.session.add_all([visit, registration, run, target, split, event, held, present, message])
    database.session.commit()
    move = assignment.reassign_bulk(assignment.Selection(kecamatan_id=prospect.kecamatan_id, only_new=False),
                                    officer, world.people[Role.MANAGER])
    database.session.commit()
    world.lead_name = name
    world.markers += [name, nik, phone, kpj, visit.notes, run.filename, event.title, message.title,
                      held.answers["name"], held.answers["phone"]]
    world.ids = {
        "prospect_id": [prospect.id], "batch_id": [committed.id, preview.id], "visit_id": [visit.id],
        "registration_id": [registration.id], "run_id": [run.id], "user_id": [p.id for p in world.people.values()],
        "year": [target_year], "split_id": [split.id], "event_id": [event.id], "signup_id": [held.id, present.id],
        "move_id": [move.event_id], "template_id": [message.id], "token": [_progress_report(world)],
    }
    world.form = {
        "prospect_id": str(prospect.id), "prospect": str(prospect.id), "officer": str(officer.id),
        "kecamatan": str(prospect.kecamatan_id), "desa": str(prospect.desa_id), "branch": str(prospect.branch_id),
        "batch": str(committed.id), "nik": nik, "entity_id": str(prospect.id), "field": "nik",
        "confirm": "1", "active": "0", "only_new": "0", "outcome": Outcome.INTERESTED.value,
        "split-kecamatan": str(prospect.kecamatan_id), "split-officer": str(officer.id),
        "split-registrations": "7",
    }
    for role, person in world.people.items():
        world.bearer[role] = tokens.issue_token(person, "walk").secret
    database.session.commit()
    return world


@pytest.fixture
def worlds(app, db):
    bwi_places = _banyuwangi_places()
    built = {"SBO": _build("SBO", "Panarukan", "Kilensari", 1, 2024), "BWI": _build("BWI", *bwi_places, 2, 2025)}
    built["BWI"].markers += list(bwi_places)  # its places: a breakdown or a filter of BWI's figures names them
    return built


def _state(code: str) -> list:
    """Everything of branch `code` a request could change."""
    branch_id = reference.branch_by_code(code).id
    rows = []
    for model, columns in (
            (Prospect, ("id", "name", "nik", "phone", "stage", "assigned_officer_id", "anonymised_at")),
            (Visit, ("id", "notes", "reviewed_at", "outcome")),
            (Registration, ("id", "kpj", "status")),
            (LeadBatch, ("id", "status", "column_mapping", "removed_count")),
            (User, ("id", "name", "role", "active", "password_hash", "session_token")),
            (Target, ("id", "participants", "baseline")),
            (ReconciliationRun, ("id", "rows"))):
        for record in database.session.scalars(select(model).where(model.branch_id == branch_id).order_by(model.id)):
            rows.append((model.__name__, *(getattr(record, column) for column in columns)))
    rows.append(("splits", database.session.scalar(select(func.count()).select_from(TargetSplit).join(Target)
                                            .where(Target.branch_id == branch_id))))
    rows.append(("events", database.session.scalar(select(func.count()).select_from(AuditEvent)
                                            .where(AuditEvent.branch_id == branch_id))))
    database.session.expire_all()
    return rows


def _text(response) -> str:
    body = response.get_data()
    if body[:2] == b"PK":  # an XLSX: its sheets are XML inside a zip
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return " ".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return body.decode("utf-8", "replace")


# A path argument whose name does not say what it names, on that endpoint.
KIND_OF = {("prospects.undo_assign", "event_id"): "move_id"}  # a bulk reassignment (its audit event)
# A record reached through another: the path names both (a target's split by its year, a sign-up by its event).
THROUGH = {"split_id": "year", "signup_id": "event_id"}
# Path arguments that name a format or a table, not a record: each value is walked.
CHOICES = {"fmt": ("csv", "xlsx", "png", "svg"), "name": TABLE_NAMES, "kind": ("csv",)}


def _fillings(rule, hidden: list[World]):
    """Each way to fill the rule's path arguments: (the hidden world whose record it names or None, values)."""
    records = sorted(set(rule.arguments) - set(CHOICES))
    choices = [[(argument, value) for value in CHOICES[argument]]
               for argument in sorted(set(rule.arguments) & set(CHOICES))]
    if set(records) & NATIONAL_ARGUMENTS:
        return
    kind = {argument: KIND_OF.get((rule.endpoint, argument), argument) for argument in records}
    unknown = set(kind.values()) - {key for world in hidden for key in world.ids}
    assert not unknown or not hidden, (
        f"{rule.rule}: this test does not know which record {sorted(unknown)} names; add it to World.ids")
    fillings = [(None, {})] if not records else []
    for world in hidden if records else ():
        children = [argument for argument in records if argument in THROUGH]
        (leading,) = children or records
        for value in world.ids[kind[leading]]:
            values = {leading: value}
            if leading in THROUGH:
                values[THROUGH[leading]] = world.ids[THROUGH[leading]][0]
            fillings.append((world, values))
    for owner, values in fillings:
        for combination in itertools.product(*choices):
            yield owner, {**values, **dict(combination)}


def _walk(app, worlds: dict[str, World], code: str, role: Role):
    own = worlds[code]
    hidden = [worlds[other] for other in sorted(HIDDEN[(code, role)])]
    person = own.people[role]
    client = app.test_client()
    assert client.post("/login", data={"login": person.login, "password": PASSWORD}).status_code == 302
    form = {key: value for world in hidden for key, value in world.form.items()}
    # Only ids in the query: a page may echo the person's own search back to them.
    ids = [f"{key}={value}" for key, value in form.items() if value.isdigit() and key != "nik"]
    query = "?" + "&".join(ids) if ids else ""
    hidden_prospect = hidden[0].ids["prospect_id"][0] if hidden else 1
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS or rule.endpoint in SKIPPED:
            continue
        allowed = role in rule_for(app, rule.endpoint)
        api = rule.endpoint.startswith("api.")
        headers = {"Authorization": f"Bearer {own.bearer[role]}"} if api else {}
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for owner, values in _fillings(rule, hidden):
                url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m, values=values: str(values[m.group(1)]), rule.rule)
                bodies = [{"data": form}] if method == "GET" else [
                    {"data": form}, {"json": {"id": str(uuid.uuid4()), "prospect_id": hidden_prospect,
                                              "outcome": Outcome.INTERESTED.value}}]
                for body in bodies:
                    response = client.open(url + query, method=method, headers=headers, **body)
                    yield rule, method, url, owner, allowed, response


@pytest.mark.parametrize("code", ["SBO", "BWI"])
@pytest.mark.parametrize("role", list(Role))
def test_no_route_reaches_the_records_of_a_branch_the_person_may_not_see(app, db, worlds, code, role):
    hidden = sorted(HIDDEN[(code, role)])
    before = {other: _state(other) for other in hidden}
    walked = 0
    for _rule, method, url, owner, allowed, response in _walk(app, worlds, code, role):
        where = f"{method} {url} as {role.value} of {code}: {response.status_code}"
        assert response.status_code < 500, where
        if owner is not None:
            assert response.status_code in (403, 404), f"{where} — a record of {owner.code}"
        elif not allowed:
            assert response.status_code == 403, where
        text = _text(response)
        for other in hidden:
            leaked = [marker for marker in worlds[other].markers if marker.lower() in text.lower()]
            assert not leaked, f"{where} shows {other}'s {leaked}"
        walked += 1
    assert {other: _state(other) for other in hidden} == before, "a request changed another branch's records"
    assert walked > 60


def _opens(app, world: World, role: Role, url: str) -> str:
    client = app.test_client()
    client.post("/login", data={"login": world.people[role].login, "password": PASSWORD})
    response = client.get(url)
    assert response.status_code == 200, f"{url} as {role.value} of {world.code}: {response.status_code}"
    return response.get_data(as_text=True)


@pytest.mark.parametrize("code", ["SBO", "BWI"])
def test_each_person_sees_their_own_branch_records(app, db, worlds, code):
    """The other half of the walk: the markers would show where a person may look (so their absence means
    something)."""
    world = worlds[code]
    name = world.lead_name
    for role in (Role.ADMIN, Role.MANAGER, Role.OFFICER):
        assert name in _opens(app, world, role, f"/prospects/{world.ids['prospect_id'][0]}")
        assert name in _opens(app, world, role, "/prospects")
        assert f"Sosialisasi Rahasia {code.title()}" in _opens(app, world, role, f"/events/{world.ids['event_id'][0]}")
    batch = world.ids["batch_id"][0]
    for role in (Role.ADMIN, Role.MANAGER, Role.LIAISON):
        assert name in _opens(app, world, role, f"/leads/{batch}")
        assert f"daftar-rahasia-{code.lower()}-simpan.csv" in _opens(app, world, role, "/leads/")


def test_admins_are_national_and_a_parent_branch_manager_sees_the_branches_under_it(app, db, worlds):
    sbo, bwi = worlds["SBO"], worlds["BWI"]
    assert "Warga Rahasia Bwi" in _opens(app, sbo, Role.ADMIN, f"/prospects/{bwi.ids['prospect_id'][0]}")
    assert "Warga Rahasia Sbo" in _opens(app, bwi, Role.ADMIN, f"/leads/{sbo.ids['batch_id'][0]}")
    assert "Warga Rahasia Sbo" in _opens(app, bwi, Role.MANAGER, f"/prospects/{sbo.ids['prospect_id'][0]}")
    assert "Warga Rahasia Sbo" in _opens(app, bwi, Role.MANAGER, "/participants/lapsed")
    assert "ekspor-rahasia-sbo.csv" in _opens(app, bwi, Role.MANAGER, f"/reconciliation/{sbo.ids['run_id'][0]}")


def test_a_list_naming_a_person_of_another_branch_is_told_so_without_who_they_are(app, db, worlds):
    """NIK and phone are known across Sasar (one person, one prospect), so the row is a duplicate; but the
    name, desa and agency it matched belong to the other branch."""
    sbo, bwi = worlds["SBO"], worlds["BWI"]
    sbo_nik = sbo.form["nik"]
    batch = _lead_list(bwi, bwi.people[Role.LIAISON], "Rogojampi", "Aliyan", "Orang Baru Bwi", sbo_nik, "",
                       commit=True)
    assert batch.duplicate_count == 1
    for role in (Role.LIAISON, Role.ADMIN):
        page = _opens(app, bwi, role, f"/leads/{batch.id}?show=duplicate")
        assert "kantor cabang lain" in page, role
        assert sbo.lead_name not in page and "Kilensari" not in page
