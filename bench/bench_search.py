"""How fast prospect search and an officer's Today list answer at national scale, against bare SQL in the same run.

    .venv/bin/python bench/bench_search.py [--prospects 1000000] [--runs 7] [--reuse] [--only sqlite|postgresql]
        [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_search]
        [--sqlite-url sqlite:////tmp/sasar-bench/search.sqlite] [--sqlite-prospects N]

1. Builds each database with bench/generate.py (1,000,000 prospects, 3,000,000 visits, 300 branches), unless
   `--reuse` finds it loaded with that many prospects.
2. Times `crm.prospects.listing.find_prospects` — what /prospects calls: the count and the first page with
   its places and officers (crm/prospects/listing.py explains the query shapes) — searching by full NIK,
   NIK prefix, phone (as typed: 08…), phone prefix, name prefix, a common first name and the start of a
   later word of the name, as an officer of Situbondo, Situbondo's manager, the regional manager above it
   (about 1/30 of the country) and a national admin; and `crm.visits.today.officer_today` for that officer.
   Beside each, in the same run: the bare SQL — the indexed SELECTs that read the page's rows (one per way
   the search matches; for Today its three SELECTs), as literal SQL through the driver with no ORM, no
   count and no places or officers loaded. Median of `--runs` runs after one warm-up, in ms, and the ratio.
3. Prints the query plans of the statements the application sent (EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL,
   EXPLAIN QUERY PLAN on SQLite) for the national admin's searches and for Today.
"""

import argparse
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate, loaded_counts, median_ms, upgrade_schema  # noqa: E402

from crm import create_app  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.models import Branch, Prospect, Role, User  # noqa: E402
from crm.prospects import listing  # noqa: E402
from crm.visits import today as today_module  # noqa: E402

TZ = ZoneInfo("Asia/Jakarta")
GOAL_MS = 50


def log(message: str = "") -> None:
    print(message, flush=True)



class Recorder:
    """The statements the application sends while `recording` is on, with their parameters."""

    def __init__(self, engine):
        self.statements: list[tuple[str, object]] = []
        self.recording = False
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, _connection, _cursor, statement, parameters, _context, _executemany):
        if self.recording:
            self.statements.append((statement, parameters))

    def capture(self, action) -> list[tuple[str, object]]:
        self.statements, self.recording = [], True
        try:
            action()
        finally:
            self.recording = False
        return self.statements


def _literal(statement) -> str:
    return str(statement.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))


def _bench_user(role: Role, branch_id: int, name: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.username == name))
    if user is None:
        user = User(name=name, username=name, password_hash="!bench", role=role, branch_id=branch_id)  # noqa: S106
        db.session.add(user)
        db.session.commit()
    return user


def _actors() -> list[tuple[str, User]]:
    sbo = db.session.scalar(sa.select(Branch).where(Branch.code == "SBO"))
    officer = db.session.scalar(sa.select(User).where(User.branch_id == sbo.id, User.role == Role.OFFICER)
                                .order_by(User.id).limit(1))
    manager = db.session.scalar(sa.select(User).where(User.branch_id == sbo.id, User.role == Role.MANAGER)
                                .order_by(User.id).limit(1)) or _bench_user(Role.MANAGER, sbo.id, "bench-manager")
    regional = db.session.scalar(sa.select(User).where(User.branch_id == sbo.parent_id, User.role == Role.MANAGER)
                                 .order_by(User.id).limit(1)) or _bench_user(Role.MANAGER, sbo.parent_id,
                                                                             "bench-regional")
    admin = _bench_user(Role.ADMIN, sbo.id, "bench-admin")
    return [("officer", officer), ("branch manager", manager), ("regional manager", regional), ("admin", admin)]


def _terms(officer: User) -> list[tuple[str, str]]:
    """What people type, taken from a prospect the officer works: (what, text)."""
    person = db.session.scalar(
        sa.select(Prospect).where(Prospect.assigned_officer_id == officer.id, Prospect.nik.is_not(None),
                                  Prospect.phone.is_not(None), Prospect.name.like("% % %"))
        .order_by(Prospect.id).limit(1))
    words = person.name.split()
    local_phone = "0" + person.phone.removeprefix("+62")
    return [
        ("NIK, all 16 digits", person.nik),
        ("NIK, first 10 digits", person.nik[:10]),
        ("phone as typed (08…)", local_phone),
        ("phone, first 8 digits", local_phone[:8]),
        ("name prefix", f"{words[0]} {words[1][:3]}".lower()),
        ("common first name", words[0]),
        ("start of a later word", words[-1][:4]),
    ]


def _bare(cursor, sql_statements: list[str]):
    def run():
        rows = []
        for sql in sql_statements:
            cursor.execute(sql)
            rows.append(cursor.fetchall())
        return rows
    return run


def _page_sql(user: User, criteria) -> list[str]:
    """The SELECTs that read the page's rows, as find_prospects orders and cuts them (one per alternative)."""
    return [_literal(statement) for statement in listing.page_statements(user, criteria)]


def _today_sql(officer: User) -> list[str]:
    return [_literal(statement) for statement in today_module.today_statements(officer, datetime.now(TZ).date(), TZ)]


def _explain(cursor, dialect: str, statements: list[tuple[str, object]]) -> None:
    for statement, parameters in statements:
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if dialect == "postgresql" else "EXPLAIN QUERY PLAN "
        cursor.execute(prefix + statement, parameters)
        log("  " + " ".join(statement.split())[:400])
        for row in cursor.fetchall():
            log("    " + (row[0] if dialect == "postgresql" else f"{row[-1]}"))


def benchmark(url: str, label: str, runs: int) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
    with app.app_context():
        dialect = db.engine.dialect.name
        recorder = Recorder(db.engine)
        actors = _actors()
        officer = actors[0][1]
        terms = _terms(officer)
        raw = db.engine.raw_connection()
        cursor = raw.cursor()
        plans = []
        log(f"\n{label}: prospect search (find_prospects: count and first page) against the page's bare SELECT")
        log(f"{'who':<17} {'search':<24} {'text':<18} {'found':>7} {'app ms':>8} {'bare ms':>8} {'ratio':>6}")
        worst = 0.0
        for who, user in actors:
            for what, text in terms:
                criteria = listing.ProspectFilter(query=text)
                page = listing.find_prospects(user, criteria)
                db.session.rollback()
                app_ms = median_ms(lambda u=user, c=criteria: (listing.find_prospects(u, c), db.session.rollback()),
                                    runs)
                bare = _bare(cursor, _page_sql(user, criteria))
                db.session.rollback()
                listed = {row[1] for rows in bare() for row in rows}
                assert {p.id for p in page.prospects} <= listed, (who, what)
                bare_ms = median_ms(bare, runs)
                raw.rollback()
                worst = max(worst, app_ms)
                found = f"{page.total:,}{'+' if page.more else ''}"
                log(f"{who:<17} {what:<24} {text:<18} {found:>7} {app_ms:>8.1f} {bare_ms:>8.1f} "
                    f"{app_ms / bare_ms:>6.2f}")
                if who == "admin":
                    plans.append((f"{who}, {what} ({text!r})", recorder.capture(
                        lambda u=user, c=criteria: listing.find_prospects(u, c))))
                    db.session.rollback()

        day = datetime.now(TZ).date()
        result = today_module.officer_today(officer, day, TZ)
        db.session.rollback()
        today_ms = median_ms(lambda: (today_module.officer_today(officer, day, TZ), db.session.rollback()), runs)
        bare = _bare(cursor, _today_sql(officer))
        db.session.rollback()
        bare_ms = median_ms(bare, runs)
        raw.rollback()
        worst = max(worst, today_ms)
        log(f"\n{label}: an officer's Today (officer_today) against its three bare SELECTs")
        log(f"{'who':<17} {'due':>5} {'overdue':>8} {'new':>6} {'visits':>7} {'app ms':>8} {'bare ms':>8} "
            f"{'ratio':>6}")
        log(f"{'officer':<17} {len(result.due):>5} {len(result.overdue):>8} {result.new_total:>6,} "
            f"{len(result.visits):>7} {today_ms:>8.1f} {bare_ms:>8.1f} {today_ms / bare_ms:>6.2f}")
        plans.append(("officer's Today", recorder.capture(lambda: today_module.officer_today(officer, day, TZ))))
        db.session.rollback()
        log(f"\n{label}: slowest {worst:.1f} ms (goal: under {GOAL_MS} ms)")

        for title, statements in plans:
            log(f"\n{label}: plans — {title}")
            _explain(cursor, dialect, statements)
            raw.rollback()
        counts = loaded_counts(url)
        log(f"\n{label}: data: {counts['prospect']:,} prospects, {counts['visit']:,} visits, "
            f"{counts['registration']:,} registrations, {counts['branch']} branches")
        raw.close()
        db.engine.dispose()


def ensure(url: str, prospects: int, reuse: bool, seed: int) -> None:
    counts = loaded_counts(url) if reuse else None
    if counts is not None and counts["prospect"] >= prospects:
        log(f"reusing {url} ({counts['prospect']:,} prospects)")
        upgrade_schema(url)
        return
    generate(url, prospects, seed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prospects", type=int, default=1_000_000)
    parser.add_argument("--sqlite-prospects", type=int, help="a different size for SQLite (default: --prospects)")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_search")
    parser.add_argument("--sqlite-url", default="sqlite:////tmp/sasar-bench/search.sqlite")
    parser.add_argument("--only", choices=("sqlite", "postgresql"))
    parser.add_argument("--reuse", action="store_true", help="keep a database already loaded with enough prospects")
    args = parser.parse_args()
    if args.only != "sqlite":
        ensure(args.postgres_url, args.prospects, args.reuse, args.seed)
        benchmark(args.postgres_url, "postgresql", args.runs)
    if args.only != "postgresql":
        ensure(args.sqlite_url, args.sqlite_prospects or args.prospects, args.reuse, args.seed)
        benchmark(args.sqlite_url, "sqlite", args.runs)


if __name__ == "__main__":
    main()
