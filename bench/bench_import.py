"""How fast a lead list is imported, against a bare bulk insert of the same rows into the same database.

    .venv/bin/python bench/bench_import.py [--rows 100000] [--postgres URL] [--skip-postgres] [--untuned]

Generates a CSV as an agency would send it (semicolons, Indonesian headers, NIKs and phones written in
the usual ways, desa names with prefixes and misspellings, a few bad and repeated rows) and the same rows
as an XLSX workbook (NIK and phone as text cells, the row number a number), then for each database — a
fresh SQLite file and a PostgreSQL database (default `bench_sasar`, dropped and rebuilt) —
1. imports it through the real importer (`crm.leads.intake.import_file`, as `sasar import-leads` does, in an
   interpreter tuned for it; with `--untuned` as the web portal does, in a worker left as it is):
   read, map, validate, de-duplicate and save, timed up to and including the commit;
2. empties the prospect table and times a bare bulk insert of the same rows, already in memory, into the
   same table: SQLAlchemy Core `insert(table)` executemany in chunks of 1,000;
3. empties it again and times the importer's own write path alone on those rows (COPY on PostgreSQL,
   multi-row INSERTs from a writer thread on SQLite), to show what checking and de-duplicating cost.
4. in a fresh database and process again, imports the XLSX the same way (step 1 only).
It prints rows/s for each, the ratios (XLSX / CSV: goal 0.8 or more), and each process's peak memory (RSS).
"""

import argparse
import contextlib
import csv
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from flask_migrate import upgrade  # noqa: E402
from generate import recreate_database  # noqa: E402

from crm import create_app  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.leads.bulk import Writer  # noqa: E402
from crm.leads.importer import CHUNK_ROWS, PROSPECT_COLUMNS, ImportLimits, interpreter_tuned_for_import  # noqa: E402
from crm.leads.intake import Submission, import_file  # noqa: E402
from crm.models import BatchSource, ConsentBasis, Prospect, Region, RegionLevel, Sector, Stage  # noqa: E402
from crm.models.base import utcnow  # noqa: E402
from crm.reference import agency_by_code, branch_by_code, load_reference_data  # noqa: E402

FIRST = ("Ahmad", "Moh.", "Abdul", "Slamet", "Sutrisno", "Hasan", "Imam", "Samsul", "Agus", "Bambang", "Rudi",
         "Sugeng", "Siti", "Sri", "Nur", "Dewi", "Ratna", "Yuli", "Sumiati", "Rohmah", "Fatimah", "Aminah",
         "Halimah", "Lilik", "Endang", "Wahyuni", "Joko", "Yusuf", "Hori", "Sahri", "Junaidi", "Fathor")
MIDDLE = ("", "", "Nur", "Abdul", "Dwi", "Tri", "Eka", "Sri", "Budi", "Rahmat", "Hadi", "Indah", "Arif", "Wahyu",
          "Putri", "Sari", "Adi", "Jaya", "Kurnia", "Mulya")
FAMILY = ("Hidayat", "Rahman", "Santoso", "Wahyudi", "Hasanah", "Fauziah", "Sholeh", "Maulana", "Efendi",
          "Prasetyo", "Kurniawan", "Rahmawati", "Susanti", "Hariyanto", "Jamil", "Anwar", "Mansur", "Zainal",
          "Kholil", "Syamsuddin", "Saputra", "Lestari", "Permana", "Wibowo", "Setiawan", "Utomo", "Purnomo")
WORK = ("Nelayan", "Pembudidaya ikan", "Peternak sapi", "Petani tembakau", "Buruh tani", "Pedagang pasar",
        "Tukang ojek", "Penjahit", "Pengrajin batik", "Penjual gorengan", "Montir", "Perangkat desa", "")
MOBILE = ("812", "813", "821", "822", "852", "853", "857", "858", "877", "878", "895", "896")
HEADER = ("No", "Nama Lengkap", "NIK", "No HP", "Alamat", "Desa/Kel", "Kecamatan", "Pekerjaan")


def _nik(rng: random.Random, kecamatan: str) -> str:
    born = date(rng.randint(1960, 2004), rng.randint(1, 12), rng.randint(1, 28))
    day = born.day + (40 if rng.random() < 0.45 else 0)
    return f"3512{kecamatan}{day:02d}{born:%m%y}{rng.randint(1, 9999):04d}"


def _written_phone(rng: random.Random, digits: str) -> str:
    form = rng.random()
    if form < 0.55:
        return "0" + digits
    if form < 0.7:
        return f"0{digits[:3]}-{digits[3:7]}-{digits[7:]}"
    if form < 0.85:
        return f"+62 {digits[:3]} {digits[3:7]} {digits[7:]}"
    if form < 0.95:
        return "62" + digits
    return digits


def _written_place(rng: random.Random, name: str) -> str:
    form = rng.random()
    if form < 0.6:
        return name
    if form < 0.75:
        return "Ds. " + name
    if form < 0.85:
        return name.upper()
    if form < 0.95:
        return "Desa " + name.lower()
    return name[:-1] + ("a" if name[-1] != "a" else "e")  # a small misspelling


def write_csv(path: Path, rows: int, places: list[tuple[str, str, str]], seed: int = 2024) -> None:
    rng = random.Random(seed)
    niks, phones = set(), set()
    written = []
    with open(path, "w", encoding="cp1252", errors="replace", newline="") as handle:
        out = csv.writer(handle, delimiter=";")
        out.writerow(HEADER)
        for number in range(1, rows + 1):
            desa, kecamatan, code = rng.choice(places)
            name = " ".join(part for part in (rng.choice(FIRST), rng.choice(MIDDLE), rng.choice(FAMILY)) if part)
            nik = _nik(rng, code)
            while nik in niks:
                nik = _nik(rng, code)
            niks.add(nik)
            digits = rng.choice(MOBILE) + str(rng.randint(10_000_000, 99_999_999))
            while digits in phones:
                digits = rng.choice(MOBILE) + str(rng.randint(10_000_000, 99_999_999))
            phones.add(digits)
            roll = rng.random()
            if roll < 0.01 and written:  # the same person typed twice
                row = list(rng.choice(written))
                row[0] = str(number)
            else:
                row = [str(number), name, nik if rng.random() < 0.9 else "", _written_phone(rng, digits),
                       f"Dusun Krajan RT {rng.randint(1, 9):02d}/RW {rng.randint(1, 5):02d}",
                       _written_place(rng, desa), kecamatan, rng.choice(WORK)]
                if roll > 0.985:
                    row[2] = nik[:15]  # a NIK a digit short
                elif roll > 0.98:
                    row[3] = "0812"  # not a phone number
                if len(written) < 5000:
                    written.append(row)
            out.writerow(row)


def write_xlsx(csv_path: Path, path: Path) -> None:
    """The CSV's rows as a workbook typed in Excel: the row number a number, every other cell text."""
    from openpyxl import Workbook  # only here: Sasar itself reads workbooks with calamine
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Daftar")
    with open(csv_path, encoding="cp1252", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        sheet.append(next(reader))
        for row in reader:
            sheet.append([int(row[0]), *row[1:]])
    workbook.save(path)


def bare_rows(path: Path, branch_id: int, agency_id: int) -> list[dict]:
    now = utcnow()
    with open(path, encoding="cp1252", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        next(reader)
        return [{"branch_id": branch_id, "name": row[1], "nik": row[2][:16] or None, "phone": row[3][:20] or None,
                 "address": row[4], "kecamatan_id": None, "desa_id": None, "place_as_given": row[5],
                 "occupation": row[7], "business_name": None, "sector": Sector.OTHER, "stage": Stage.NEW,
                 "stage_changed_at": now, "source_agency_id": agency_id, "source_reference": None,
                 "lead_batch_id": None, "latitude": None, "longitude": None, "created_at": now, "updated_at": now,
                 "consent_basis": ConsentBasis.PUBLIC_TASK, "consent_agency_id": agency_id, "consent_date": now.date()}
                for row in reader]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _empty_prospects(url: str) -> None:
    db.session.execute(sa.delete(Prospect))
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text("VACUUM ANALYZE prospect" if "postgresql" in url else "VACUUM"))


def _timed(write) -> float:
    started = time.perf_counter()
    write()
    db.session.commit()
    return time.perf_counter() - started


def bench(label: str, url: str, csv_path: Path, rows: int, workdir: Path, untuned: bool = False,
          list_path: Path | None = None) -> None:
    """Import `list_path` (default: the CSV) and, for the CSV, the bare and own-write-path inserts."""
    list_path = list_path or csv_path
    recreate_database(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "SASAR_IMPORT_MAX_ROWS": rows * 2,
                      "SASAR_IMPORT_MAX_BYTES": 1 << 30})
    app.instance_path = str(workdir / f"instance-{label}")
    with app.app_context():
        upgrade()
        load_reference_data()
        branch, agency = branch_by_code("SBO"), agency_by_code("DISNAKKAN")
        submission = Submission(branch.id, agency.id, None, BatchSource.CLI)
        db.session.commit()

        before = peak_mb()
        started, cpu = time.perf_counter(), time.process_time()
        with contextlib.nullcontext() if untuned else interpreter_tuned_for_import():
            result = import_file(list_path, submission=submission, limits=ImportLimits.from_config(app.config),
                                 uploads=Path(app.instance_path) / "uploads")
            db.session.commit()
        imported, imported_cpu = time.perf_counter() - started, time.process_time() - cpu
        after = peak_mb()
        summary = result.summary()
        kind = "XLSX" if list_path.suffix == ".xlsx" else "CSV"
        if list_path != csv_path:
            print(f"{label} {kind}: import {summary['rows']:,} rows in {imported:.2f} s = "
                  f"{rows / imported:,.0f} rows/s (Python CPU {imported_cpu:.2f} s; created {summary['created']:,}, "
                  f"invalid {summary['invalid']:,}); "
                  f"peak memory {before:.0f} MB before the import, {after:.0f} MB after")
            print(f"RATE {label} {kind} {rows / imported:.0f}")
            return

        data = bare_rows(csv_path, branch.id, agency.id)
        table = Prospect.__table__
        _empty_prospects(url)

        def executemany():
            for start in range(0, len(data), 1000):
                db.session.execute(sa.insert(table), data[start:start + 1000])

        bare = _timed(executemany)
        _empty_prospects(url)
        tuples = [tuple(row[name] for name in PROSPECT_COLUMNS) for row in data]

        def same_write_path():
            writer = Writer()
            for start in range(0, len(tuples), CHUNK_ROWS):
                writer.write(table, PROSPECT_COLUMNS, tuples[start:start + CHUNK_ROWS])
            writer.finish()

        own = _timed(same_write_path)

    import_rate, bare_rate, own_rate = rows / imported, len(data) / bare, len(data) / own
    label += " (untuned, as in a web worker)" if untuned else " (tuned, as sasar import-leads)"
    print(f"{label}: import {summary['rows']:,} rows in {imported:.2f} s = {import_rate:,.0f} rows/s "
          f"(Python CPU {imported_cpu:.2f} s; created {summary['created']:,}, duplicates {summary['duplicates']:,}, "
          f"possible duplicates {summary['possible_duplicates']:,}, invalid {summary['invalid']:,}, "
          f"unresolved places {result.unresolved_places:,})")
    print(f"{label}: bare bulk insert (SQLAlchemy Core executemany, chunks of 1,000) {len(data):,} rows in "
          f"{bare:.2f} s = {bare_rate:,.0f} rows/s; import / bare = {import_rate / bare_rate:.2f}")
    print(f"{label}: the importer's own write path alone ({'COPY' if 'postgresql' in url else 'multi-row INSERT'}"
          f") {len(data):,} rows in {own:.2f} s = {own_rate:,.0f} rows/s; import / that = {import_rate / own_rate:.2f}")
    print(f"{label}: peak memory {before:.0f} MB before the import, {after:.0f} MB after")
    print(f"RATE {label.split()[0]} CSV {import_rate:.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_sasar")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--only", choices=("sqlite", "postgresql"), help="run one database in this process")
    parser.add_argument("--csv", type=Path, help="the generated list to read (default: generate one)")
    parser.add_argument("--list", type=Path, help="with --only: import this file (the XLSX) instead of the CSV")
    parser.add_argument("--untuned", action="store_true",
                        help="import as the web portal does: the interpreter as it is (interpreter_tuned_for_import)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sasar-bench-") as tmp:
        workdir = Path(tmp)
        csv_path = args.csv
        if csv_path is None:
            setup = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'places.sqlite'}", "SECRET_KEY": "b"})
            with setup.app_context():
                upgrade()
                load_reference_data()
                places = [(desa.name, desa.parent.name, desa.parent.code[-2:]) for desa in db.session.scalars(
                    sa.select(Region).where(Region.level == RegionLevel.DESA))]
            csv_path = workdir / "leads.csv"
            write_csv(csv_path, args.rows, places)
            print(f"generated {args.rows:,} rows, {csv_path.stat().st_size / 1e6:.1f} MB "
                  "(semicolon CSV, Windows-1252)", flush=True)
        if args.only:
            url = f"sqlite:///{workdir / 'bench.sqlite'}" if args.only == "sqlite" else args.postgres
            bench(args.only, url, csv_path, args.rows, workdir, args.untuned, args.list)
            return
        xlsx_path = csv_path.with_suffix(".xlsx")
        write_xlsx(csv_path, xlsx_path)
        print(f"wrote the same rows as XLSX, {xlsx_path.stat().st_size / 1e6:.1f} MB", flush=True)
        # Each database and each file in a process of its own (and a fresh database), so that its peak
        # memory is its own and the XLSX finds the database as the CSV did.
        rates = {}
        for kind in ("sqlite",) if args.skip_postgres else ("sqlite", "postgresql"):
            for extra in ([], ["--list", str(xlsx_path)]):
                command = [sys.executable, __file__, "--only", kind, "--csv", str(csv_path), "--rows", str(args.rows),
                           "--postgres", args.postgres, *(["--untuned"] if args.untuned else []), *extra]
                output = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603
                for line in output.splitlines():
                    if line.startswith("RATE "):
                        _, database, fmt, rate = line.split()
                        rates[database, fmt] = float(rate)
                    else:
                        print(line, flush=True)
            csv_rate, xlsx_rate = rates[kind, "CSV"], rates[kind, "XLSX"]
            print(f"{kind}: XLSX {xlsx_rate:,.0f} rows/s / CSV {csv_rate:,.0f} rows/s = {xlsx_rate / csv_rate:.2f} "
                  "(goal: 0.8 or more; CSV 20,000 rows/s or more)", flush=True)


if __name__ == "__main__":
    main()
