"""Writing many rows at once, as fast as each database allows: COPY on PostgreSQL, executemany on SQLite.

SQLAlchemy's own executemany converts every value of every row (dates to text, enums to names…),
which costs more than the insert itself on a long list. Here each column's conversion — the column
type's own bind processor, so values are stored exactly as SQLAlchemy would store them — runs once
per distinct value: a list has one import time, seven sectors and a few hundred desa coordinates.
"""

from collections.abc import Callable
from operator import itemgetter
from typing import Any

from sqlalchemy import Table, insert

from crm.extensions import db


def _converter(column_type, dialect) -> Callable[[Any], Any] | None:
    processor = column_type.dialect_impl(dialect).bind_processor(dialect)
    if processor is None:
        return None
    memo: dict = {}

    def convert(value):
        try:
            return memo[value]
        except KeyError:
            converted = memo[value] = processor(value)
            return converted
        except TypeError:  # unhashable (a JSON list or dict): convert every time
            return processor(value)

    return convert


def _tuples(rows: list[dict], names: list[str], converters: list) -> list:
    get = itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
    converting = [(index, convert) for index, convert in enumerate(converters) if convert is not None]
    if not converting:
        return [get(row) for row in rows]
    out = []
    for row in rows:
        values = list(get(row))
        for index, convert in converting:
            values[index] = convert(values[index])
        out.append(values)
    return out


def bulk_insert(table: Table, rows: list[dict]) -> None:
    """Insert `rows` (dicts with the same keys, values as the model takes them) in the session's transaction."""
    if not rows:
        return
    connection = db.session.connection()
    dialect = connection.dialect
    if dialect.name not in ("postgresql", "sqlite"):
        connection.execute(insert(table), rows)
        return
    names = list(rows[0])
    values = _tuples(rows, names, [_converter(table.c[name].type, dialect) for name in names])
    quoted = ", ".join(dialect.identifier_preparer.quote(name) for name in names)
    target = dialect.identifier_preparer.format_table(table)
    if dialect.name == "postgresql":
        driver_connection = connection.connection.driver_connection
        with driver_connection.cursor() as cursor, cursor.copy(f"COPY {target} ({quoted}) FROM STDIN") as copy:
            for row in values:
                copy.write_row(row)
    else:
        placeholders = ", ".join("?" for _ in names)
        connection.exec_driver_sql(
            f"INSERT INTO {target} ({quoted}) VALUES ({placeholders})",  # noqa: S608 - names come from the table
            [tuple(row) for row in values])
