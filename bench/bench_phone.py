"""The officer's phone: what a working-set sync costs in bytes, and whether the service worker makes pages slower.

    .venv/bin/python bench/bench_phone.py [--runs 3] [--only bytes|browser] [--workdir /tmp/sasar-bench-phone]

1. Builds its own SQLite database (under the temporary directory) with the demo and tops Pak Hendra's working
   set up to 1,000 prospects (new leads in Panarukan and Mangaran, with names, phones and addresses like the
   demo's).
2. Bytes: the first sync (`GET /visits/working-set`, whole) and a typical day's sync after it (`?since=`:
   25 visits logged, 4 of them declines that leave the set, 20 new leads), one with nothing changed, and the
   whole sync that follows a manager giving 2 of his prospects to another officer; each as JSON and as sent
   (Sasar gzips it for a client that accepts gzip).
3. Browser: Debian's Chromium at 390×844 opens Today, a prospect page and the visit form, with the service
   worker blocked and allowed, unthrottled and throttled (CDP Network.emulateNetworkConditions: 1.6 Mbps down,
   750 kbps up, 150 ms round trip). A first load is the page's first opening in a fresh signed-in context
   (empty HTTP cache; with the worker: installed, its copies made); a repeat is the next opening of the same
   page. Time: navigation start to the load event (Navigation Timing), median of `--runs` contexts. Bytes: what
   the page and its files took from the network (transferSize), without the worker.

Not a test: a couple of minutes on a quiet machine.
"""

import argparse
import json
import logging
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select, update  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from crm import create_app, demo, reference  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.models import DeclineReason, Outcome, Prospect, Region, RegionLevel, Role, Stage, User  # noqa: E402
from crm.visits import workingset  # noqa: E402
from crm.visits.recording import FlagRules, VisitReport, record_visit  # noqa: E402

CHROMIUM = os.environ.get("SASAR_CHROMIUM", "/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}
THROTTLED = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8,
             "uploadThroughput": 750_000 / 8}
WORKING_SET = 1000
PASSWORD = "bench-Hendra-2024"  # noqa: S105 - a throwaway database's officer


def log(message: str = "") -> None:
    print(message, flush=True)


def build(workdir: Path):
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'phone.sqlite'}",
                      "SASAR_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "WTF_CSRF_ENABLED": True,
                      "SECRET_KEY": "bench-phone"})
    with app.app_context():
        from flask_migrate import upgrade

        from crm.auth import accounts

        upgrade()
        reference.load_reference_data()
        demo.seed_demo(prospect_count=2000)
        db.session.commit()
        hendra = db.session.scalar(select(User).where(User.username == "hendra"))
        accounts.set_password(hendra, PASSWORD, actor=None)
        have = db.session.scalar(select(func.count()).select_from(Prospect)
                                 .where(workingset.working_set_filter(hendra)))
        desas = db.session.scalars(select(Region).where(Region.level == RegionLevel.DESA,
                                                        Region.parent_id.in_([k.id for k in hendra.kecamatan]))).all()
        add_leads(hendra, desas, WORKING_SET - have, random.Random(7))
        db.session.commit()
    return app


def add_leads(officer, desas, count: int, rng: random.Random) -> None:
    used: set[str] = set()
    for _ in range(count):
        desa = rng.choice(desas)
        db.session.add(Prospect(
            branch_id=officer.branch_id, name=demo._name(rng), phone=demo._phone(rng, used),  # noqa: SLF001
            address=f"Dusun {rng.choice(('Krajan', 'Timur', 'Barat', 'Tengah', 'Pesisir'))}, "
                    f"RT {rng.randint(1, 6):02d}/RW {rng.randint(1, 4):02d}",
            kecamatan_id=desa.parent_id, desa=desa, occupation=rng.choice(("Nelayan", "Petani", "Pedagang")),
            stage=Stage.NEW, assigned_officer=officer if rng.random() < 0.5 else None))


def fetch(client, query=None):
    """The working set as a phone gets it: (its JSON, bytes as JSON, bytes as sent with gzip accepted)."""
    plain = client.get("/visits/working-set", query_string=query)
    packed = client.get("/visits/working-set", query_string=query, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    return plain.json, f"{len(plain.data):>9,} B of JSON, {len(packed.data):>8,} B sent (gzip)"


def measure_bytes(app) -> None:
    client = app.test_client()
    with app.app_context():
        hendra = db.session.scalar(select(User).where(User.username == "hendra"))
        other_id = db.session.scalar(select(User.id).where(User.role == Role.OFFICER, User.id != hendra.id))
    app.config["WTF_CSRF_ENABLED"] = False
    client.post("/login", data={"login": "hendra", "password": PASSWORD})
    body, first = fetch(client)
    log(f"first sync:   {body['members']['count']:,} prospects, {len(body['plan'])} plan stops; {first}")
    times = []
    for _ in range(5):
        started = time.perf_counter()
        client.get("/visits/working-set", headers={"Accept-Encoding": "gzip"})
        times.append((time.perf_counter() - started) * 1000)
    log(f"              the server answers it in {statistics.median(times):.0f} ms (median of 5, in-process, SQLite)")

    with app.app_context():  # as if the phone synced yesterday evening, and this is the day since
        since = workingset.read_cursor(body["cursor"])
        db.session.execute(update(Prospect).values(updated_at=since - timedelta(hours=12)))
        hendra, other = db.session.get(User, hendra.id), db.session.get(User, other_id)
        ids = [p["id"] for p in body["prospects"]]
        rng = random.Random(11)
        rules = FlagRules.from_config(app.config)
        for n, prospect_id in enumerate(rng.sample(ids, 25)):
            outcome = Outcome.NOT_INTERESTED if n < 4 else rng.choice((Outcome.INTERESTED, Outcome.NOT_AT_HOME))
            record_visit(hendra, VisitReport(
                prospect_id=prospect_id, client_uuid=uuid.uuid4(), outcome=outcome,
                visited_at=datetime.now(UTC), decline_reason=DeclineReason.CANNOT_AFFORD if n < 4 else None,
                notes=None, next_follow_up=None, latitude=None, longitude=None, accuracy_m=None,
                position_source=None), rules)
        desas = db.session.scalars(select(Region).where(Region.level == RegionLevel.DESA,
                                                        Region.parent_id.in_([k.id for k in hendra.kecamatan]))).all()
        add_leads(hendra, desas, 20, rng)
        db.session.flush()
        # The day's changes were made during the day, not in the last minutes (the cursor's overlap).
        db.session.execute(update(Prospect).where(Prospect.updated_at > since)
                           .values(updated_at=since + timedelta(hours=6)))
        db.session.commit()
    delta, daily = fetch(client, {"since": body["cursor"]})
    log(f"a day later:  {len(delta['prospects'])} changed, {len(delta['removed'])} removed, members "
        f"{delta['members']['count']:,}; {daily}")
    with app.app_context():
        since = workingset.read_cursor(delta["cursor"])
        db.session.execute(update(Prospect).values(updated_at=since - timedelta(hours=1)))
        db.session.commit()
    quiet, nothing = fetch(client, {"since": delta["cursor"]})
    log(f"nothing new:  {len(quiet['prospects'])} changed; {nothing}")
    with app.app_context():  # a manager gives two of his prospects to another officer's kecamatan
        for prospect_id in random.Random(3).sample(ids, 2):
            moved = db.session.get(Prospect, prospect_id)
            if moved.stage is Stage.NEW:
                other = db.session.get(User, other_id)
                moved.assigned_officer, moved.kecamatan_id, moved.desa_id = other, other.kecamatan[0].id, None
        db.session.commit()
    moved, _ = fetch(client, {"since": quiet["cursor"]})
    if moved["members"]["count"] != quiet["members"]["count"]:
        _, whole = fetch(client)
        log(f"reassigned:   the members no longer match ({moved['members']['count']:,}): the phone syncs whole; "
            f"{whole}")


# --- the browser -----------------------------------------------------------------------------------------

def serve(app):
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app.config["WTF_CSRF_ENABLED"] = True
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


TIMING = """() => { const n = performance.getEntriesByType('navigation')[0];
  const files = performance.getEntriesByType('resource').reduce((s, r) => s + r.transferSize, 0);
  return {ms: n.loadEventEnd - n.startTime, bytes: n.transferSize + files, html: n.encodedBodySize}; }"""


def one_context(browser, base: str, worker: bool, throttled: bool, pages: list[str]) -> dict:
    context = browser.new_context(base_url=base, viewport=PHONE, is_mobile=True, has_touch=True,
                                  service_workers="allow" if worker else "block")
    page = context.new_page()
    page.goto("/login")
    page.fill("#login", "hendra")
    page.fill("#password", PASSWORD)
    page.click("form:has(#login) button[type=submit]")
    page.wait_for_url("**/today")
    if worker:  # installed, controlling, its copies and the working set made
        page.locator("footer [data-offline-badge]").wait_for(state="visible")
    page.goto("about:blank")
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.clearBrowserCache")
    if throttled:
        cdp.send("Network.emulateNetworkConditions", THROTTLED)
    results = {}
    for path in pages:
        for kind in ("first", "repeat"):
            page.goto(path, wait_until="load")
            results[(path, kind)] = page.evaluate(TIMING)
            page.goto("about:blank")
    context.close()
    return results


def measure_browser(app, runs: int) -> list[dict]:
    from playwright.sync_api import sync_playwright

    with app.app_context():
        hendra = db.session.scalar(select(User).where(User.username == "hendra"))
        prospect_id = db.session.scalar(select(Prospect.id).where(workingset.working_set_filter(hendra))
                                        .order_by(Prospect.id))
    pages = ["/today", f"/prospects/{prospect_id}", f"/visits/new?prospect={prospect_id}"]
    names = dict(zip(pages, ("Today", "prospect page", "visit form"), strict=True))
    server, base = serve(app)
    rows = []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                 args=["--no-sandbox", "--disable-gpu"])
            for throttled in (False, True):
                found = {worker: [one_context(browser, base, worker, throttled, pages) for _ in range(runs)]
                         for worker in (False, True)}
                for path in pages:
                    for kind in ("first", "repeat"):
                        without = statistics.median(r[(path, kind)]["ms"] for r in found[False])
                        with_worker = statistics.median(r[(path, kind)]["ms"] for r in found[True])
                        rows.append({"network": "throttled" if throttled else "unthrottled",
                                     "page": names[path],
                                     "load": kind, "without_ms": round(without), "with_ms": round(with_worker),
                                     "ratio": round(with_worker / without, 2) if without else None,
                                     "bytes": statistics.median(r[(path, kind)]["bytes"] for r in found[False]),
                                     "html": statistics.median(r[(path, kind)]["html"] for r in found[False])})
            browser.close()
    finally:
        server.shutdown()
    log(f"{'network':<12} {'page':<14} {'load':<7} {'no worker':>10} {'worker':>8} {'ratio':>6} {'bytes':>9} "
        f"{'html':>8}")
    for r in rows:
        log(f"{r['network']:<12} {r['page']:<14} {r['load']:<7} {r['without_ms']:>8} ms {r['with_ms']:>5} ms "
            f"{r['ratio']:>6} {r['bytes']:>9,.0f} {r['html']:>8,.0f}")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=("bytes", "browser"))
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "sasar-bench-phone")
    parser.add_argument("--json", type=Path, help="also write the browser figures here")
    args = parser.parse_args()
    app = build(args.workdir)
    if args.only != "browser":
        measure_bytes(app)
    if args.only != "bytes":
        rows = measure_browser(app, args.runs)
        if args.json:
            args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
