"""Backups of the whole database: SQLite's online backup API, or pg_dump/pg_restore on PostgreSQL."""

import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - runs PostgreSQL's own client tools with arguments, never a shell
from pathlib import Path

from sqlalchemy.engine import Engine, make_url

BACKUP_MODE = 0o600


class BackupError(RuntimeError):
    pass


def _libpq_url(engine: Engine) -> str:
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str]) -> None:
    tool = shutil.which(command[0])
    if tool is None:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client)")
    result = subprocess.run([tool, *command[1:]], capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()}")


def _sqlite_copy(source_path: str | Path, target_path: str | Path) -> None:
    """Copy one SQLite database onto another, page by page, consistent even while in use."""
    source, target = sqlite3.connect(source_path), sqlite3.connect(target_path)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _sqlite_file(engine: Engine) -> str:
    return make_url(str(engine.url)).database


def backup(engine: Engine, path: Path) -> Path:
    """Write a consistent copy of the live database to `path`, even while Sasar is in use.

    The copy holds every NIK: it is readable by its owner alone (0600) from the moment it exists."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT, BACKUP_MODE))
    path.chmod(BACKUP_MODE)  # a file that was already there keeps the mode it had
    if engine.dialect.name == "sqlite":
        _sqlite_copy(_sqlite_file(engine), path)
    elif engine.dialect.name == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={path}", _libpq_url(engine)])
    else:
        raise BackupError(f"no backup method for {engine.dialect.name}")
    return path


def restore(engine: Engine, path: Path) -> None:
    """Replace the database's contents with the backup at `path`."""
    if not path.exists():
        raise BackupError(f"no backup at {path}")
    engine.dispose()  # no pooled connection may hold the old database open
    if engine.dialect.name == "sqlite":
        _sqlite_copy(path, _sqlite_file(engine))
    elif engine.dialect.name == "postgresql":
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
              f"--dbname={_libpq_url(engine)}", str(path)])
    else:
        raise BackupError(f"no restore method for {engine.dialect.name}")
