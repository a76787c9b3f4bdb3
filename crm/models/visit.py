"""A field officer's visit to a prospect. Visits are append-only."""

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, Numeric, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import db
from crm.models.base import UtcDateTime, enum_column, timestamp_column
from crm.models.org import Branch
from crm.models.prospect import Prospect
from crm.models.user import User


class Outcome(enum.Enum):
    INTERESTED = "interested"
    NOT_INTERESTED = "not_interested"
    NOT_AT_HOME = "not_at_home"
    MOVED_AWAY = "moved_away"
    WRONG_ADDRESS = "wrong_address"
    REGISTERED = "registered"


class DeclineReason(enum.Enum):
    CANNOT_AFFORD = "cannot_afford"
    ALREADY_COVERED = "already_covered"
    DOES_NOT_TRUST = "does_not_trust"
    ASK_FAMILY = "ask_family"
    OTHER = "other"


class PositionSource(enum.Enum):
    GPS = "gps"          # the browser's Geolocation API
    MANUAL = "manual"    # typed by the officer when the phone gave no fix


class Visit(db.Model):
    __table_args__ = (
        Index("ix_visit_officer_visited_at", "officer_id", "visited_at"),
        # The dashboard's visits of a period by officer and by outcome (crm/dashboard/breakdowns.py), read from
        # the index alone.
        Index("ix_visit_period", "visited_at", "officer_id", "flagged", "outcome", "decline_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    prospect_id: Mapped[int] = mapped_column(ForeignKey("prospect.id"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    visited_at: Mapped[datetime] = mapped_column(UtcDateTime())
    outcome: Mapped[Outcome] = enum_column(Outcome)
    decline_reason: Mapped[DeclineReason | None] = enum_column(DeclineReason, nullable=True)
    notes: Mapped[str | None] = mapped_column(Text)
    next_follow_up: Mapped[date | None] = mapped_column(Date)
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    accuracy_m: Mapped[float | None]
    position_source: Mapped[PositionSource | None] = enum_column(PositionSource, nullable=True)
    distance_m: Mapped[float | None]
    # What the distance was measured from ("fix": an earlier good fix, "desa", "kecamatan": its centre) and the
    # distance allowed from it when the visit was logged.
    distance_from: Mapped[str | None] = mapped_column(String(16))
    distance_limit_m: Mapped[float | None]
    flagged: Mapped[bool] = mapped_column(default=False)
    flag_reason: Mapped[str | None] = mapped_column(String(64))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = timestamp_column()  # when the server received it (offline visits arrive late)

    branch: Mapped[Branch] = relationship()
    prospect: Mapped[Prospect] = relationship()
    officer: Mapped[User] = relationship(foreign_keys=[officer_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    def __repr__(self) -> str:
        return f"<Visit {self.id} {self.outcome.value}>"
