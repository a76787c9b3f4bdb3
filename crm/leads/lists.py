"""A lead list as read: its header row found (agencies often put a title above it), its columns mapped
to lead fields, and its rows streamed as LeadInputs with placeholders such as `-` left out."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l

from crm.leads.mapping import LeadField, field_labels, header_score, propose_mapping
from crm.leads.reading import Table, Unreadable, cell_text, open_table, peek
from crm.leads.validation import PLACEHOLDER_STARTS, LeadInput, is_blank

HEADER_SEARCH_ROWS = 10


@dataclass
class LeadFile:
    """A file opened for import: how it was read, its header and mapping, and its leads as a stream."""

    table: Table
    header: list[str]
    header_row: int
    mapping: list[LeadField | None]
    leads: Iterator[LeadInput]

    @property
    def labels(self) -> dict[LeadField, str]:
        return field_labels(self.header, self.mapping)


def mapping_problem(mapping: list[LeadField | None]):
    """Why the mapping cannot be imported (a lazy message), or None."""
    if LeadField.NAME not in mapping:
        return _l("No column is marked as the name. Choose the column that holds the names.")
    if LeadField.NIK not in mapping and LeadField.PHONE not in mapping:
        return _l("No column is marked as NIK or phone. Choose the column that holds them.")
    return None


def _find_header(first_rows: list[tuple[int, list]]) -> tuple[int, list]:
    # Agencies often put a title (and a date) above the column titles: take the row naming most fields.
    best = max(first_rows, key=lambda item: header_score(item[1]))
    return best if header_score(best[1]) > 0 else first_rows[0]


def _leads(rows: Iterator[tuple[int, list]], header_row: int, mapping: list[LeadField | None]) -> Iterator[LeadInput]:
    columns = [(index, lead_field.value) for index, lead_field in enumerate(mapping) if lead_field is not None]
    for number, cells in rows:
        if number <= header_row:
            continue
        values = {}
        width = len(cells)
        for index, name in columns:
            if index < width:
                cell = cells[index]
                # is_blank, with its quick answer for ordinary text first
                if cell.__class__ is str:
                    if not cell or (cell[0] in PLACEHOLDER_STARTS and is_blank(cell)):
                        continue
                elif is_blank(cell):
                    continue
                values[name] = cell
        yield LeadInput(number, values, cells)


@contextmanager
def open_lead_file(path: Path, *, sheet: str | None = None, mapping: list[LeadField | None] | None = None,
                   remembered: dict | None = None) -> Iterator[LeadFile]:
    """Open a CSV/XLSX list: find its header row, map its columns (given mapping, else the agency's
    remembered choices and the known titles) and stream its leads."""
    with open_table(path, sheet=sheet) as table:
        first, rows = peek(table.rows, HEADER_SEARCH_ROWS)
        if not first:
            raise Unreadable(_l("The file holds no rows."))
        header_row, header_cells = _find_header(first)
        header = [cell_text(cell) for cell in header_cells]
        if mapping is None or len(mapping) != len(header):
            mapping = propose_mapping(header, remembered)
        yield LeadFile(table, header, header_row, mapping, _leads(rows, header_row, mapping))
