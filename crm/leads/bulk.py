"""Writing many rows at once, as fast as each database allows: COPY on PostgreSQL, executemany on SQLite.

SQLAlchemy's own executemany converts every value of every row (dates to text, enums to names…),
which costs more than the insert itself on a long list. Here each column's conversion — the column
type's own bind processor, so values are stored exactly as SQLAlchemy would store them — runs once
per distinct value: a list has one import time, seven sectors and a few hundred desa coordinates.
"""

import json
import queue
import threading
from operator import itemgetter

from sqlalchemy import ARRAY, JSON, String, Table, any_, bindparam, func, insert, select

from crm.extensions import db

SQLITE_MAX_PARAMETERS = 32766  # SQLite's limit on parameters in one statement (since 3.32)


class _Converter:
    """A column type's bind processing, done once per distinct value (values must be hashable)."""

    def __init__(self, processor):
        self.processor = processor
        self.memo: dict = {}

    def column(self, values: tuple) -> list:
        converted = list(map(self.memo.get, values))  # at C speed, for the values seen before
        if None in converted:
            memo, processor = self.memo, self.processor
            for index, value in enumerate(values):
                if converted[index] is None and value is not None:
                    converted[index] = memo[value] = processor(value)
                elif value is None:
                    converted[index] = processor(None)
        return converted


class _EachValue:
    """For values that cannot be remembered (JSON lists and dicts): the processor on every one."""

    def __init__(self, processor):
        self.processor = processor

    def column(self, values: tuple) -> list:
        return list(map(self.processor, values))


def _converter(column_type, dialect):
    processor = column_type.dialect_impl(dialect).bind_processor(dialect)
    if processor is None:
        return None
    return _EachValue(processor) if isinstance(column_type, JSON) else _Converter(processor)


def _converted(rows: list[tuple], converters: list) -> list:
    if not any(converters):
        return rows
    columns = list(zip(*rows, strict=True))
    for index, converter in enumerate(converters):
        if converter is not None:
            columns[index] = converter.column(columns[index])
    return list(zip(*columns, strict=True))


def bulk_insert(table: Table, rows: list[dict]) -> None:
    """Insert `rows` (dicts with the same keys, values as the model takes them) in the session's transaction."""
    if rows:
        names = list(rows[0])
        get = itemgetter(*names) if len(names) > 1 else (lambda row: (row[names[0]],))
        insert_rows(table, names, [get(row) for row in rows])


def insert_rows(table: Table, names, rows: list[tuple]) -> None:
    """Insert `rows` (tuples of values for the columns `names`) in the session's transaction."""
    if not rows:
        return
    connection = db.session.connection()
    dialect = connection.dialect
    if dialect.name not in ("postgresql", "sqlite"):
        connection.execute(insert(table), [dict(zip(names, row, strict=True)) for row in rows])
        return
    values = _converted(rows, [_converter(table.c[name].type, dialect) for name in names])
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
            values)


def one_of(column, values, dialect_name: str):
    """`column IN (values)` with the values as one parameter, however many there are: an array on
    PostgreSQL (`= ANY`), a JSON list read by json_each on SQLite. A thousand separate parameters cost
    more to send and plan than the indexed lookup itself."""
    values = list(values)
    if dialect_name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(column.type)))
    if dialect_name == "sqlite":
        listed = func.json_each(bindparam(None, json.dumps(values), type_=String)).table_valued("value")
        return column.in_(select(listed.c.value))
    return column.in_(values)


class Writer:
    """Rows for several tables, written by a thread of its own while the caller prepares the next ones.

    With `background`, the thread uses the session's connection: on PostgreSQL one COPY per write
    (foreign-key checks run at the end of each COPY, so they too overlap the caller's work); on SQLite
    multi-row INSERTs (sqlite3 lets go of the GIL while it writes). Rows are written in the order given.
    `finish()` waits until everything is written and frees the connection for other statements; until
    then the caller must not use the session's connection. Without `background`, or where writes cannot
    overlap (an in-memory SQLite, other databases), each write is immediate.
    """

    def __init__(self, background: bool = True):
        self.background = background
        self._converters: dict = {}
        self._thread: threading.Thread | None = None
        self._queue: queue.Queue | None = None
        self._error: BaseException | None = None

    def write(self, table: Table, names: tuple[str, ...], rows: list[tuple]) -> None:
        """Write rows: tuples of values for the columns `names`, as the model takes them."""
        if not rows:
            return
        connection = db.session.connection()
        if not (self.background and overlaps_writes(connection)):
            insert_rows(table, names, rows)
            return
        dialect = connection.dialect
        key = (table.name, names)
        if key not in self._converters:
            preparer = dialect.identifier_preparer
            columns = ", ".join(preparer.quote(name) for name in names)
            self._converters[key] = (f"{preparer.format_table(table)} ({columns})",
                                     [_converter(table.c[name].type, dialect) for name in names])
        target, converters = self._converters[key]
        self._raise_error()
        if self._thread is None:
            write = _copy_rows if dialect.name == "postgresql" else _insert_many_rows
            self._queue = queue.Queue(maxsize=2)  # bounded: at most two chunks wait to be written
            self._thread = threading.Thread(target=self._write_in_background, name="sasar-lead-writer", daemon=True,
                                            args=(write, connection.connection.driver_connection, self._queue))
            self._thread.start()
        self._queue.put((target, len(names), _converted(rows, converters)))

    def _write_in_background(self, write, driver_connection, jobs: queue.Queue) -> None:
        cursor = driver_connection.cursor()
        try:
            while (job := jobs.get()) is not None:
                if self._error is None:
                    try:
                        write(cursor, *job)
                    except BaseException as error:  # noqa: BLE001 - handed to the caller at the next write or finish
                        self._error = error
        finally:
            cursor.close()

    def _raise_error(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def finish(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = self._queue = None
        self._raise_error()

    def abandon(self) -> None:
        """After an error: stop writing; what was written is thrown away with the transaction's rollback."""
        if self._thread is not None:
            self._error = self._error or RuntimeError("import abandoned")
            self._queue.put(None)
            self._thread.join()
            self._thread = self._queue = None
        self._error = None


def _copy_rows(cursor, target: str, width: int, rows: list) -> None:
    with cursor.copy(f"COPY {target} FROM STDIN") as copy:
        write_row = copy.write_row
        for row in rows:
            write_row(row)


def _insert_many_rows(cursor, target: str, width: int, rows: list) -> None:
    # Many rows per statement: SQLite then works for milliseconds without the GIL, instead of taking it
    # back after every row while the main thread holds it.
    per_statement = max(1, min(500, SQLITE_MAX_PARAMETERS // width))
    one_row = "(" + ", ".join("?" for _ in range(width)) + ")"
    for start in range(0, len(rows), per_statement):
        block = rows[start:start + per_statement]
        statement = f"INSERT INTO {target} VALUES " + ", ".join([one_row] * len(block))  # noqa: S608
        cursor.execute(statement, [value for row in block for value in row])


def overlaps_writes(connection) -> bool:
    """Whether writes can overlap other work: PostgreSQL, or SQLite on a file (a second connection can
    read while this one writes; an in-memory database has one connection only)."""
    if connection.dialect.name == "postgresql":
        return True
    database = connection.engine.url.database or ""
    return connection.dialect.name == "sqlite" and database not in ("", ":memory:") \
        and not database.startswith("file::memory:")
