"""Reading a spreadsheet as agencies make it: CSV in any usual encoding and delimiter, or a workbook
(.xlsx, .xlsm, .xls, .ods), all workbooks through one reader, calamine.

`open_table` yields a table's non-blank rows with the row numbers a spreadsheet program would show.
Cells are text with surrounding spaces removed, except numbers from a workbook, which stay numbers so
that a NIK stored as a number can be recognised. A CSV streams from the disk; a workbook's sheet is
held by calamine in compact native form (a few dozen bytes a cell) and handed over a row at a time.
"""

import codecs
import csv
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from flask_babel import lazy_gettext as _l
from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

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

    format: str  # "csv", or the workbook's kind: "xlsx", "xls" or "ods"
    rows: Iterator[tuple[int, list[Cell]]]
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheet_names: list[str] = field(default_factory=list)


WORKBOOK_FORMATS = ("xlsx", "xls", "ods")
_NOT_A_SPREADSHEET = _l("This is not a spreadsheet. Upload a CSV file or an Excel or LibreOffice workbook "
                        "(.xlsx, .xls, .ods).")


def detect_format(path: Path) -> str:
    """`csv`, `xlsx` (also .xlsm), `xls` or `ods` from the file's first bytes (not its name), or Unreadable."""
    with open(path, "rb") as handle:
        head = handle.read(8192)
    if not head:
        raise Unreadable(_l("The file is empty."))
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(path)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"  # an Excel 97–2003 workbook (or a password-protected one, which calamine refuses)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "csv"
    if b"\x00" in head or head.startswith(b"%PDF"):
        raise Unreadable(_NOT_A_SPREADSHEET)
    return "csv"


def _zip_kind(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "mimetype" in names and b"opendocument.spreadsheet" in archive.read("mimetype"):
                return "ods"
    except (zipfile.BadZipFile, OSError, EOFError):
        raise Unreadable(_l("The workbook is damaged or incomplete; save it again and upload the new copy.")) \
            from None
    raise Unreadable(_NOT_A_SPREADSHEET)


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


def _workbook_cell(value) -> Cell:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 1e18 else value
    if isinstance(value, int):
        return value
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value).strip()


def _sheet_rows(sheet) -> Iterator[tuple[int, list[Cell]]]:
    # calamine gives every row from the sheet's first (blank ones too, so the count is the row number),
    # its cells from the first column holding anything; numbers are floats, text is text.
    rows = enumerate(sheet.iter_rows(), start=1)
    cell = _workbook_cell
    while True:
        try:
            number, row = next(rows)
        except StopIteration:
            return
        except Exception:  # noqa: BLE001 - a damaged sheet fails in many ways; all mean the same to the user
            raise Unreadable(_l("The workbook is damaged; save it again in Excel or LibreOffice and upload the "
                                "new copy.")) from None
        cells = [value.strip() if value.__class__ is str else cell(value) for value in row]
        while cells and cells[-1] == "":
            cells.pop()
        if cells:
            yield number, cells


@contextmanager
def open_table(path: Path, *, sheet: str | None = None) -> Iterator[Table]:
    """Open a CSV file or a workbook for reading its rows; `sheet` chooses a workbook's sheet (default: the
    first one shown)."""
    kind = detect_format(path)
    if kind == "csv":
        encoding = detect_encoding(path)
        with open(path, encoding=encoding, errors="replace", newline="") as handle:
            delimiter = detect_delimiter(handle.read(SNIFF_CHARS))
            handle.seek(0)
            yield Table("csv", _csv_rows(handle, delimiter), encoding=encoding, delimiter=delimiter)
        return
    with _open_workbook(path) as workbook:
        names = sheet_names(workbook)
        if sheet and sheet not in names:
            raise Unreadable(_l("The workbook has no sheet “%(sheet)s”; its sheets are: %(sheets)s.",
                                sheet=sheet, sheets=", ".join(names)))
        if not names:
            raise Unreadable(_l("The workbook has no sheets."))
        chosen = sheet or names[0]
        yield Table(kind, _sheet_rows(_load_sheet(workbook, chosen)), sheet=chosen, sheet_names=names)


def sheet_names(workbook: CalamineWorkbook) -> list[str]:
    """The worksheets a person sees, in the workbook's order (hidden ones and chart sheets left out)."""
    return [meta.name for meta in workbook.sheets_metadata
            if meta.visible == SheetVisibleEnum.Visible and meta.typ == SheetTypeEnum.WorkSheet]


def _load_sheet(workbook: CalamineWorkbook, name: str):
    try:
        return workbook.get_sheet_by_name(name)
    except Exception:  # noqa: BLE001 - as for opening: a damaged sheet, whatever calamine calls it
        raise Unreadable(_l("The sheet “%(sheet)s” cannot be read; it may be damaged. Save the workbook again "
                            "in Excel or LibreOffice and upload the new copy.", sheet=name)) from None


@contextmanager
def _open_workbook(path: Path):
    # An open file rather than the path: stored files are named by checksum, and calamine would choose
    # the format by the name's extension; from a file it looks at the content.
    with open(path, "rb") as handle:
        try:
            workbook = CalamineWorkbook.from_filelike(handle)
        except Exception:  # noqa: BLE001 - calamine raises many kinds for a damaged file; all mean the same here
            raise Unreadable(_l("The workbook could not be opened; it may be damaged or password-protected. "
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

