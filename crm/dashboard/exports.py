"""The dashboard's tables as files for Excel: CSV and XLSX, column titles in the reader's language.

CSV is written for Excel on the branch's PCs, which run Windows with Indonesian regional settings:
- UTF-8 with a byte-order mark, without which Excel reads the file as the ANSI code page and garbles
  any non-ASCII name (the BOM is the one signal of UTF-8 Excel honours on double-click);
- `;` between fields: Excel splits a double-clicked CSV on the system's list separator, which is `;`
  wherever the decimal separator is a comma — Indonesian, like most of Europe. A `sep=;` first line would
  force it too, but Excel then ignores the BOM;
- numbers as Indonesian Excel reads them: whole numbers without thousands separators, fractions with a
  decimal comma (`12,5`); rates as percentages in a column titled with “(%)”; CRLF line ends.
These hold whatever the interface language, since they follow the PC rather than the reader.
XLSX carries real numbers with number formats, so it opens the same on any PC; prefer it.

A text cell that a spreadsheet would take for a formula (`=`, `+`, `-`, `@`) is written as text.
"""

import csv
import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from crm.dashboard.tables import COUNT, DECIMAL, RATE, TEXT, Table

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def _header(column) -> str:
    label = str(column.label)
    return f"{label} (%)" if column.kind == RATE else label


def _csv_cell(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == RATE:
        return f"{value * 100:.1f}".replace(".", ",")
    if kind == DECIMAL:
        return f"{value:.1f}".replace(".", ",") if isinstance(value, float) else str(value)
    if kind == COUNT:
        return str(int(value))
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(table: Table) -> bytes:
    """The table as CSV for Indonesian Excel (see the module's docstring)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_header(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(v, c.kind) for v, c in zip(row.values, table.columns, strict=True)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


_FORMATS = {COUNT: "#,##0", RATE: "0.0%", DECIMAL: "0.0"}


def _sheet_title(title: str, taken: set[str]) -> str:
    base = title.translate(_SHEET_FORBIDDEN).strip()[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" {n}"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def _write_table(sheet, table: Table) -> None:
    sheet.append([str(c.label) for c in table.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([None if v is None else (str(v) if c.kind == TEXT else v)
                      for v, c in zip(row.values, table.columns, strict=True)])
        for cell, column in zip(sheet[sheet.max_row], table.columns, strict=True):
            if column.kind == TEXT:
                cell.data_type = "s"  # never a formula, whatever the text starts with
            elif column.kind == DECIMAL and isinstance(cell.value, int):
                cell.number_format = _FORMATS[COUNT]
            elif column.kind in _FORMATS:
                cell.number_format = _FORMATS[column.kind]
        if row.total:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
    sheet.freeze_panes = "B2"
    for index, column in enumerate(table.columns, start=1):
        longest = max([len(str(column.label))] + [len(str(r.values[index - 1] or "")) for r in table.rows])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(10, longest + 2), 48)


def to_xlsx(tables: Iterable[Table], about: list[tuple[str, str]] | None = None, about_title: str = "") -> bytes:
    """A workbook with one sheet per table, then `about` (label, value pairs: the filter) on a sheet of its own."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    for table in tables:
        _write_table(workbook.create_sheet(_sheet_title(str(table.title), taken)), table)
    if about:
        sheet = workbook.create_sheet(_sheet_title(about_title or "Sasar", taken))
        for label, value in about:
            sheet.append([label, value])
            for cell in sheet[sheet.max_row]:
                cell.data_type = "s"
        sheet.column_dimensions["A"].width = 24
        sheet.column_dimensions["B"].width = 48
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
