"""Column helpers shared by every model."""

import enum
from datetime import UTC, datetime

from sqlalchemy import DateTime, Enum
from sqlalchemy.orm import mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


def enum_column(enum_class: type[enum.Enum], **kwargs):
    """An enum stored by name as plain text, so adding a member needs no database type change."""
    return mapped_column(
        Enum(enum_class, native_enum=False, validate_strings=True, length=32,
             create_constraint=False),
        **kwargs,
    )


def timestamp_column(**kwargs):
    return mapped_column(DateTime(timezone=True), default=utcnow, **kwargs)
