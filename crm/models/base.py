"""Column helpers shared by every model."""

import enum
from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum
from sqlalchemy.orm import mapped_column
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


def enum_column(enum_class: type[enum.Enum], **kwargs):
    """An enum stored by name as plain text, so adding a member needs no database type change."""
    return mapped_column(
        Enum(enum_class, native_enum=False, validate_strings=True, length=32,
             create_constraint=False),
        **kwargs,
    )


class UtcDateTime(TypeDecorator):
    """A moment, stored in UTC and always read back timezone-aware.

    PostgreSQL keeps the offset; SQLite keeps none and hands back naive values. Normalising here lets
    the rest of Sasar compare and subtract datetimes the same way on both.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: give Sasar timezone-aware moments")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def timestamp_column(**kwargs):
    return mapped_column(UtcDateTime(), default=utcnow, **kwargs)
