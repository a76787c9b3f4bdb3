"""Keeping every file an agency sends, named by its SHA-256 under the instance folder (never under static/)."""

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask_babel import lazy_gettext as _l

from crm.errors import Invalid

UPLOADS_FOLDER = "uploads"
_CHUNK = 256 * 1024
MEGABYTE = 1024 * 1024


class FileTooLarge(Invalid):
    status = 413


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    path: Path
    filename: str


def uploads_dir(instance_path: str | Path) -> Path:
    return Path(instance_path) / UPLOADS_FOLDER


def too_large(max_bytes: int) -> FileTooLarge:
    return FileTooLarge(_l("The file is larger than %(mb)d MB. Split the list into smaller files and upload each.",
                           mb=max(max_bytes // MEGABYTE, 1)))


def store_file(source: BinaryIO, filename: str, directory: Path, max_bytes: int) -> StoredFile:
    """Copy `source` into `directory` as <sha256>, refusing it beyond `max_bytes`. Storing twice is harmless."""
    directory.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".incoming-")
    try:
        with os.fdopen(handle, "wb") as target:
            while chunk := source.read(_CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise too_large(max_bytes)
                digest.update(chunk)
                target.write(chunk)
        final = directory / digest.hexdigest()
        os.replace(temporary, final)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return StoredFile(digest.hexdigest(), size, final, Path(filename or "").name[:255] or "leads")


def store_path(path: Path, directory: Path, max_bytes: int) -> StoredFile:
    if path.stat().st_size > max_bytes:
        raise too_large(max_bytes)
    with open(path, "rb") as source:
        return store_file(source, path.name, directory, max_bytes)


def stored_path(directory: Path, sha256: str) -> Path:
    if not sha256 or not all(ch in "0123456789abcdef" for ch in sha256):
        raise ValueError("not a SHA-256 digest")
    return directory / sha256
