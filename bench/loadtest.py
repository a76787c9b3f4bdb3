"""Load test of the running server: gunicorn on 127.0.0.1, locust headless, a realistic mix of people.

    .venv/bin/python bench/loadtest.py [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_load]
        [--prospects 1000000] [--reuse] [--users 120] [--spawn-rate 40] [--run-time 60] [--baseline-time 20]
        [--workers 2] [--threads 4] [--cache-seconds 60]

1. Builds the database with bench/generate.py (or keeps it with `--reuse`), then gives 40 officers of eight
   branches, their managers and Situbondo's four liaisons a password and the officers and liaisons an API token;
   the officers and managers sign in once (the real sign-in) and the load carries their session cookies.
2. Starts gunicorn (`wsgi:app`, gthread workers) on a free port of 127.0.0.1 against that database, with the
   connection pool sized to its threads (SASAR_DB_POOL_SIZE) and the dashboard's cache on
   (SASAR_DASHBOARD_CACHE_SECONDS).
3. Baseline, in the same run: `--users` people asking GET /health (one `SELECT 1`) for `--baseline-time` s.
4. The mix (bench/locustfile.py) for `--run-time` s: officers (8 in 10) open Today,
   their prospect list, search it and log visits through the API; liaisons (1 in 10) send lists of 5 leads
   through the API; managers (1 in 10) open the dashboard. Each waits a moment between requests, as people do.
5. Prints, per kind of request and in all: requests, failures, requests/s, p50/p95/p99 in ms; the CPU time the
   load generator itself took from the machine's cores; then stops gunicorn.
Only 127.0.0.1 is ever contacted. Everything it starts is stopped at the end, also on failure.
"""

import argparse
import csv
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from generate import generate, loaded_counts, upgrade_schema  # noqa: E402

from crm import create_app  # noqa: E402
from crm.auth.tokens import issue_token  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.models import Branch, Prospect, Region, RegionLevel, Role, Stage, User  # noqa: E402

PASSWORD = "load-test-password"  # noqa: S105 - the bench users' password, on a bench database
SECRET_KEY = "load-test-secret-key"  # noqa: S105 - signs the bench's own session cookies, on 127.0.0.1
BRANCHES, OFFICERS = 8, 40
MIX = ("OfficerUser", "LiaisonUser", "ManagerUser")


def log(message: str = "") -> None:
    print(message, flush=True)


def prepare_people(url: str) -> dict:
    """Passwords, session cookies and tokens for the people the load plays, and what each will ask for. Each
    signs in here once, through the real sign-in, so that the load measures the day's work, not sign-ins."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        sbo = db.session.scalar(sa.select(Branch).where(Branch.code == "SBO"))
        branch_ids = [sbo.id] + list(db.session.scalars(
            sa.select(Branch.id).where(Branch.id != sbo.id, Branch.parent_id.is_not(None))
            .order_by(Branch.id).limit(BRANCHES - 1)))
        hashed = generate_password_hash(PASSWORD)
        officers = db.session.scalars(sa.select(User).where(User.branch_id.in_(branch_ids), User.role == Role.OFFICER)
                                      .order_by(User.id).limit(OFFICERS)).all()
        managers = db.session.scalars(sa.select(User).where(User.branch_id.in_(branch_ids),
                                                            User.role == Role.MANAGER).order_by(User.id)).all()
        liaisons = db.session.scalars(sa.select(User).where(User.role == Role.LIAISON, User.branch_id == sbo.id)
                                      .order_by(User.id)).all()
        people = {"officers": [], "managers": [], "liaisons": []}
        for officer in officers:
            officer.password_hash = hashed
            mine = db.session.execute(
                sa.select(Prospect.id, Prospect.name, Prospect.nik).where(
                    Prospect.assigned_officer_id == officer.id,
                    Prospect.stage.in_((Stage.NEW, Stage.CONTACTED, Stage.VISITED, Stage.INTERESTED)))
                .order_by(Prospect.id).limit(200)).all()
            searches = sorted({name.split()[0][:4] for _, name, _ in mine[:20]} |
                              {nik[:8] for _, _, nik in mine[:5] if nik})
            people["officers"].append({"login": officer.username, "password": PASSWORD,
                                       "token": issue_token(officer, "load test").secret,
                                       "prospects": [pid for pid, _, _ in mine], "searches": searches})
        for manager in managers:
            manager.password_hash = hashed
            people["managers"].append({"login": manager.username, "password": PASSWORD})
        desa = db.session.execute(
            sa.select(Region.name, Region.parent_id).where(Region.branch_id == sbo.id,
                                                           Region.level == RegionLevel.DESA)).all()
        kecamatan = dict(db.session.execute(sa.select(Region.id, Region.name).where(
            Region.branch_id == sbo.id, Region.level == RegionLevel.KECAMATAN)).all())
        places = [(name, kecamatan[parent]) for name, parent in desa]
        for liaison in liaisons:
            people["liaisons"].append({"token": issue_token(liaison, "load test").secret, "places": places})
        db.session.commit()
    for person in people["officers"] + people["managers"]:  # each request in an app context of its own
        client = app.test_client()
        client.post("/login", data={"login": person["login"], "password": PASSWORD})
        cookie = client.get_cookie("session")
        assert cookie is not None, f"{person['login']} could not sign in"
        person["cookie"] = cookie.value
    with app.app_context():
        db.engine.dispose()
    return people


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(base + "/health", timeout=2) as response:  # noqa: S310 - 127.0.0.1 only
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer on {base} within {seconds} s")


def run_locust(workdir: Path, base: str, people: Path, classes: tuple[str, ...], users: int, spawn_rate: int,
               seconds: int, prefix: str) -> float:
    """Run locust headless; returns the CPU seconds it used."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    command = [str(ROOT / ".venv" / "bin" / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
               "-u", str(users), "-r", str(spawn_rate), "-t", f"{seconds}s", "--host", base,
               "--csv", str(workdir / prefix), "--only-summary", "--reset-stats", "--stop-timeout", "5",
               "--loglevel", "WARNING", *classes]
    env = {**os.environ, "SASAR_LOADTEST_PEOPLE": str(people)}
    with open(workdir / f"{prefix}.log", "w", encoding="utf-8") as output:
        subprocess.run(command, env=env, check=False, stdout=output, stderr=output)  # noqa: S603 - our own command
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def read_stats(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def show(title: str, rows: list[dict], seconds: float, cpu: float) -> dict:
    log(f"\n{title}")
    log(f"{'request':<38} {'requests':>9} {'failures':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    total = None
    for row in rows:
        name = "all" if row["Name"] == "Aggregated" else row["Name"]
        log(f"{name:<38} {int(row['Request Count']):>9,} {int(row['Failure Count']):>8} "
            f"{float(row['Requests/s']):>7.1f} {row['50%']:>7} {row['95%']:>7} {row['99%']:>7}")
        if row["Name"] == "Aggregated":
            total = row
    log(f"load generator (locust) CPU: {cpu:.1f} s over {seconds} s = {cpu / seconds * 100:.0f}% of one core")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_load")
    parser.add_argument("--prospects", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--users", type=int, default=120)
    parser.add_argument("--spawn-rate", type=int, default=40)
    parser.add_argument("--run-time", type=int, default=60)
    parser.add_argument("--baseline-time", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--cache-seconds", type=int, default=60)
    args = parser.parse_args()

    counts = loaded_counts(args.database_url) if args.reuse else None
    if counts is None:
        generate(args.database_url, args.prospects, args.seed)
    else:
        log(f"reusing {args.database_url} ({counts['prospect']:,} prospects)")
        upgrade_schema(args.database_url)
    people = prepare_people(args.database_url)
    log(f"people: {len(people['officers'])} officers, {len(people['managers'])} managers, "
        f"{len(people['liaisons'])} liaisons")

    with tempfile.TemporaryDirectory(prefix="sasar-load-") as tmp:
        workdir = Path(tmp)
        people_file = workdir / "people.json"
        people_file.write_text(json.dumps(people), encoding="utf-8")
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "DATABASE_URL": args.database_url, "SECRET_KEY": SECRET_KEY,
               "SASAR_DB_POOL_SIZE": str(args.threads), "SASAR_DB_MAX_OVERFLOW": "2",
               "SASAR_DASHBOARD_CACHE_SECONDS": str(args.cache_seconds)}
        command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "--workers", str(args.workers), "--threads",
                   str(args.threads), "--worker-class", "gthread", "--bind", f"127.0.0.1:{port}",
                   # Longer than any pause of the load's people (3 s): otherwise gunicorn may close a kept-alive
                   # connection just as the client sends on it, an error that is the test's own.
                   "--keep-alive", "10",
                   "--error-logfile", str(workdir / "gunicorn.log"), "--chdir", str(ROOT), "wsgi:app"]
        log(f"gunicorn: {args.workers} workers x {args.threads} threads on {base}; locust: {args.users} users")
        server = subprocess.Popen(command, env=env, start_new_session=True)  # noqa: S603 - our own command
        try:
            wait_until_up(base)
            cpu = run_locust(workdir, base, people_file, ("HealthUser",), args.users, args.spawn_rate,
                             args.baseline_time, "baseline")
            baseline = show(f"baseline: GET /health, {args.users} users, {args.baseline_time} s",
                            read_stats(workdir / "baseline_stats.csv"), args.baseline_time, cpu)
            cpu = run_locust(workdir, base, people_file, MIX, args.users, args.spawn_rate, args.run_time, "mix")
            mix = show(f"mix: officers, liaisons, managers, {args.users} users, {args.run_time} s after sign-in",
                       read_stats(workdir / "mix_stats.csv"), args.run_time, cpu)
            log(f"\nmix: {float(mix['Requests/s']):.1f} requests/s, p50 {mix['50%']} ms, p95 {mix['95%']} ms, "
                f"p99 {mix['99%']} ms, {int(mix['Failure Count'])} errors of {int(mix['Request Count']):,}; "
                f"baseline GET /health {float(baseline['Requests/s']):.1f} requests/s, p95 {baseline['95%']} ms; "
                f"mix / baseline = {float(mix['Requests/s']) / float(baseline['Requests/s']):.2f} "
                "(goal: 300 requests/s or more, p95 under 250 ms, no errors)")
            failures = workdir / "mix_failures.csv"
            if failures.exists() and int(mix["Failure Count"]):
                log("\nfailures:\n" + failures.read_text(encoding="utf-8")[:3000])
                log("gunicorn log (end):\n" + (workdir / "gunicorn.log").read_text(encoding="utf-8")[-3000:])
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


if __name__ == "__main__":
    main()
