"""`flask --app wsgi sasar …`: each command a thin call into a domain module."""

import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path

import click
from flask import current_app
from flask.cli import ScriptInfo, with_appcontext
from flask_babel import force_locale
from flask_migrate import upgrade
from sqlalchemy import func, inspect, select

from crm import demo, reference
from crm.auth import access, accounts, tokens
from crm.errors import DomainError
from crm.extensions import db
from crm.i18n import local_timezone, local_today
from crm.leads import intake as lead_intake
from crm.leads.importer import ImportLimits, interpreter_tuned_for_import
from crm.leads.storage import uploads_dir
from crm.models import BatchSource, Prospect, Role
from crm.privacy import backups, retention, subjects
from crm.privacy.document import subject_document
from crm.registrations import reconciliation, targets
from crm.visits import reach

DEMO_LOGINS_FILE = "demo-logins.txt"


# Commands that work on a database without Sasar's tables (or without one at all).
WITHOUT_SCHEMA = ("init", "access-matrix", "restore")


@click.group("sasar", help="Sasar's own commands.")
@click.pass_context
def sasar(ctx):
    if ctx.invoked_subcommand in WITHOUT_SCHEMA or "--help" in sys.argv[1:]:
        return
    app = ctx.ensure_object(ScriptInfo).load_app()
    with app.app_context():
        if not inspect(db.engine).has_table("branch"):
            _fail(not_initialised_message(db.engine.url, bool(os.environ.get("DATABASE_URL"))))


def not_initialised_message(url, from_environment: bool) -> str:
    """Name the database a command found empty, and what to do about it."""
    where = "read from DATABASE_URL" if from_environment else \
        "DATABASE_URL is not set, so the SQLite file under instance/ is used; set it in the environment file"
    return (f"the database {url.render_as_string(hide_password=True)} is not initialised ({where}). "
            "Run `sasar init` first (bin/sasar init, or flask --app wsgi sasar init).")


def _fail(message, prefix: str = "") -> None:
    with force_locale("en"):  # the command line speaks English, like its --help
        click.echo(f"Error: {prefix}{message}", err=True)
    sys.exit(1)


@contextmanager
def _domain_call(prefix: str = "", keep: bool = True):
    """The command line's edge: the work inside is committed (rolled back when `keep` is false); a DomainError
    undoes it and ends the command with its message on one line."""
    try:
        yield
    except DomainError as error:
        db.session.rollback()
        _fail(error.message, prefix)
    if keep:
        db.session.commit()
    else:
        db.session.rollback()


@sasar.command("init", help="Migrate the database and load reference data. Safe to run again.")
@with_appcontext
def init_command():
    upgrade()
    reference.load_reference_data()
    click.echo("Database migrated; reference data loaded.")


@sasar.command("load-centroids", help="Set desa codes and coordinates from a CSV (kode,kecamatan_kode,nama,lat,lng).")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def load_centroids_command(path: Path):
    result = reference.load_desa_centroids(path)
    estimated = reach.estimate_reaches()
    db.session.commit()
    click.echo(f"{result.updated} desa located; {len(result.unmatched)} rows matched no desa; "
               f"{estimated} desa and kecamatan have a reach for visit flags.")
    for row in result.unmatched:
        click.echo(f"  unmatched: {row}")


@sasar.command("create-user", help="Create an account; asks for the password or generates one.")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--email", required=True)
@click.option("--name", help="Full name (default: the part of the email before @).")
@click.option("--agency", "agency_code", help="Agency code, for liaisons (DPMD, DISNAKER, DISNAKKAN, DINSOS).")
@click.option("--kecamatan", "kecamatan_names", multiple=True, help="Kecamatan covered, for officers (repeatable).")
@click.option("--branch", "branch_code", default=None, help="Branch code (default: SASAR_BRANCH_CODE).")
@click.option("--generate-password", is_flag=True, help="Generate a password instead of asking.")
@with_appcontext
def create_user_command(role, email, name, agency_code, kecamatan_names, branch_code, generate_password):
    branch = reference.branch_by_code(branch_code or current_app.config["SASAR_BRANCH_CODE"])
    if branch is None:
        _fail("unknown branch; run `flask --app wsgi sasar init` first.")
    agency = reference.agency_by_code(agency_code) if agency_code else None
    if agency_code and agency is None:
        _fail(f"unknown agency {agency_code}.")
    kecamatan = []
    for kecamatan_name in kecamatan_names:
        region = reference.kecamatan_by_name(branch, kecamatan_name)
        if region is None:
            _fail(f"no kecamatan {kecamatan_name} in branch {branch.code}.")
        kecamatan.append(region)
    if generate_password or not sys.stdin.isatty():
        password, show = accounts.generate_password(), True
    else:
        password, show = click.prompt("Password", hide_input=True, confirmation_prompt=True), False
    details = accounts.AccountDetails(name=name or email.split("@")[0], role=Role(role), email=email,
                                      agency=agency, kecamatan=kecamatan)
    with _domain_call():
        user = accounts.create_user(details, password, branch)
    click.echo(f"Created {user.role.value} {user.login} (id {user.id}).")
    if show:
        click.echo(f"Password: {password}")


@sasar.command("create-token", help="Make an API bearer token for a user; it is shown once.")
@click.option("--user", "login", required=True, help="Email or username.")
@click.option("--name", default="api", help="What the token is for.")
@with_appcontext
def create_token_command(login, name):
    user = accounts.find_by_login(login)
    if user is None or not user.active:
        _fail(f"no active user {login}.")
    issued = tokens.issue_token(user, name)
    db.session.commit()
    click.echo(issued.secret)


@sasar.command("seed-demo", help="Fill the database with a believable Situbondo demo and print the logins.")
@click.option("--if-empty", is_flag=True, help="Do nothing (but print the logins) when prospects exist.")
@click.option("--prospects", default=2000, show_default=True)
@click.option("--seed", default=2024, show_default=True)
@with_appcontext
def seed_demo_command(if_empty, prospects, seed):
    logins_file = Path(current_app.instance_path) / DEMO_LOGINS_FILE
    if db.session.scalar(select(func.count()).select_from(Prospect)):
        if if_empty:
            click.echo("The database already holds data; demo not loaded again.")
            if logins_file.exists():
                click.echo(logins_file.read_text())
            return
        _fail("the database already holds prospects; seed-demo fills an empty one.")
    result = demo.seed_demo(prospect_count=prospects, seed=seed)
    db.session.commit()
    lines = [f"{result.prospects} prospects, {result.visits} visits, {result.registrations} registrations.",
             "Demo logins (username / password):"]
    lines += [f"  {login.role.value:<8} {login.login:<8} {login.password}   {login.name}"
              for login in result.logins]
    text = "\n".join(lines)
    logins_file.write_text(text + "\n")
    logins_file.chmod(0o600)
    click.echo(text)


def _branch_or_fail(code: str | None):
    branch = reference.branch_by_code(code or current_app.config["SASAR_BRANCH_CODE"])
    if branch is None:
        _fail(f"unknown branch {code}; run `flask --app wsgi sasar init` first.")
    return branch


@sasar.command("set-target", help="Set a branch's target for a year: active participants to reach, from a baseline.")
@click.option("--branch", "branch_code", default=None, help="Branch code (default: SASAR_BRANCH_CODE).")
@click.option("--year", type=int, required=True)
@click.option("--participants", type=int, required=True, help="Active participants to reach by the year's end.")
@click.option("--baseline", type=int, required=True, help="Active participants when the year started.")
@with_appcontext
def set_target_command(branch_code, year, participants, baseline):
    branch = _branch_or_fail(branch_code)
    with _domain_call():
        target = targets.set_target(branch, year, participants, baseline)
    click.echo(f"Target for {branch.code} {target.year}: {target.participants} active participants, "
               f"from a baseline of {target.baseline}.")


@sasar.command("reconcile", help="Reconcile with the core system's participant export (CSV or XLSX); "
                                 "the last line is the summary as JSON.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--branch", "branch_code", default=None, help="Branch code (default: SASAR_BRANCH_CODE).")
@click.option("--status-date", "statuses_on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day the export's statuses were taken (YYYY-MM-DD): dates the lapses of rows without a "
                   "status-date column; needed when the file has none and lists lapsed participants.")
@with_appcontext
def reconcile_command(path: Path, branch_code, statuses_on):
    branch = _branch_or_fail(branch_code)
    with force_locale("en"):  # the reasons kept with the run are in the command line's language
        with _domain_call():
            result = reconciliation.reconcile(branch, path, today=local_today(),
                                              statuses_on=statuses_on.date() if statuses_on else None)
        click.echo(f"{path.name}: {result.rows} rows; {result.matched} matched, {result.converted} converted, "
                   f"{result.status_changed} status changes, {result.corrected} corrected.")
        for kind, notes in (("unmatched", result.unmatched), ("invalid", result.invalid)):
            for note in notes:
                click.echo(f"  {kind}: row {note.row} KPJ {note.kpj or '-'} {note.name or ''} "
                           f"(NIK {note.nik or '-'}): {note.reason}")
    click.echo(json.dumps(result.summary()))


@sasar.command("purge-stale", help="Anonymise unconverted prospects with no activity for N months. Safe daily.")
@click.option("--months", default=retention.DEFAULT_MONTHS, show_default=True, type=click.IntRange(min=1))
@with_appcontext
def purge_stale_command(months: int):
    result = retention.purge_stale(months)
    db.session.commit()
    since = result.cutoff.astimezone(local_timezone())  # the branch's day, not UTC's
    click.echo(f"Anonymised {result.anonymised} prospects with no activity since {since:%Y-%m-%d}.")


@sasar.command("export-person", help="Everything Sasar holds on one person (by NIK), as JSON.")
@click.argument("nik")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to a file (default: stdout).")
@with_appcontext
def export_person_command(nik: str, output: Path | None):
    document = subject_document(nik)
    text = json.dumps(document, ensure_ascii=False, indent=2)
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"{len(document['people'])} records written to {output}.")
    else:
        click.echo(text)


@sasar.command("erase-person", help="Anonymise one person (by NIK); counts and funnel figures are kept.")
@click.argument("nik")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def erase_person_command(nik: str, yes: bool):
    found = subjects.prospects_with_nik(nik)
    if not found:
        _fail("no prospect with that NIK.")
    if not yes:
        click.confirm(f"Anonymise {len(found)} prospect record(s)? This cannot be undone", abort=True)
    result = subjects.erase_subject(nik, None)
    db.session.commit()
    click.echo(f"Anonymised {result.prospects} prospects, {result.visits} visits, "
               f"{result.registrations} registrations, {result.lead_rows} lead rows.")


@sasar.command("backup", help="Write a consistent backup of the database to PATH.")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path):
    try:
        backups.backup(db.engine, path)
    except backups.BackupError as error:
        _fail(error)
    click.echo(f"Backup written to {path} ({path.stat().st_size} bytes).")


@sasar.command("restore", help="Replace the database's contents with the backup at PATH.")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path: Path, yes: bool):
    if not yes:
        click.confirm("Replace everything in the database with this backup?", abort=True)
    db.session.remove()
    try:
        backups.restore(db.engine, path)
    except backups.BackupError as error:
        _fail(error)
    click.echo(f"Database restored from {path}.")


@sasar.command("access-matrix", help="Print the access rules of every route as a Markdown table.")
@click.option("--write", "readme", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Replace the table between the access-matrix markers of this file (the README).")
@with_appcontext
def access_matrix_command(readme: Path | None):
    table = access.access_matrix_markdown(current_app)
    if readme is None:
        click.echo(table)
        return
    text = readme.read_text(encoding="utf-8")
    start, end = text.index("<!-- access-matrix"), text.index("<!-- /access-matrix -->")
    opening = text[start:text.index("\n", start) + 1]
    readme.write_text(text[:start] + opening + table + "\n" + text[end:], encoding="utf-8")
    click.echo(f"Access table in {readme} updated.")


@sasar.command("import-leads", help="Import an agency's lead list (CSV, XLSX, XLS or ODS): check, de-duplicate and "
                                    "save it. The last line is the summary as JSON.")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--agency", "agency_code", required=True, help="Agency code: DPMD, DISNAKER, DISNAKKAN, DINSOS.")
@click.option("--dry-run", is_flag=True, help="Check and count only; save nothing.")
@click.option("--sheet", default=None, help="Workbook sheet to read (default: the first).")
@with_appcontext
def import_leads_command(path: Path, agency_code: str, dry_run: bool, sheet: str | None):
    agency = reference.agency_by_code(agency_code)
    if agency is None:
        _fail(f"unknown agency {agency_code}.")
    if not path.is_file():
        _fail(f"cannot read {path}: no such file.")
    branch = _branch_or_fail(None)
    # This process serves nobody else: the interpreter may be tuned for the import alone.
    with force_locale("en"), interpreter_tuned_for_import():  # the reasons printed are in the command line's language
        with _domain_call(f"cannot import {path.name}: ", keep=not dry_run):
            result = lead_intake.import_file(
                path, submission=lead_intake.Submission(branch.id, agency.id, None, BatchSource.CLI),
                limits=ImportLimits.from_config(current_app.config), uploads=uploads_dir(current_app.instance_path),
                sheet=sheet, dry_run=dry_run)
        for outcome in result.outcomes:
            click.echo(f"  row {outcome.row}: {outcome.describe()}")
        shown = len(result.outcomes)
        problems = result.invalid + result.duplicates + result.possible_duplicates
        if problems > shown:
            click.echo(f"  … and {problems - shown} more rows to look at.")
    click.echo(json.dumps(result.summary()))

