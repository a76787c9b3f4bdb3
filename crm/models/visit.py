"""A field officer's visit to a prospect. Visits are append-only."""

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, ForeignKey, Numeric, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import db
from crm.models.base import enum_column, timestamp_column
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


class Visit(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    client_uuid: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, default=uuid.uuid4)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    prospect_id: Mapped[int] = mapped_column(ForeignKey("prospect.id"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    visited_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[Outcome] = enum_column(Outcome)
    decline_reason: Mapped[DeclineReason | None] = enum_column(DeclineReason, nullable=True)
    notes: Mapped[str | None] = mapped_column(Text)
    next_follow_up: Mapped[date | None] = mapped_column(Date)
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    accuracy_m: Mapped[float | None]
    distance_m: Mapped[float | None]
    flagged: Mapped[bool] = mapped_column(default=False)
    flag_reason: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = timestamp_column()

    branch: Mapped[Branch] = relationship()
    prospect: Mapped[Prospect] = relationship()
    officer: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Visit {self.id} {self.outcome.value}>"
