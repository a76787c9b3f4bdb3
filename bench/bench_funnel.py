"""How fast the dashboard's funnel answers at national scale, against the bare SQL aggregate in the same run.

    .venv/bin/python bench/bench_funnel.py [--prospects 1000000] [--visits-per-prospect 3] [--branches 300]
        [--runs 7] [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/] [--database bench_dashboard]
        [--reuse]

1. Builds a dedicated PostgreSQL database (dropped and created again unless `--reuse` finds it loaded):
   the schema through the real migrations, the reference data, then 300 branches (30 regional parents with
   their children), 17 kecamatan × 8 desa and 5 officers per branch, 20 lead batches per branch, N prospects
   over three years (COPY), 3 visits per prospect and a registration per registered prospect (INSERT … SELECT
   with generate_series), then VACUUM ANALYZE. It prints how long the load took.
2. Times `crm.dashboard.funnel.funnel` — what the dashboard and `GET /api/v1/stats/funnel` call: the stage
   counts and the days-to-registration histogram — for an admin with no filter and with each single filter,
   and for a branch manager and a parent-branch manager; beside it, in the same run and with the same WHERE,
   the bare aggregate `SELECT stage, count(*) FROM prospect WHERE … GROUP BY stage` sent through the driver
   with no ORM. Median of `--runs` runs after one warm-up; prints both in ms and their ratio.
3. Prints EXPLAIN (ANALYZE, BUFFERS) of the funnel's two queries with no filter.
"""

import argparse
import io
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402

from crm import create_app  # noqa: E402
from crm.dashboard.filters import DashboardFilter  # noqa: E402
from crm.dashboard.funnel import days_between, funnel  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.models import Agency, Branch, Prospect, Region, RegionLevel, Registration, Role, Sector, Stage, User  # noqa: E402
from crm.prospects.listing import filter_clauses  # noqa: E402
from crm.reference import load_reference_data  # noqa: E402

TZ = ZoneInfo("Asia/Jakarta")
FIRST_DAY, LAST_DAY = date(2024, 1, 1), date(2026, 11, 24)
STAGE_WEIGHTS = {Stage.NEW: 34, Stage.CONTACTED: 14, Stage.VISITED: 12, Stage.INTERESTED: 10,
                 Stage.REGISTERED: 20, Stage.DECLINED: 7, Stage.UNREACHABLE: 3}
SECTOR_WEIGHTS = {Sector.FISHING: 18, Sector.FARMING: 24, Sector.LIVESTOCK: 10, Sector.TRADE_SERVICES: 22,
                  Sector.INDUSTRY: 8, Sector.TRANSPORT: 8, Sector.OTHER: 10}
KECAMATAN_PER_BRANCH, DESA_PER_KECAMATAN, OFFICERS_PER_BRANCH, BATCHES_PER_BRANCH = 17, 8, 5, 20
REGIONAL_PARENTS = 30
# A password hash nobody can sign in with: the bench users never sign in.
NO_PASSWORD = "!bench"  # noqa: S105 - not a password: a hash no password matches


def log(message: str) -> None:
    print(message, flush=True)


# Table names below are the bench's own constants, never input.
def _next_id(connection, table: str) -> int:
    return (connection.execute(sa.text(f'SELECT coalesce(max(id), 0) FROM "{table}"')).scalar() or 0) + 1  # noqa: S608


def _reset_sequences(connection, tables: list[str]) -> None:
    for table in tables:
        sql = f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT max(id) FROM \"{table}\"))"  # noqa: S608
        connection.execute(sa.text(sql))


def _copy(connection, table: str, columns: list[str], lines) -> None:
    """Stream tab-separated lines into `table` with COPY."""
    cursor = connection.connection.dbapi_connection.cursor()
    with cursor.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as copy:
        buffer = io.StringIO()
        for n, line in enumerate(lines, 1):
            buffer.write(line)
            if n % 50_000 == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())


def _weighted(rng: random.Random, weights: dict, k: int) -> list:
    return rng.choices(list(weights), weights=list(weights.values()), k=k)


def load(prospects: int, visits_per_prospect: int, branch_count: int, seed: int) -> None:
    rng = random.Random(seed)
    now = datetime.now(UTC).isoformat()
    with db.engine.begin() as connection:
        sbo = connection.execute(sa.select(Branch.id).where(Branch.code == "SBO")).scalar_one()
        bwi = connection.execute(sa.select(Branch.id).where(Branch.code == "BWI")).scalar_one()
        agencies = list(connection.execute(sa.select(Agency.id)).scalars())

        # Branches: BWI and 29 more regional parents, each with children, SBO among BWI's.
        first = _next_id(connection, "branch")
        parents = [bwi] + list(range(first, first + REGIONAL_PARENTS - 1))
        rows, branch_ids = [], [bwi, sbo]
        for n, branch_id in enumerate(parents[1:], 2):
            rows.append(f"{branch_id}\tR{n:03d}\tRegional {n}\t\\N\n")
            branch_ids.append(branch_id)
        next_id = first + REGIONAL_PARENTS - 1
        while len(branch_ids) < branch_count:
            parent = parents[len(branch_ids) % len(parents)]
            rows.append(f"{next_id}\tB{next_id:04d}\tBranch {next_id}\t{parent}\n")
            branch_ids.append(next_id)
            next_id += 1
        _copy(connection, "branch", ["id", "code", "name", "parent_id"], rows)

        # Places: SBO keeps Situbondo; every other branch gets a kabupaten of 17 kecamatan × 8 desa.
        desa_of: dict[int, list[tuple[int, int]]] = {}
        sbo_regions = connection.execute(sa.select(Region.id, Region.parent_id).where(
            Region.branch_id == sbo, Region.level == RegionLevel.DESA)).all()
        desa_of[sbo] = [(d, k) for d, k in sbo_regions]
        region_id = _next_id(connection, "region")
        rows = []
        for branch_id in branch_ids:
            if branch_id == sbo:
                continue
            lat, lng = rng.uniform(-8.5, 3.5), rng.uniform(95.5, 140.5)
            kabupaten = region_id
            rows.append(f"{kabupaten}\t{branch_id}\t\\N\tKABUPATEN\tKabupaten {branch_id}\tf\t{lat:.6f}\t{lng:.6f}\n")
            region_id += 1
            desa_of[branch_id] = []
            for k in range(KECAMATAN_PER_BRANCH):
                kecamatan = region_id
                rows.append(f"{kecamatan}\t{branch_id}\t{kabupaten}\tKECAMATAN\tKecamatan {k + 1}\tf\t"
                            f"{lat + rng.uniform(-.3, .3):.6f}\t{lng + rng.uniform(-.3, .3):.6f}\n")
                region_id += 1
                for d in range(DESA_PER_KECAMATAN):
                    rows.append(f"{region_id}\t{branch_id}\t{kecamatan}\tDESA\tDesa {k + 1}.{d + 1}\tf\t\\N\t\\N\n")
                    desa_of[branch_id].append((region_id, kecamatan))
                    region_id += 1
        _copy(connection, "region", ["id", "branch_id", "parent_id", "level", "name", "is_kelurahan", "latitude",
                                     "longitude"], rows)

        # People and batches.
        user_id = _next_id(connection, "user")
        rows, officers_of = [], {}
        for branch_id in branch_ids:
            officers_of[branch_id] = []
            for n in range(OFFICERS_PER_BRANCH):
                rows.append(f"{user_id}\tOfficer {branch_id}-{n + 1}\tofficer{user_id}\t{NO_PASSWORD}\tOFFICER\t"
                            f"{branch_id}\tt\ttoken{user_id}\t{now}\n")
                officers_of[branch_id].append(user_id)
                user_id += 1
        _copy(connection, "user", ["id", "name", "username", "password_hash", "role", "branch_id", "active",
                                   "session_token", "created_at"], rows)
        batch_id = _next_id(connection, "lead_batch")
        rows, batches_of = [], {}
        for branch_id in branch_ids:
            batches_of[branch_id] = []
            for _ in range(BATCHES_PER_BRANCH):
                agency = rng.choice(agencies)
                rows.append(f"{batch_id}\t{branch_id}\t{agency}\tDEMO\tCOMMITTED\t0\t0\t0\t0\t0\t0\t0\t{now}\n")
                batches_of[branch_id].append((batch_id, agency))
                batch_id += 1
        _copy(connection, "lead_batch", ["id", "branch_id", "agency_id", "source", "status", "rows_total",
                                         "created_count", "duplicate_count", "possible_duplicate_count",
                                         "invalid_count", "unresolved_place_count", "removed_count", "created_at"],
              rows)
        _reset_sequences(connection, ["branch", "region", "user", "lead_batch"])

    # Prospects by COPY.
    started = time.perf_counter()
    span = (datetime.combine(LAST_DAY, datetime.min.time(), TZ) - datetime.combine(FIRST_DAY, datetime.min.time(), TZ))
    origin = datetime.combine(FIRST_DAY, datetime.min.time(), TZ).astimezone(UTC)
    stages = _weighted(rng, STAGE_WEIGHTS, prospects)
    sectors = _weighted(rng, SECTOR_WEIGHTS, prospects)

    def prospect_lines():
        for n in range(prospects):
            branch_id = branch_ids[rng.randrange(len(branch_ids))]
            desa, kecamatan = rng.choice(desa_of[branch_id])
            batch, agency = rng.choice(batches_of[branch_id])
            officer = rng.choice(officers_of[branch_id]) if rng.random() < 0.9 else "\\N"
            created = (origin + span * rng.random()).isoformat()
            yield (f"{branch_id}\tProspect {n}\t{kecamatan}\t{desa}\t{sectors[n].name}\t{stages[n].name}\t{created}\t"
                   f"{agency}\t{batch}\t{officer}\t{created}\t{created}\n")

    with db.engine.begin() as connection:
        _copy(connection, "prospect", ["branch_id", "name", "kecamatan_id", "desa_id", "sector", "stage",
                                       "stage_changed_at", "source_agency_id", "lead_batch_id",
                                       "assigned_officer_id", "created_at", "updated_at"], prospect_lines())
    log(f"  prospects copied in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    with db.engine.begin() as connection:
        connection.execute(sa.text("""
            CREATE TEMP TABLE branch_officer AS
            SELECT branch_id, min(id) AS officer_id FROM "user" WHERE role = 'OFFICER' GROUP BY branch_id"""))
        connection.execute(sa.text("""
            INSERT INTO visit (client_uuid, branch_id, prospect_id, officer_id, visited_at, outcome, decline_reason,
                               flagged, flag_reason, created_at)
            SELECT gen_random_uuid(), p.branch_id, p.id, coalesce(p.assigned_officer_id, bo.officer_id),
                   p.created_at + make_interval(days => g * 9 + (p.id % 7)),
                   (ARRAY['INTERESTED','NOT_INTERESTED','NOT_AT_HOME','MOVED_AWAY','WRONG_ADDRESS',
                          'REGISTERED'])[x.o],
                   CASE WHEN x.o = 2 THEN (ARRAY['CANNOT_AFFORD','ALREADY_COVERED','DOES_NOT_TRUST','ASK_FAMILY',
                                                 'OTHER'])[1 + (p.id % 5)] END,
                   ((p.id + g) % 20 = 0), CASE WHEN (p.id + g) % 20 = 0 THEN 'far' END, now()
            FROM prospect p JOIN branch_officer bo ON bo.branch_id = p.branch_id
            CROSS JOIN generate_series(1, :per_prospect) g
            CROSS JOIN LATERAL (SELECT 1 + ((p.id * 7 + g * 3) % 6) AS o) x"""), {"per_prospect": visits_per_prospect})
    log(f"  visits inserted in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    with db.engine.begin() as connection:
        connection.execute(sa.text("""
            INSERT INTO registration (branch_id, prospect_id, kpj, registered_on, jkk, jkm, jht, payer, status,
                                      status_changed_on, officer_id, source_agency_id, lead_batch_id, origin,
                                      created_at)
            SELECT branch_id, id, lpad(id::text, 11, '0'),
                   least(CAST(timezone('Asia/Jakarta', created_at) AS DATE) + (id % 120), CAST(:last_day AS DATE)),
                   true, true, id % 3 = 0, 'WORKER', CASE WHEN id % 10 = 0 THEN 'LAPSED' ELSE 'ACTIVE' END,
                   CASE WHEN id % 10 = 0 THEN CAST(:last_day AS DATE) END, assigned_officer_id, source_agency_id,
                   lead_batch_id, 'SASAR', now()
            FROM prospect WHERE stage = 'REGISTERED'"""), {"last_day": LAST_DAY})
    log(f"  registrations inserted in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("VACUUM ANALYZE"))
    log(f"  VACUUM ANALYZE in {time.perf_counter() - started:.1f} s")


def prepare_database(server: str, name: str, reuse: bool) -> tuple[str, bool]:
    """The benchmark database's URL, and whether it must be loaded."""
    url = server.rstrip("/") + "/" + name
    admin = sa.create_engine(server.rstrip("/") + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar()
        if exists and reuse:
            admin.dispose()
            return url, False
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url, True


def _median_ms(action, runs: int) -> float:
    action()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _literal_sql(statement) -> str:
    return str(statement.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))


def _stage_query(user, flt):
    clauses = filter_clauses(user, flt.prospect_filter(TZ))
    return sa.select(Prospect.stage, sa.func.count()).where(*clauses).group_by(Prospect.stage)


def _days_query(user, flt):
    clauses = filter_clauses(user, flt.prospect_filter(TZ))
    days = days_between(Registration.registered_on, Prospect.created_at, TZ)
    return (sa.select(days, sa.func.count()).select_from(Prospect)
            .join(Registration, Registration.prospect_id == Prospect.id)
            .where(*clauses, Prospect.stage == Stage.REGISTERED).group_by(days))


def _user(role: Role, branch_id: int, name: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.username == name))
    if user is None:
        user = User(name=name, username=name, password_hash=NO_PASSWORD, role=role, branch_id=branch_id)
        db.session.add(user)
        db.session.commit()
    return user


def benchmark(runs: int) -> None:
    sbo = db.session.scalar(sa.select(Branch).where(Branch.code == "SBO"))
    admin = _user(Role.ADMIN, sbo.id, "bench-admin")
    manager = _user(Role.MANAGER, sbo.id, "bench-manager")
    parent_manager = _user(Role.MANAGER, sbo.parent_id, "bench-parent-manager")
    some = db.session.execute(sa.text("""
        SELECT branch_id, source_agency_id, kecamatan_id, desa_id, assigned_officer_id, lead_batch_id
        FROM prospect WHERE assigned_officer_id IS NOT NULL ORDER BY id LIMIT 1 OFFSET 12345""")).one()
    agency = db.session.scalar(sa.select(Agency.id).where(Agency.code == "DISNAKKAN"))
    whole = DashboardFilter(date(2024, 1, 1), date(2026, 12, 31))
    today = datetime.now(TZ).date()
    cases = [
        ("no filter (whole history)", admin, whole),
        ("period: this year (the default)", admin, DashboardFilter.whole_year(today.year)),
        ("period: one month", admin, DashboardFilter(date(2025, 6, 1), date(2025, 6, 30))),
        ("branch", admin, DashboardFilter(whole.start, whole.end, branch_id=some.branch_id)),
        ("source agency (1 of 4)", admin, DashboardFilter(whole.start, whole.end, agency_id=agency)),
        ("kecamatan", admin, DashboardFilter(whole.start, whole.end, kecamatan_id=some.kecamatan_id)),
        ("desa", admin, DashboardFilter(whole.start, whole.end, desa_id=some.desa_id)),
        ("officer", admin, DashboardFilter(whole.start, whole.end, officer_id=some.assigned_officer_id)),
        ("sector (fishing)", admin, DashboardFilter(whole.start, whole.end, sector=Sector.FISHING)),
        ("lead batch", admin, DashboardFilter(whole.start, whole.end, batch_id=some.lead_batch_id)),
        ("branch manager, no filter", manager, whole),
        ("parent-branch manager, no filter", parent_manager, whole),
    ]
    raw = db.engine.raw_connection()
    cursor = raw.cursor()
    log(f"\n{'case':<36} {'prospects':>10} {'funnel ms':>10} {'bare ms':>9} {'ratio':>6}")
    for label, user, flt in cases:
        result = funnel(user, flt, TZ)
        db.session.rollback()
        funnel_ms = _median_ms(lambda u=user, f=flt: (funnel(u, f, TZ), db.session.rollback()), runs)
        bare_sql = _literal_sql(_stage_query(user, flt))
        db.session.rollback()

        def bare(sql=bare_sql):
            cursor.execute(sql)
            cursor.fetchall()
        bare_ms = _median_ms(bare, runs)
        raw.rollback()
        log(f"{label:<36} {result.total:>10,} {funnel_ms:>10.1f} {bare_ms:>9.1f} {funnel_ms / bare_ms:>6.2f}")

    for title, query in (("stage counts", _stage_query(admin, whole)), ("days to registration",
                                                                         _days_query(admin, whole))):
        sql = _literal_sql(query)
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        log(f"\nEXPLAIN ANALYZE — funnel {title}, no filter:\n{sql}\n")
        log("\n".join(row[0] for row in cursor.fetchall()))
        raw.rollback()
    db.session.rollback()
    cursor.execute("SELECT (SELECT count(*) FROM prospect), (SELECT count(*) FROM visit), "
                   "(SELECT count(*) FROM registration), (SELECT count(*) FROM branch)")
    counts = cursor.fetchone()
    log(f"\ndata: {counts[0]:,} prospects, {counts[1]:,} visits, {counts[2]:,} registrations, {counts[3]} branches")
    raw.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prospects", type=int, default=1_000_000)
    parser.add_argument("--visits-per-prospect", type=int, default=3)
    parser.add_argument("--branches", type=int, default=300)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/")
    parser.add_argument("--database", default="bench_dashboard")
    parser.add_argument("--reuse", action="store_true", help="keep an existing benchmark database as it is")
    args = parser.parse_args()

    url, fresh = prepare_database(args.postgres, args.database, args.reuse)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        if fresh:
            started = time.perf_counter()
            upgrade()
            load_reference_data()
            log(f"loading {args.prospects:,} prospects, {args.visits_per_prospect} visits each, "
                f"{args.branches} branches into {args.database}")
            load(args.prospects, args.visits_per_prospect, args.branches, args.seed)
            log(f"load took {time.perf_counter() - started:.1f} s")
        else:
            log(f"reusing {args.database}")
        benchmark(args.runs)
        db.engine.dispose()


if __name__ == "__main__":
    main()
