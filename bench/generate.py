"""Builds a believable national data set for the benchmarks, through the fastest path of the database in use.

    .venv/bin/python bench/generate.py --prospects 1000000 --seed 2024 \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_dashboard
    .venv/bin/python bench/generate.py --prospects 100000 --database-url sqlite:////tmp/sasar-bench.sqlite

The database named by the URL is dropped and made again (a PostgreSQL database; an SQLite file). The schema
is built by the real migrations and the reference data loaded as `sasar init` loads them; then:

- 300 branches (BWI and SBO from the reference data, 28 more regional parents, the rest under them), each
  but Situbondo with a kabupaten of 17 kecamatan × 8 desa; Situbondo keeps its real 17 kecamatan and 136 desa;
- per branch 5 officers (each covering 3–4 kecamatan) and a manager; a liaison per agency at Situbondo;
  20 committed lead batches per branch;
- N prospects over the branches, arrived from 1 January 2024 to today: Indonesian names, NIKs coded by the
  kabupaten and kecamatan with the birth date, most with a mobile number in E.164, an occupation and sector
  by the source agency, the stages in the demo's proportions, follow-ups around today for those being worked;
- `--visits-per-prospect` visits per prospect and a registration for each registered prospect, made by SQL
  inside the database.

Rows go in by COPY on PostgreSQL and by `executemany` in large transactions on SQLite (with
`PRAGMA synchronous=OFF` and no foreign-key checks during the load); the secondary indexes of the big
tables are dropped before and built again after, then the statistics are gathered (VACUUM ANALYZE /
ANALYZE). The same seed gives the same people and stages, on the same day the same dates.
"""

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from crm import create_app  # noqa: E402
from crm.demo import AGENCY_WORK, FAMILY, FEMALE, MALE, MOBILE_PREFIXES, STAGE_WEIGHTS  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.models import Agency, Branch, Region, RegionLevel, Stage  # noqa: E402
from crm.reference import load_reference_data  # noqa: E402

JAKARTA = ZoneInfo("Asia/Jakarta")
FIRST_DAY = date(2024, 1, 1)
KECAMATAN_PER_BRANCH, DESA_PER_KECAMATAN, OFFICERS_PER_BRANCH, BATCHES_PER_BRANCH = 17, 8, 5, 20
REGIONAL_PARENTS = 30
MIDDLE = ("Nur", "Abdul", "Dwi", "Tri", "Eka", "Sri", "Budi", "Rahmat", "Hadi", "Indah", "Arif", "Wahyu", "Putri",
          "Sari", "Adi", "Jaya", "Kurnia", "Mulya", "Dian", "Ayu")
VILLAGE_PARTS = ("Krajan", "Karanganyar", "Sumberejo", "Tegal", "Pesisir", "Barat", "Timur", "Tengah")
WORKED = (Stage.CONTACTED, Stage.VISITED, Stage.INTERESTED)
# The bench users never sign in with a password: a hash no password matches.
NO_PASSWORD = "!bench"  # noqa: S105 - not a password
BIG_TABLES = ("prospect", "visit", "registration")
PROSPECT_COLUMNS = ("id", "branch_id", "name", "nik", "phone", "address", "kecamatan_id", "desa_id", "occupation",
                    "business_name", "sector", "stage", "stage_changed_at", "source_agency_id", "lead_batch_id",
                    "assigned_officer_id", "next_follow_up", "consent_basis", "consent_agency_id", "created_at",
                    "updated_at")


def log(message: str) -> None:
    print(message, flush=True)


@dataclass(frozen=True)
class Generated:
    url: str
    prospects: int
    visits: int
    registrations: int
    branches: int
    seconds: float


# --- the database ---------------------------------------------------------------------------------

def recreate_database(url: str) -> None:
    """An empty database at `url`: a PostgreSQL database dropped and created, an SQLite file removed."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        path = Path(parsed.database or "")
        for extra in ("", "-wal", "-shm", "-journal"):
            Path(str(path) + extra).unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        # The name is the bench's own argument, quoted; not user input.
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def upgrade_schema(url: str) -> None:
    """Bring a kept database to the latest migration (new indexes are then built on its rows)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        upgrade()
        db.engine.dispose()


def loaded_counts(url: str) -> dict[str, int] | None:
    """Rows per big table of a database `generate` finished loading, or None (missing, empty, older schema)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if not Path(parsed.database or "").exists():
            return None
    else:
        admin = sa.create_engine(parsed.set(database="postgres"))
        with admin.connect() as connection:
            exists = connection.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                        {"n": parsed.database}).scalar()
        admin.dispose()
        if not exists:
            return None
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            tables = set(sa.inspect(connection).get_table_names())
            if not {"alembic_version", *BIG_TABLES} <= tables:
                return None
            counts = {table: connection.execute(sa.text(f'SELECT count(*) FROM "{table}"')).scalar()  # noqa: S608
                      for table in ("prospect", "visit", "registration", "branch")}
    finally:
        engine.dispose()
    return counts if counts["prospect"] else None


class Loader:
    """Writes rows the fast way of the database: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self, connection):
        self.connection = connection  # a DB-API connection, in a transaction of our own
        self.postgres = type(connection).__module__.startswith("psycopg")

    def rows(self, table: str, columns: Iterable[str], rows: Iterable[tuple]) -> int:
        columns = tuple(columns)
        cursor = self.connection.cursor()
        written = 0
        if self.postgres:
            with cursor.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as copy:
                for chunk in _chunks(rows, 20_000):
                    copy.write("".join("\t".join("\\N" if v is None else str(v) for v in row) + "\n"
                                       for row in chunk))
                    written += len(chunk)
        else:
            marks = ", ".join("?" for _ in columns)
            sql = f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({marks})'  # noqa: S608 - our own names
            for chunk in _chunks(rows, 50_000):
                cursor.executemany(sql, chunk)
                written += len(chunk)
        cursor.close()
        return written

    def execute(self, sql: str, parameters=None) -> None:
        cursor = self.connection.cursor()
        if parameters is None:
            cursor.execute(sql)
        else:
            cursor.execute(sql, parameters)
        cursor.close()

    def scalar(self, sql: str):
        cursor = self.connection.cursor()
        cursor.execute(sql)
        value = cursor.fetchone()[0]
        cursor.close()
        return value


def _chunks(rows: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _secondary_indexes(loader: Loader) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the big tables' indexes that back no constraint."""
    cursor = loader.connection.cursor()
    if loader.postgres:
        cursor.execute("""
            SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i
            JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
            WHERE t.relname = ANY(%s) AND NOT i.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)""", (list(BIG_TABLES),))
    else:
        marks = ", ".join("?" for _ in BIG_TABLES)
        cursor.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608
                       f"AND tbl_name IN ({marks})", BIG_TABLES)
    found = cursor.fetchall()
    cursor.close()
    return found


def _skip_foreign_key_checks(loader: Loader) -> None:
    """The generated rows refer only to rows made before them: with a superuser's rights, skip the per-row
    foreign-key triggers for this session (they would double the load), else keep them."""
    loader.execute("SAVEPOINT replica")
    try:
        loader.execute("SET LOCAL session_replication_role = replica")
    except Exception:  # noqa: BLE001 - not a superuser: load with the checks
        loader.execute("ROLLBACK TO SAVEPOINT replica")
    else:
        loader.execute("RELEASE SAVEPOINT replica")


def _timestamp(moment: datetime) -> str:
    """A UTC moment as both databases read it: naive ISO text (the PostgreSQL session is in UTC)."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")


def _weighted(rng: random.Random, weights: dict, k: int) -> list:
    return rng.choices(list(weights), weights=list(weights.values()), k=k)


# --- the organisation -----------------------------------------------------------------------------

@dataclass
class Organisation:
    branch_ids: list[int]
    nik_code: dict[int, str]  # branch → the 4 digits of its province and kabupaten
    desa_of: dict[int, list[tuple[int, int, str]]]  # branch → (desa, kecamatan, the kecamatan's 2 NIK digits)
    officers_of: dict[int, list[int]]
    officer_of_kecamatan: dict[int, int]
    batches_of: dict[int, list[tuple[int, int]]]  # branch → (batch, agency)
    agency_codes: dict[int, str]


def _next_id(loader: Loader, table: str) -> int:
    return (loader.scalar(f'SELECT coalesce(max(id), 0) FROM "{table}"') or 0) + 1  # noqa: S608 - our own names


def _organisation(loader: Loader, rng: random.Random, branch_count: int, now: str) -> Organisation:
    sbo = db.session.scalar(sa.select(Branch).where(Branch.code == "SBO"))
    agencies = {a.id: a.code for a in db.session.scalars(sa.select(Agency).order_by(Agency.id))}

    first = _next_id(loader, "branch")
    parents = [sbo.parent_id] + list(range(first, first + REGIONAL_PARENTS - 1))
    rows, branch_ids = [], [sbo.parent_id, sbo.id]
    for n, branch_id in enumerate(parents[1:], 2):
        rows.append((branch_id, f"R{n:03d}", f"Regional {n}", None))
        branch_ids.append(branch_id)
    next_id = first + REGIONAL_PARENTS - 1
    while len(branch_ids) < branch_count:
        parent = parents[len(branch_ids) % len(parents)]
        rows.append((next_id, f"B{next_id:04d}", f"Branch {next_id}", parent))
        branch_ids.append(next_id)
        next_id += 1
    loader.rows("branch", ("id", "code", "name", "parent_id"), rows)

    nik_code = {branch_id: f"{11 + n % 80:02d}{1 + n // 80:02d}" for n, branch_id in enumerate(branch_ids)}
    nik_code[sbo.id] = "3512"
    desa_of: dict[int, list[tuple[int, int, str]]] = {}
    kecamatan_of: dict[int, list[int]] = {}
    situbondo = db.session.execute(sa.select(Region.id, Region.parent_id).where(
        Region.branch_id == sbo.id, Region.level == RegionLevel.DESA)).all()
    codes = dict(db.session.execute(sa.select(Region.id, Region.code).where(
        Region.branch_id == sbo.id, Region.level == RegionLevel.KECAMATAN)).all())
    desa_of[sbo.id] = [(d, k, (codes.get(k) or "00")[-2:]) for d, k in situbondo]
    kecamatan_of[sbo.id] = sorted(codes)
    region_id = _next_id(loader, "region")
    rows = []
    for branch_id in branch_ids:
        if branch_id == sbo.id:
            continue
        lat, lng = rng.uniform(-8.5, 3.5), rng.uniform(95.5, 140.5)
        kabupaten = region_id
        rows.append((kabupaten, branch_id, None, "KABUPATEN", f"Kabupaten {branch_id}", 0, f"{lat:.6f}",
                     f"{lng:.6f}"))
        region_id += 1
        desa_of[branch_id], kecamatan_of[branch_id] = [], []
        for k in range(KECAMATAN_PER_BRANCH):
            kecamatan = region_id
            kecamatan_of[branch_id].append(kecamatan)
            rows.append((kecamatan, branch_id, kabupaten, "KECAMATAN", f"Kecamatan {k + 1}", 0,
                         f"{lat + rng.uniform(-.3, .3):.6f}", f"{lng + rng.uniform(-.3, .3):.6f}"))
            region_id += 1
            for d in range(DESA_PER_KECAMATAN):
                rows.append((region_id, branch_id, kecamatan, "DESA", f"Desa {rng.choice(VILLAGE_PARTS)} {k + 1}."
                             f"{d + 1}", 0, None, None))
                desa_of[branch_id].append((region_id, kecamatan, f"{k + 1:02d}"))
                region_id += 1
    loader.rows("region", ("id", "branch_id", "parent_id", "level", "name", "is_kelurahan", "latitude",
                           "longitude"), rows)

    user_id = _next_id(loader, "user")
    rows, officers_of, officer_of_kecamatan, covers = [], {}, {}, []
    for branch_id in branch_ids:
        officers_of[branch_id] = []
        for n in range(OFFICERS_PER_BRANCH):
            rows.append((user_id, f"Officer {branch_id}-{n + 1}", f"officer{user_id}", NO_PASSWORD, "OFFICER",
                         branch_id, None, 1, f"token{user_id}", now))
            officers_of[branch_id].append(user_id)
            for kecamatan in kecamatan_of[branch_id][n::OFFICERS_PER_BRANCH]:
                covers.append((user_id, kecamatan))
                officer_of_kecamatan[kecamatan] = user_id
            user_id += 1
        rows.append((user_id, f"Manager {branch_id}", f"manager{user_id}", NO_PASSWORD, "MANAGER", branch_id, None,
                     1, f"token{user_id}", now))
        user_id += 1
    for agency_id, code in agencies.items():
        rows.append((user_id, f"Liaison {code}", f"liaison-{code.lower()}", NO_PASSWORD, "LIAISON", sbo.id,
                     agency_id, 1, f"token{user_id}", now))
        user_id += 1
    loader.rows("user", ("id", "name", "username", "password_hash", "role", "branch_id", "agency_id", "active",
                         "session_token", "created_at"), rows)
    loader.rows("officer_kecamatan", ("user_id", "region_id"), covers)

    batch_id = _next_id(loader, "lead_batch")
    rows, batches_of = [], {}
    for branch_id in branch_ids:
        batches_of[branch_id] = []
        for _ in range(BATCHES_PER_BRANCH):
            agency = rng.choice(list(agencies))
            rows.append((batch_id, branch_id, agency, "DEMO", "COMMITTED", 0, 0, 0, 0, 0, 0, 0, now, now))
            batches_of[branch_id].append((batch_id, agency))
            batch_id += 1
    loader.rows("lead_batch", ("id", "branch_id", "agency_id", "source", "status", "rows_total", "created_count",
                               "duplicate_count", "possible_duplicate_count", "invalid_count",
                               "unresolved_place_count", "removed_count", "created_at", "committed_at"), rows)
    return Organisation(branch_ids, nik_code, desa_of, officers_of, officer_of_kecamatan, batches_of, agencies)


# --- the people -----------------------------------------------------------------------------------

def _name(rng: random.Random) -> str:
    parts = [rng.choice(MALE if rng.random() < 0.6 else FEMALE)]
    if rng.random() < 0.45:
        parts.append(rng.choice(MIDDLE))
    family = rng.choice(FAMILY)
    if family:
        parts.append(family)
    return " ".join(parts)


def prospect_rows(org: Organisation, count: int, first_id: int, seed: int, today: date) -> Iterator[tuple]:
    """The prospects, deterministic for a seed (see PROSPECT_COLUMNS)."""
    rng = random.Random(seed)
    stages = _weighted(rng, STAGE_WEIGHTS, count)
    origin = datetime.combine(FIRST_DAY, datetime.min.time(), JAKARTA)
    span = (datetime.combine(today, datetime.min.time(), JAKARTA) - origin).total_seconds()  # up to yesterday
    now = datetime.now(UTC)
    work = {agency: AGENCY_WORK[code] for agency, code in org.agency_codes.items() if code in AGENCY_WORK}
    branch_ids = org.branch_ids
    for n in range(count):
        branch_id = branch_ids[rng.randrange(len(branch_ids))]
        desa, kecamatan, kecamatan_digits = rng.choice(org.desa_of[branch_id])
        batch, agency = rng.choice(org.batches_of[branch_id])
        stage = stages[n]
        if rng.random() < 0.85:
            officer = org.officer_of_kecamatan.get(kecamatan)
        else:
            officer = rng.choice(org.officers_of[branch_id]) if rng.random() < 0.3 else None
        created = origin + timedelta(seconds=span * rng.random())
        changed = created if stage is Stage.NEW else min(created + timedelta(days=rng.randint(1, 90)), now)
        born = date(rng.randint(1960, 2004), rng.randint(1, 12), rng.randint(1, 28))
        day = born.day + (40 if rng.random() < 0.45 else 0)
        nik = (f"{org.nik_code[branch_id]}{kecamatan_digits}{day:02d}{born:%m%y}{rng.randint(1, 9999):04d}"
               if rng.random() < 0.9 else None)
        phone = f"+62{rng.choice(MOBILE_PREFIXES)}{rng.randint(1_000_000, 99_999_999)}" if rng.random() < 0.85 \
            else None
        occupation, business, sector = rng.choice(work[agency])
        follow_up = (today + timedelta(days=rng.randint(-20, 14))).isoformat() \
            if stage in WORKED and rng.random() < 0.6 else None
        yield (first_id + n, branch_id, _name(rng), nik, phone,
               f"Dusun {rng.choice(VILLAGE_PARTS)} RT {rng.randint(1, 9):02d}/RW {rng.randint(1, 5):02d}",
               kecamatan, desa, occupation, business, sector.name, stage.name, _timestamp(changed), agency, batch,
               officer, follow_up, "PUBLIC_TASK", agency, _timestamp(created), _timestamp(changed))


# Visits and registrations are made inside the database from the prospects, one statement each; the
# {placeholders} are filled with the bench's own numbers and dates, never input.
# A visit's outcome, decline reason, flag and flag reason, from its prospect and its number (x.id, x.n):
# the same in both dialects.
VISIT_OUTCOME_REASON_FLAG = """CASE (x.id * 7 + x.n * 3) % 6 WHEN 0 THEN 'INTERESTED' WHEN 1 THEN 'NOT_INTERESTED'
                    WHEN 2 THEN 'NOT_AT_HOME' WHEN 3 THEN 'MOVED_AWAY' WHEN 4 THEN 'WRONG_ADDRESS'
                    ELSE 'REGISTERED' END,
               CASE WHEN (x.id * 7 + x.n * 3) % 6 = 1 THEN CASE x.id % 5 WHEN 0 THEN 'CANNOT_AFFORD'
                    WHEN 1 THEN 'ALREADY_COVERED' WHEN 2 THEN 'DOES_NOT_TRUST' WHEN 3 THEN 'ASK_FAMILY'
                    ELSE 'OTHER' END END,
               (x.id + x.n) % 20 = 0, CASE WHEN (x.id + x.n) % 20 = 0 THEN 'far' END"""
VISITS_SQL = {
    "postgresql": """
        WITH bo AS (SELECT branch_id, min(id) AS officer_id FROM "user" WHERE role = 'OFFICER' GROUP BY branch_id)
        INSERT INTO visit (client_uuid, branch_id, prospect_id, officer_id, visited_at, outcome, decline_reason,
                           flagged, flag_reason, created_at)
        SELECT gen_random_uuid(), x.branch_id, x.id, x.officer_id,
               CASE WHEN x.at > now() THEN now() - make_interval(hours => (x.id + x.n) % 72) ELSE x.at END,
               {outcome_reason_flag}, now()
        FROM (SELECT p.id, p.branch_id, g.n, coalesce(p.assigned_officer_id, bo.officer_id) AS officer_id,
                     p.created_at + make_interval(days => g.n * 9 + p.id % 7) AS at
              FROM prospect p JOIN bo ON bo.branch_id = p.branch_id
              CROSS JOIN generate_series(1, {per}) AS g(n)) x""",
    "sqlite": """
        WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {per}),
        bo AS (SELECT branch_id, min(id) AS officer_id FROM "user" WHERE role = 'OFFICER' GROUP BY branch_id)
        INSERT INTO visit (client_uuid, branch_id, prospect_id, officer_id, visited_at, outcome, decline_reason,
                           flagged, flag_reason, created_at)
        SELECT lower(hex(randomblob(16))), x.branch_id, x.id, x.officer_id,
               CASE WHEN x.at > '{now}'
                    THEN strftime('%Y-%m-%d %H:%M:%S', '{now}', '-' || ((x.id + x.n) % 72) || ' hours') || '.000000'
                    ELSE x.at END,
               {outcome_reason_flag}, '{now}'
        FROM (SELECT p.id, p.branch_id, g.n, coalesce(p.assigned_officer_id, bo.officer_id) AS officer_id,
                     strftime('%Y-%m-%d %H:%M:%S', p.created_at, '+' || (g.n * 9 + p.id % 7) || ' days')
                     || '.000000' AS at
              FROM prospect p JOIN bo ON bo.branch_id = p.branch_id CROSS JOIN g) x""",
}
REGISTRATIONS_SQL = {
    "postgresql": """
        INSERT INTO registration (branch_id, prospect_id, kpj, registered_on, jkk, jkm, jht, payer, status,
                                  status_changed_on, officer_id, source_agency_id, lead_batch_id, origin, created_at)
        SELECT branch_id, id, lpad(id::text, 11, '0'),
               least(CAST(timezone('Asia/Jakarta', created_at) AS DATE) + id % 120, DATE '{today}'),
               true, true, id % 3 = 0, 'WORKER', CASE WHEN id % 10 = 0 THEN 'LAPSED' ELSE 'ACTIVE' END,
               CASE WHEN id % 10 = 0 THEN DATE '{today}' END, assigned_officer_id, source_agency_id,
               lead_batch_id, 'SASAR', now()
        FROM prospect WHERE stage = 'REGISTERED'""",
    "sqlite": """
        INSERT INTO registration (branch_id, prospect_id, kpj, registered_on, jkk, jkm, jht, payer, status,
                                  status_changed_on, officer_id, source_agency_id, lead_batch_id, origin, created_at)
        SELECT branch_id, id, substr('00000000000' || id, -11, 11),
               min(date(created_at, '+7 hours', '+' || (id % 120) || ' days'), '{today}'),
               1, 1, id % 3 = 0, 'WORKER', CASE WHEN id % 10 = 0 THEN 'LAPSED' ELSE 'ACTIVE' END,
               CASE WHEN id % 10 = 0 THEN '{today}' END, assigned_officer_id, source_agency_id,
               lead_batch_id, 'SASAR', '{now}'
        FROM prospect WHERE stage = 'REGISTERED'""",
}


def _load(loader: Loader, prospects: int, visits_per_prospect: int, branch_count: int, seed: int,
          progress: Callable[[str], None]) -> None:
    rng = random.Random(seed)
    today = datetime.now(JAKARTA).date()
    now = _timestamp(datetime.now(UTC))
    dialect = "postgresql" if loader.postgres else "sqlite"
    started = time.perf_counter()
    org = _organisation(loader, rng, branch_count, now)
    progress(f"  {len(org.branch_ids)} branches, their places, people and lead batches in "
             f"{time.perf_counter() - started:.1f} s")

    indexes = _secondary_indexes(loader)
    for name, _ in indexes:
        loader.execute(f'DROP INDEX "{name}"')
    started = time.perf_counter()
    first = _next_id(loader, "prospect")
    loader.rows("prospect", PROSPECT_COLUMNS, prospect_rows(org, prospects, first, seed, today))
    progress(f"  {prospects:,} prospects written in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    values = {"per": int(visits_per_prospect), "now": now, "today": today.isoformat(),
              "outcome_reason_flag": VISIT_OUTCOME_REASON_FLAG}
    loader.execute(VISITS_SQL[dialect].format(**values))
    progress(f"  {prospects * visits_per_prospect:,} visits made in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    loader.execute(REGISTRATIONS_SQL[dialect].format(**values))
    progress(f"  registrations made in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    for _, create in indexes:
        loader.execute(create)
    progress(f"  {len(indexes)} indexes built in {time.perf_counter() - started:.1f} s")
    if loader.postgres:
        for table in ("branch", "region", "user", "lead_batch", "prospect"):
            loader.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608
                           f"(SELECT max(id) FROM \"{table}\"))")


def generate(url: str, prospects: int, seed: int = 2024, *, visits_per_prospect: int = 3, branches: int = 300,
             progress: Callable[[str], None] = log) -> Generated:
    """Drop and build the database at `url` with the data set described above; returns what it holds."""
    started = time.perf_counter()
    recreate_database(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        upgrade()
        load_reference_data()
        db.session.commit()
        progress(f"generating {prospects:,} prospects, {visits_per_prospect} visits each, {branches} branches "
                 f"(seed {seed}) into {make_url(url).render_as_string(hide_password=True)}")
        raw = db.engine.raw_connection()
        connection = raw.driver_connection
        loader = Loader(connection)
        try:
            if loader.postgres:
                loader.execute("SET TIME ZONE 'UTC'")
                loader.execute("SET maintenance_work_mem = '1GB'")
                _skip_foreign_key_checks(loader)
            else:
                connection.commit()
                for pragma in ("foreign_keys=OFF", "synchronous=OFF", "cache_size=-1000000", "temp_store=MEMORY"):
                    loader.execute(f"PRAGMA {pragma}")
            _load(loader, prospects, visits_per_prospect, branches, seed, progress)
            connection.commit()
        finally:
            raw.close()
        db.session.remove()  # no transaction left open: VACUUM may then mark every page all-visible
        analyse_started = time.perf_counter()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE"))
        progress(f"  statistics gathered in {time.perf_counter() - analyse_started:.1f} s")
        counts = loaded_counts(url)
        db.engine.dispose()
    elapsed = time.perf_counter() - started
    progress(f"load took {elapsed:.1f} s")
    return Generated(url, counts["prospect"], counts["visit"], counts["registration"], counts["branch"], elapsed)



def median_ms(action, runs: int) -> float:
    """The median wall time of `runs` calls in milliseconds, after one warm-up call."""
    action()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prospects", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_dashboard")
    parser.add_argument("--visits-per-prospect", type=int, default=3)
    parser.add_argument("--branches", type=int, default=300)
    args = parser.parse_args()
    result = generate(args.database_url, args.prospects, args.seed, visits_per_prospect=args.visits_per_prospect,
                      branches=args.branches)
    log(f"data: {result.prospects:,} prospects, {result.visits:,} visits, {result.registrations:,} registrations, "
        f"{result.branches} branches")


if __name__ == "__main__":
    main()
