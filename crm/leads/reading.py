"""Reading a spreadsheet as agencies make it: CSV in any usual encoding and delimiter, or XLSX.

A table is read as it streams, never whole into memory: `open_table` yields its non-blank rows with
the row numbers a spreadsheet program would show. Cells are text with surrounding spaces removed,
except numbers from XLSX, which stay numbers so that a NIK stored as a number can be recognised.
"""

import codecs
import csv
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from flask_babel import lazy_gettext as _l
from openpyxl import load_workbook

from crm.errors import Invalid

Cell = str | int | float
DELIMITERS = (";", ",", "\t", "|")
SNIFF_CHARS = 64 * 1024
SNIFF_LINES = 30
_CHUNK = 1024 * 1024

csv.field_size_limit(1024 * 1024)


class Unreadable(Invalid):
    """The file cannot be read as a table; the message says why, for the person who sent it."""


@dataclass
class Table:
    """An open table: what it is, and its non-blank rows as (row number, cells)."""

    format: str  # "csv" or "xlsx"
    rows: Iterator[tuple[int, list[Cell]]]
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheet_names: list[str] = field(default_factory=list)


def detect_format(path: Path) -> str:
    """`csv` or `xlsx` from the file's first bytes (not its name), or Unreadable."""
    with open(path, "rb") as handle:
        head = handle.read(8192)
    if not head:
        raise Unreadable(_l("The file is empty."))
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise Unreadable(_l("This is an old Excel file (.xls). Open it in Excel or LibreOffice and save it as "
                            "Excel Workbook (.xlsx) or CSV, then upload that."))
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "csv"
    if b"\x00" in head or head.startswith(b"%PDF"):
        raise Unreadable(_l("This is not a spreadsheet. Upload a CSV or XLSX file."))
    return "csv"


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "mimetype" in names and b"opendocument.spreadsheet" in archive.read("mimetype"):
                raise Unreadable(_l("This is a LibreOffice spreadsheet (.ods). Save it as Excel Workbook (.xlsx) "
                                    "or CSV, then upload that."))
    except zipfile.BadZipFile:
        raise Unreadable(_l("The XLSX file is damaged or incomplete; save it again and upload the new copy.")) \
            from None
    raise Unreadable(_l("This is not a spreadsheet. Upload a CSV or XLSX file."))


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252 — checked over the whole file."""
    with open(path, "rb") as handle:
        head = handle.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := handle.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


def detect_delimiter(sample: str) -> str:
    """The delimiter that splits the first lines into the same number of columns (`;`, `,`, tab or `|`)."""
    lines = [line for line in sample.splitlines() if line.strip()][:SNIFF_LINES]
    if len(lines) > 1 and len(sample) >= SNIFF_CHARS:
        lines = lines[:-1]  # the last line of a sample may be cut short
    best, best_score = ",", (False, 0.0, 0)
    for delimiter in DELIMITERS:
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        if not counts:
            continue
        widest = max(set(counts), key=lambda n: (counts.count(n), n))
        score = (widest > 1, counts.count(widest) / len(counts), widest)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_rows(handle, delimiter: str) -> Iterator[tuple[int, list[Cell]]]:
    strip = str.strip
    reader = csv.reader(handle, delimiter=delimiter)
    number = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise Unreadable(_l("Line %(line)s of the file cannot be read (%(why)s). Save the list again from "
                                "Excel or LibreOffice as CSV or XLSX.", line=reader.line_num, why=str(error))) from None
        number += 1
        cells = list(map(strip, row))
        if any(cells):
            yield number, cells


def _xlsx_cell(value) -> Cell:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value).strip()


def _xlsx_rows(sheet) -> Iterator[tuple[int, list[Cell]]]:
    rows = enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1)
    while True:
        try:
            number, row = next(rows)
        except StopIteration:
            return
        except Exception:  # noqa: BLE001 - a damaged sheet fails in many ways; all mean the same to the user
            raise Unreadable(_l("The XLSX file is damaged; save it again in Excel or LibreOffice and upload the "
                                "new copy.")) from None
        cells = [_xlsx_cell(value) for value in row]
        while cells and cells[-1] == "":
            cells.pop()
        if any(cell != "" for cell in cells):
            yield number, cells


@contextmanager
def open_table(path: Path, *, sheet: str | None = None) -> Iterator[Table]:
    """Open a CSV or XLSX file for reading its rows; `sheet` chooses an XLSX sheet (default: the first)."""
    kind = detect_format(path)
    if kind == "csv":
        encoding = detect_encoding(path)
        with open(path, encoding=encoding, errors="replace", newline="") as handle:
            delimiter = detect_delimiter(handle.read(SNIFF_CHARS))
            handle.seek(0)
            yield Table("csv", _csv_rows(handle, delimiter), encoding=encoding, delimiter=delimiter)
        return
    with _open_workbook(path) as workbook:
        names = list(workbook.sheetnames)
        if sheet and sheet not in names:
            raise Unreadable(_l("The workbook has no sheet “%(sheet)s”; its sheets are: %(sheets)s.",
                                sheet=sheet, sheets=", ".join(names)))
        if not names:
            raise Unreadable(_l("The workbook has no sheets."))
        chosen = workbook[sheet or names[0]]
        if hasattr(chosen, "reset_dimensions"):
            chosen.reset_dimensions()  # some programs write a wrong size; read every cell there is
        yield Table("xlsx", _xlsx_rows(chosen), sheet=chosen.title, sheet_names=names)


@contextmanager
def _open_workbook(path: Path):
    # An open file rather than the path: stored files are named by checksum, and openpyxl refuses a path
    # that does not end in .xlsx. In read-only mode the file must stay open while the rows are read.
    with open(path, "rb") as handle:
        try:
            workbook = load_workbook(handle, read_only=True, data_only=True)
        except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file; all mean the same here
            raise Unreadable(_l("The XLSX file could not be opened; it may be damaged or password-protected. "
                                "Save it again in Excel or LibreOffice and upload the new copy.")) from None
        try:
            yield workbook
        finally:
            workbook.close()


def text_to_file_bytes(text: str) -> bytes:
    """Rows pasted from a spreadsheet (tab-separated) as the bytes of a UTF-8 CSV file."""
    return text.replace("\r\n", "\n").encode("utf-8")


def cell_text(cell: Cell) -> str:
    """A cell as the text a spreadsheet shows, for keeping and for error files."""
    if isinstance(cell, float) and cell.is_integer() and abs(cell) < 1e18:
        return str(int(cell))
    return str(cell)


def peek(rows: Iterator, count: int) -> tuple[list, Iterator]:
    """The first `count` items and an iterator that still yields all of them."""
    first = []
    for item in rows:
        first.append(item)
        if len(first) >= count:
            break
    return first, _chain(first, rows)


def _chain(first: list, rest: Iterator) -> Iterator:
    yield from first
    yield from rest

