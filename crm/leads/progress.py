"""How far a long list has been read and checked, for the page that waits for it.

The request that reads a list reports its count every PROGRESS_EVERY rows into a small file under the
uploads folder, named by a token the waiting page chose; the page asks for it while it waits. A file
rather than memory, because the question may reach another worker process than the one reading.
"""

import json
import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l

from crm.errors import NotFound

PROGRESS_EVERY = 2_000
_TOKEN = re.compile(r"[0-9a-f]{32}")


class Stage:
    CHECKING = "checking"  # reading and checking the rows (the preview)
    SAVING = "saving"  # checking again and saving (the commit)


@dataclass(frozen=True)
class Progress:
    stage: str
    rows: int


def valid_token(token: str | None) -> bool:
    return bool(token) and _TOKEN.fullmatch(token) is not None


def _path(directory: Path, token: str) -> Path:
    return directory / f".progress-{token}"


def reporter(directory: Path, token: str | None, user_id: int, stage: str) -> Callable[[int], None] | None:
    """A function the import calls with the rows checked so far (None when the page gave no valid token)."""
    if not valid_token(token):
        return None
    directory.mkdir(parents=True, exist_ok=True)

    def report(rows: int) -> None:
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".progress-tmp-")
        with os.fdopen(handle, "w") as out:
            json.dump({"user": user_id, "stage": stage, "rows": rows}, out)
        os.replace(temporary, _path(directory, token))

    report(0)
    return report


def read(directory: Path, token: str, user_id: int) -> Progress | None:
    """The progress reported under `token` for this user, or None while nothing is reported yet (the file is
    still being sent). Another person's report is not found, whoever asks."""
    if not valid_token(token):
        return None
    try:
        kept = json.loads(_path(directory, token).read_text())
    except (OSError, ValueError):
        return None
    if kept.get("user") != user_id:
        raise NotFound(_l("There is no such lead list."))
    return Progress(kept.get("stage", Stage.CHECKING), int(kept.get("rows", 0)))


def forget(directory: Path, token: str | None) -> None:
    if valid_token(token):
        _path(directory, token).unlink(missing_ok=True)
