"""How fast the dashboard's funnel and breakdowns answer at national scale, against bare SQL in the same run.

    .venv/bin/python bench/bench_funnel.py [--prospects 1000000] [--visits-per-prospect 3] [--branches 300]
        [--runs 7] [--seed 2024] [--postgres postgresql+psycopg://postgres@127.0.0.1:5432/] [--database bench_dashboard]
        [--sqlite-url sqlite:////tmp/sasar-bench/dashboard.sqlite] [--only sqlite|postgresql] [--reuse]

1. Builds each database with bench/generate.py (the schema through the real migrations, the reference data,
   300 branches, N prospects over three years, 3 visits each, a registration per registered prospect: COPY on
   PostgreSQL, executemany on SQLite), unless `--reuse` finds it loaded; prints how long the load took.
2. Times `crm.dashboard.funnel.funnel` — what the dashboard and `GET /api/v1/stats/funnel` call: the stage
   counts and the days-to-registration histogram — for an admin with no filter and with each single filter,
   and for a branch manager and a parent-branch manager; beside it, in the same run and with the same WHERE,
   the two bare aggregates the funnel needs — `SELECT stage, count(*) FROM prospect WHERE … GROUP BY stage` and
   the days from arrival to registration grouped by value — sent through the driver with no ORM. Median of
   `--runs` runs after one warm-up; prints both in ms and their ratio.
3. Times each breakdown of crm/dashboard/breakdowns.py (by agency, kecamatan, sector, officer; visits by
   outcome and reason) and all the dashboard's tables together (`build_tables`, what /dashboard computes)
   against their bare GROUP BY aggregates, for the same users.
4. Prints the query plans of the funnel's two queries with no filter (EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL,
   EXPLAIN QUERY PLAN on SQLite).
"""

import argparse
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate, loaded_counts, median_ms, upgrade_schema  # noqa: E402

from crm import create_app  # noqa: E402
from crm.dashboard import breakdowns  # noqa: E402
from crm.dashboard.filters import DashboardFilter, filter_options  # noqa: E402
from crm.dashboard.funnel import days_between, funnel  # noqa: E402
from crm.dashboard.tables import DashboardQuery, build_tables  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.models import (  # noqa: E402
    Agency,
    Branch,
    DeclineReason,
    Outcome,
    Prospect,
    Registration,
    Role,
    Sector,
    Stage,
    User,
    Visit,
)
from crm.prospects.listing import filter_clauses  # noqa: E402
from crm.prospects.scope import visible_branch_ids  # noqa: E402

TZ = ZoneInfo("Asia/Jakarta")
# A password hash nobody can sign in with: the bench users never sign in.
NO_PASSWORD = "!bench"  # noqa: S105 - not a password: a hash no password matches


def log(message: str) -> None:
    print(message, flush=True)



def _literal_sql(statement) -> str:
    return str(statement.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))


def _stage_query(user, flt):
    clauses = filter_clauses(user, flt.prospect_filter(TZ))
    return sa.select(Prospect.stage, sa.func.count()).where(*clauses).group_by(Prospect.stage)


def _days_query(user, flt):
    clauses = filter_clauses(user, flt.prospect_filter(TZ))
    days = days_between(Registration.registered_on, Prospect.created_at, TZ)
    return (sa.select(days, sa.func.count()).select_from(Prospect)
            .join(Registration, Registration.prospect_id == Prospect.id)
            .where(*clauses, Prospect.stage == Stage.REGISTERED).group_by(days))


def _mix_query(user, flt, column):
    """A breakdown's aggregate as the app sends it (a count per stage as columns), read bare."""
    clauses = filter_clauses(user, flt.prospect_filter(TZ))
    return sa.select(column, *breakdowns.stage_columns()).where(*clauses).group_by(column)


def _officer_queries(user, flt):
    visits = breakdowns.visits_in_period(user, flt, TZ, Visit.officer_id, sa.func.count(),
                                         sa.func.count().filter(Visit.flagged)).group_by(Visit.officer_id)
    return [_mix_query(user, flt, Prospect.assigned_officer_id), visits]


def _outcome_query(user, flt):
    return (breakdowns.visits_in_period(user, flt, TZ, Visit.outcome, Visit.decline_reason, sa.func.count())
            .group_by(Visit.outcome, Visit.decline_reason))


def _user(role: Role, branch_id: int, name: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.username == name))
    if user is None:
        user = User(name=name, username=name, password_hash=NO_PASSWORD, role=role, branch_id=branch_id)
        db.session.add(user)
        db.session.commit()
    return user


class Bare:
    """Literal SQL sent through the driver, with no ORM."""

    def __init__(self):
        self.raw = db.engine.raw_connection()
        self.cursor = self.raw.cursor()

    def timer(self, statements: list) -> callable:
        sql = [_literal_sql(statement) for statement in statements]
        db.session.rollback()

        def run():
            for text in sql:
                self.cursor.execute(text)
                self.cursor.fetchall()
        return run

    def median_ms(self, statements: list, runs: int) -> float:
        result = median_ms(self.timer(statements), runs)
        self.raw.rollback()
        return result


def _funnel_cases(admin, manager, parent_manager):
    some = db.session.execute(sa.text("""
        SELECT branch_id, source_agency_id, kecamatan_id, desa_id, assigned_officer_id, lead_batch_id
        FROM prospect WHERE assigned_officer_id IS NOT NULL ORDER BY id LIMIT 1 OFFSET 12345""")).one()
    agency = db.session.scalar(sa.select(Agency.id).where(Agency.code == "DISNAKKAN"))
    whole = DashboardFilter(date(2024, 1, 1), date(2026, 12, 31))
    today = datetime.now(TZ).date()
    return [
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


def _breakdowns(user, flt, today):
    outcome_labels = {o: o.value for o in Outcome}
    reason_labels = {r: r.value for r in DeclineReason}
    return [
        ("agency", lambda: breakdowns.by_agency(user, flt, TZ, {}, "none"),
         [_mix_query(user, flt, Prospect.source_agency_id)]),
        ("kecamatan", lambda: breakdowns.by_kecamatan(user, flt, TZ, {}, "none"),
         [_mix_query(user, flt, Prospect.kecamatan_id)]),
        ("sector", lambda: breakdowns.by_sector(user, flt, TZ, {s: s.value for s in Sector}),
         [_mix_query(user, flt, Prospect.sector)]),
        ("officer", lambda: breakdowns.by_officer(user, flt, TZ, today, "none"), _officer_queries(user, flt)),
        ("visit outcomes and reasons",
         lambda: breakdowns.visit_outcomes(user, flt, TZ, outcome_labels, reason_labels, "none"),
         [_outcome_query(user, flt)]),
    ]


def benchmark(label: str, runs: int) -> None:
    dialect = db.engine.dialect.name
    sbo = db.session.scalar(sa.select(Branch).where(Branch.code == "SBO"))
    admin = _user(Role.ADMIN, sbo.id, "bench-admin")
    manager = _user(Role.MANAGER, sbo.id, "bench-manager")
    parent_manager = _user(Role.MANAGER, sbo.parent_id, "bench-parent-manager")
    cases = _funnel_cases(admin, manager, parent_manager)
    bare = Bare()
    worst = 0.0
    log(f"\n{label}: funnel (crm.dashboard.funnel.funnel) against its two bare aggregates (stages, days)")
    log(f"{'case':<36} {'prospects':>10} {'funnel ms':>10} {'bare ms':>9} {'ratio':>6}")
    for case, user, flt in cases:
        result = funnel(user, flt, TZ)
        db.session.rollback()
        funnel_ms = median_ms(lambda u=user, f=flt: (funnel(u, f, TZ), db.session.rollback()), runs)
        bare_ms = bare.median_ms([_stage_query(user, flt), _days_query(user, flt)], runs)
        worst = max(worst, funnel_ms)
        log(f"{case:<36} {result.total:>10,} {funnel_ms:>10.1f} {bare_ms:>9.1f} {funnel_ms / bare_ms:>6.2f}")

    today = datetime.now(TZ).date()
    log(f"\n{label}: breakdowns (crm/dashboard/breakdowns.py) against their bare GROUP BY aggregates")
    log(f"{'case':<36} {'breakdown':<28} {'rows':>5} {'app ms':>8} {'bare ms':>8} {'ratio':>6}")
    for case, user, flt in (cases[0], cases[1], cases[-2], cases[-1]):
        for name, call, statements in _breakdowns(user, flt, today):
            rows = call()
            db.session.rollback()
            app_ms = median_ms(lambda c=call: (c(), db.session.rollback()), runs)
            bare_ms = bare.median_ms(statements, runs)
            worst = max(worst, app_ms)
            shown = len(rows[0]) if isinstance(rows, tuple) else len(rows)
            log(f"{case:<36} {name:<28} {shown:>5} {app_ms:>8.1f} {bare_ms:>8.1f} {app_ms / bare_ms:>6.2f}")
        branch_ids = visible_branch_ids(user)
        query = DashboardQuery(user, flt, TZ, today, filter_options(branch_ids, flt), branch_ids)
        statements = [_stage_query(user, flt), _days_query(user, flt)] + [
            statement for _, _, parts in _breakdowns(user, flt, today) for statement in parts]
        page_ms = median_ms(lambda q=query: (build_tables(q), db.session.rollback()), runs)
        bare_ms = bare.median_ms(statements, runs)
        log(f"{case:<36} {'all tables (build_tables)':<28} {'':>5} {page_ms:>8.1f} {bare_ms:>8.1f} "
            f"{page_ms / bare_ms:>6.2f}")
    log(f"\n{label}: slowest single funnel or breakdown {worst:.1f} ms (goal: under 300 ms, within 2x of bare SQL)")

    for title, query in (("stage counts", _stage_query(admin, cases[0][2])),
                         ("days to registration", _days_query(admin, cases[0][2]))):
        sql = _literal_sql(query)
        db.session.rollback()
        bare.cursor.execute(("EXPLAIN (ANALYZE, BUFFERS) " if dialect == "postgresql" else "EXPLAIN QUERY PLAN ")
                            + sql)
        log(f"\n{label}: EXPLAIN — funnel {title}, no filter:\n{sql}\n")
        log("\n".join(str(row[0] if dialect == "postgresql" else row[-1]) for row in bare.cursor.fetchall()))
        bare.raw.rollback()
    bare.raw.close()


def ensure(url: str, args) -> None:
    counts = loaded_counts(url) if args.reuse else None
    if counts is not None:
        log(f"reusing {url} ({counts['prospect']:,} prospects)")
        upgrade_schema(url)
        return
    generate(url, args.prospects, args.seed, visits_per_prospect=args.visits_per_prospect, branches=args.branches)


def run(url: str, label: str, runs: int) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context(), app.test_request_context():
        benchmark(label, runs)
        counts = loaded_counts(url)
        log(f"\n{label}: data: {counts['prospect']:,} prospects, {counts['visit']:,} visits, "
            f"{counts['registration']:,} registrations, {counts['branch']} branches")
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prospects", type=int, default=1_000_000)
    parser.add_argument("--visits-per-prospect", type=int, default=3)
    parser.add_argument("--branches", type=int, default=300)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/")
    parser.add_argument("--database", default="bench_dashboard")
    parser.add_argument("--sqlite-url", default="sqlite:////tmp/sasar-bench/dashboard.sqlite")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--reuse", action="store_true", help="keep an existing benchmark database as it is")
    args = parser.parse_args()
    if args.only != "sqlite":
        url = args.postgres.rstrip("/") + "/" + args.database
        ensure(url, args)
        run(url, "postgresql", args.runs)
    if args.only != "postgresql":
        ensure(args.sqlite_url, args)
        run(args.sqlite_url, "sqlite", args.runs)


if __name__ == "__main__":
    main()
