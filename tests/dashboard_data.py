"""A seeded, randomised branch for the dashboard tests: a few hundred prospects over agencies, kecamatan, desa,
officers, sectors, stages and lead batches, with visits and registrations, spread over three years (so some
fall outside any period asked), a few exactly around midnight in Jakarta on New Year, and a second branch
(Jember, under Banyuwangi like Situbondo) whose figures a Situbondo manager must never see.
"""

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, bindparam, select, text

from crm import reference
from crm.extensions import db
from crm.models import (
    BatchSource,
    BatchStatus,
    Branch,
    DeclineReason,
    LeadBatch,
    Outcome,
    Prospect,
    Region,
    RegionLevel,
    Registration,
    Role,
    Sector,
    Stage,
    User,
    Visit,
)
from tests.factories import make_user

JAKARTA = ZoneInfo("Asia/Jakarta")
STAGES = list(Stage)
STAGE_WEIGHTS = [30, 14, 12, 10, 22, 8, 4]


@dataclass
class Dataset:
    sbo: Branch
    bwi: Branch
    jbr: Branch
    manager: User  # Situbondo
    parent_manager: User  # Banyuwangi, over Situbondo and Jember
    other_manager: User  # Jember
    admin: User
    officers: list[User]
    jbr_officer: User
    liaison: User
    batches: list[LeadBatch] = field(default_factory=list)


def _moment(rng: random.Random, first: datetime, last: datetime) -> datetime:
    return first + (last - first) * rng.random()


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=JAKARTA).astimezone(UTC)


def build(seed: int = 7, prospects: int = 260) -> Dataset:
    rng = random.Random(seed)
    sbo, bwi = reference.branch_by_code("SBO"), reference.branch_by_code("BWI")
    jbr = Branch(code="JBR", name="Jember", parent=bwi)
    db.session.add(jbr)
    db.session.flush()
    kencong = Region(branch=jbr, level=RegionLevel.KECAMATAN, name="Kencong", latitude=-8.28, longitude=113.37)
    db.session.add(kencong)
    db.session.flush()
    cakru = Region(branch=jbr, level=RegionLevel.DESA, name="Cakru", parent=kencong)
    db.session.add(cakru)
    db.session.commit()

    officers = [make_user(Role.OFFICER, f"officer{n}", name=f"Officer {n}") for n in range(1, 4)]
    data = Dataset(
        sbo=sbo, bwi=bwi, jbr=jbr, manager=make_user(Role.MANAGER, "yuli", name="Yuli Astutik"),
        parent_manager=make_user(Role.MANAGER, "bwi-manager"), other_manager=make_user(Role.MANAGER, "jbr-manager"),
        admin=make_user(Role.ADMIN, "dimas"), officers=officers, jbr_officer=make_user(Role.OFFICER, "jbr-officer"),
        liaison=make_user(Role.LIAISON, "ratna", agency_code="DISNAKKAN"))
    for user, branch in ((data.parent_manager, bwi), (data.other_manager, jbr), (data.jbr_officer, jbr)):
        user.branch = branch
    db.session.commit()

    agencies = [reference.agency_by_code(code) for code in ("DPMD", "DISNAKER", "DISNAKKAN", "DINSOS")]
    for n, agency in enumerate(agencies * 2):
        data.batches.append(LeadBatch(branch=sbo, agency=agency, source=BatchSource.UPLOAD,
                                      status=BatchStatus.COMMITTED, filename=f"list-{n}.xlsx"))
    jbr_batch = LeadBatch(branch=jbr, agency=agencies[0], source=BatchSource.UPLOAD, status=BatchStatus.COMMITTED)
    db.session.add_all([*data.batches, jbr_batch])
    db.session.flush()

    desa = db.session.scalars(select(Region).where(Region.branch_id == sbo.id, Region.level == RegionLevel.DESA)
                              .order_by(Region.id)).all()
    places = rng.sample(desa, 25)
    kecamatan = db.session.scalars(select(Region).where(Region.branch_id == sbo.id,
                                                        Region.level == RegionLevel.KECAMATAN)).all()
    first, now = datetime(2023, 7, 1, tzinfo=UTC), datetime.now(UTC) - timedelta(hours=2)
    # Around midnight in Jakarta as 2024 and 2025 begin: which year a lead belongs to is decided there.
    edges = [local_midnight(date(year, 1, 1)) + timedelta(minutes=m) for year in (2024, 2025)
             for m in (-30, -1, 0, 1, 30)]

    people = []
    for n in range(prospects + len(edges)):
        in_jbr = n < prospects and n % 9 == 8
        created = edges[n - prospects] if n >= prospects else _moment(rng, first, now)
        where = rng.random()
        if in_jbr:
            desa_id, kecamatan_id = cakru.id, kencong.id
        elif where < 0.8:
            place = rng.choice(places)
            desa_id, kecamatan_id = place.id, place.parent_id
        elif where < 0.93:
            desa_id, kecamatan_id = None, rng.choice(kecamatan).id
        else:
            desa_id = kecamatan_id = None
        batch = None if in_jbr or rng.random() < 0.2 else rng.choice(data.batches)
        agency = batch.agency if batch else (agencies[0] if in_jbr else rng.choice([*agencies, None]))
        officer = (data.jbr_officer if in_jbr else rng.choice([*officers, None]))
        prospect = Prospect(
            branch_id=jbr.id if in_jbr else sbo.id, name=f"Prospect {n}", kecamatan_id=kecamatan_id,
            desa_id=desa_id, sector=rng.choice(list(Sector)), stage=rng.choices(STAGES, STAGE_WEIGHTS)[0],
            source_agency_id=agency.id if agency else None, lead_batch_id=batch.id if batch else None,
            assigned_officer_id=officer.id if officer else None, created_at=created, stage_changed_at=created)
        people.append(prospect)
    db.session.add_all(people)
    db.session.flush()

    today = datetime.now(JAKARTA).date()
    for prospect in people:
        visitors = [data.jbr_officer] if prospect.branch_id == jbr.id else [*officers, data.manager]
        for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
            outcome = rng.choice(list(Outcome))
            reason = rng.choice([*DeclineReason, None]) if outcome is Outcome.NOT_INTERESTED else None
            db.session.add(Visit(
                branch_id=prospect.branch_id, prospect_id=prospect.id, officer_id=rng.choice(visitors).id,
                visited_at=min(now, prospect.created_at + timedelta(days=rng.uniform(0, 200))), outcome=outcome,
                decline_reason=reason, flagged=rng.random() < 0.15))
        if prospect.stage is Stage.REGISTERED and rng.random() < 0.9:
            arrived = prospect.created_at.astimezone(JAKARTA).date()
            # Mostly after the lead arrived; a few learnt from the core system predate it.
            registered_on = min(today, arrived + timedelta(days=rng.randint(-5, 160)))
            db.session.add(Registration(
                branch_id=prospect.branch_id, prospect_id=prospect.id, kpj=f"{prospect.id:011d}",
                registered_on=registered_on, declared_income=1_000_000, monthly_contribution=16_800,
                officer_id=prospect.assigned_officer_id, source_agency_id=prospect.source_agency_id))
    db.session.commit()
    return data


# --- the figures, counted by hand-written SQL ------------------------------------------------------

ROAD = ("NEW", "CONTACTED", "VISITED", "INTERESTED", "REGISTERED")
OPEN = ("CONTACTED", "VISITED", "INTERESTED")
EXITS = ("DECLINED", "UNREACHABLE")


def period_of(args: dict, today: date) -> tuple[date, date]:
    start = date.fromisoformat(args["from"]) if "from" in args else date(today.year, 1, 1)
    end = date.fromisoformat(args["to"]) if "to" in args else date(start.year, 12, 31)
    return start, end


def where(branch_ids: list[int], args: dict, today: date, *, period: bool = True, officer: bool = True):
    """(SQL condition on prospect p, parameters) for the dashboard's arguments."""
    conditions = [f"p.branch_id IN ({', '.join(str(int(b)) for b in branch_ids)})"]
    params: dict = {}
    if period:
        start, end = period_of(args, today)
        conditions += ["p.created_at >= :lo", "p.created_at < :hi"]
        params |= {"lo": local_midnight(start), "hi": local_midnight(end + timedelta(days=1))}
    for arg, column in (("branch", "branch_id"), ("agency", "source_agency_id"), ("kecamatan", "kecamatan_id"),
                        ("desa", "desa_id"), ("batch", "lead_batch_id"), ("officer", "assigned_officer_id")):
        if arg in args and (officer or arg != "officer"):
            conditions.append(f"p.{column} = :{arg}")
            params[arg] = int(args[arg])
    if "sector" in args:
        conditions.append("p.sector = :sector")
        params["sector"] = Sector(args["sector"]).name
    return " AND ".join(conditions), params


def run(sql: str, params: dict):
    statement = text(sql)
    for name in ("lo", "hi"):
        if f":{name}" in sql:
            statement = statement.bindparams(bindparam(name, type_=DateTime()))
    return db.session.execute(statement, params).all()


def _as_utc(value) -> datetime:
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _as_date(value) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


@dataclass
class Expected:
    counts: dict[str, int]
    reached: dict[str, int]
    total: int
    median: float | None
    timed: int
    agency: dict[str, tuple]
    kecamatan: dict[str, tuple]
    sector: dict[str, tuple]
    officer: dict[str, tuple]
    outcomes: dict[str, int]
    reasons: dict[str, int]
    weeks: float


MIX = ("SELECT {key}, count(*), sum(CASE WHEN p.stage = 'NEW' THEN 1 ELSE 0 END), "
       "sum(CASE WHEN p.stage IN ('CONTACTED', 'VISITED', 'INTERESTED') THEN 1 ELSE 0 END), "
       "sum(CASE WHEN p.stage = 'REGISTERED' THEN 1 ELSE 0 END), "
       "sum(CASE WHEN p.stage IN ('DECLINED', 'UNREACHABLE') THEN 1 ELSE 0 END) "
       "FROM prospect p WHERE {where} GROUP BY {key}")


def _key(value) -> str:
    return "none" if value is None else str(value)


def expected(branch_ids: list[int], args: dict, today: date) -> Expected:
    """Every figure of the dashboard for `args`, counted straight from the tables."""
    cond, params = where(branch_ids, args, today)
    counts = dict.fromkeys((s.name for s in Stage), 0) | {
        stage: n for stage, n in run(f"SELECT p.stage, count(*) FROM prospect p WHERE {cond} GROUP BY p.stage",
                                     params)}
    reached = {}
    for index, stage in enumerate(ROAD):
        later = ", ".join(f"'{s}'" for s in ROAD[index:])
        reached[stage] = run(f"SELECT count(*) FROM prospect p WHERE {cond} AND p.stage IN ({later})", params)[0][0]
    total = run(f"SELECT count(*) FROM prospect p WHERE {cond}", params)[0][0]
    pairs = run("SELECT p.created_at, r.registered_on FROM prospect p JOIN registration r ON r.prospect_id = p.id "
                f"WHERE {cond} AND p.stage = 'REGISTERED'", params)
    days = sorted((_as_date(on) - _as_utc(at).astimezone(JAKARTA).date()).days for at, on in pairs)
    median = None
    if days:
        middle = len(days) // 2
        median = float(days[middle]) if len(days) % 2 else (days[middle - 1] + days[middle]) / 2

    def mix(key: str) -> dict[str, tuple]:
        rows = run(MIX.format(key=key, where=cond), params)
        return {_key(row[0]): tuple(int(v) for v in row[1:]) for row in rows}

    sector = {Sector[k].value: v for k, v in mix("p.sector").items()}
    assigned = run(f"SELECT p.assigned_officer_id, count(*), sum(CASE WHEN p.stage = 'REGISTERED' THEN 1 ELSE 0 END) "
                   f"FROM prospect p WHERE {cond} GROUP BY p.assigned_officer_id", params)
    start, end = period_of(args, today)
    visit_cond, visit_params = where(branch_ids, args, today, period=False, officer=False)
    visit_cond += " AND v.visited_at >= :lo AND v.visited_at < :hi"
    visit_params |= {"lo": local_midnight(start), "hi": local_midnight(end + timedelta(days=1))}
    if "officer" in args:
        visit_cond += " AND v.officer_id = :officer"
        visit_params["officer"] = int(args["officer"])
    made = run("SELECT v.officer_id, count(*), sum(CASE WHEN v.flagged THEN 1 ELSE 0 END) FROM visit v "
               f"JOIN prospect p ON p.id = v.prospect_id WHERE {visit_cond} GROUP BY v.officer_id", visit_params)
    officers: dict[str, list] = {}
    for key, leads, registered in assigned:
        officers.setdefault(_key(key), [0, 0, 0, 0])[:2] = [int(leads), int(registered)]
    for key, visits, flagged in made:
        officers.setdefault(_key(key), [0, 0, 0, 0])[2:] = [int(visits), int(flagged)]
    outcomes = dict.fromkeys((o.value for o in Outcome), 0) | {
        Outcome[o].value: n for o, n in run(f"SELECT v.outcome, count(*) FROM visit v JOIN prospect p ON "
                                             f"p.id = v.prospect_id WHERE {visit_cond} GROUP BY v.outcome",
                                             visit_params)}
    reasons = {(DeclineReason[r].value if r else "none"): n for r, n in run(
        f"SELECT v.decline_reason, count(*) FROM visit v JOIN prospect p ON p.id = v.prospect_id WHERE {visit_cond} "
        "AND v.outcome = 'NOT_INTERESTED' GROUP BY v.decline_reason", visit_params)}
    return Expected(
        counts={Stage[k].value: v for k, v in counts.items()}, reached={Stage[k].value: v for k, v in reached.items()},
        total=total, median=median, timed=len(days), agency=mix("p.source_agency_id"),
        kecamatan=mix("p.kecamatan_id"), sector=sector, officer={k: tuple(v) for k, v in officers.items()},
        outcomes=outcomes, reasons=reasons, weeks=((min(end, today) - start).days + 1) / 7)
