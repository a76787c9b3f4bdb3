"""Outreach events (sosialisasi, a morning at the TPI, a market day, an aid distribution…) and who signed up.

An event belongs to a branch and takes place in one of its desa. Each person met there is an EventSignup:
from the public form on their own phone, added by an officer, or sent through the API. A sign-up that
arrived beyond the event's cap is held, with its answers, until an officer accepts or discards it; every
other sign-up points to the prospect it made or found.
"""

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Column, ForeignKey, Index, Numeric, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import db
from crm.models.base import UtcDateTime, enum_column, timestamp_column
from crm.models.org import Agency, Branch, Region
from crm.models.user import User


class EventKind(enum.Enum):
    SOSIALISASI = "sosialisasi"
    TPI = "tpi"  # a fish auction
    MARKET = "market"  # a market day (pasar)
    SOCIAL_AID = "social_aid"  # a Dinsos aid distribution (bantuan sosial)
    OTHER = "other"


class SignupStatus(enum.Enum):
    ACCEPTED = "accepted"  # the person is a prospect (made or found)
    HELD = "held"  # beyond the event's cap: waits for an officer's review, no prospect yet
    DISCARDED = "discarded"  # a held answer the officer threw away


class SignupSource(enum.Enum):
    FORM = "form"  # the public form, on the person's own phone
    OFFICER = "officer"  # added by an officer at the event
    API = "api"


event_officer = Table(
    "event_officer",
    db.metadata,
    Column("event_id", ForeignKey("event.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user.id", ondelete="CASCADE"), primary_key=True),
)


class Event(db.Model):
    __table_args__ = (Index("ix_event_branch_starts_at", "branch_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    code: Mapped[str] = mapped_column(String(12), unique=True)  # the public link: /e/<code>
    title: Mapped[str] = mapped_column(String(160))
    kind: Mapped[EventKind] = enum_column(EventKind)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime())
    desa_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    expected_attendees: Mapped[int | None]
    signup_cap: Mapped[int]  # answers beyond it are held for review
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())  # the link closed early by an officer
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = timestamp_column()

    branch: Mapped[Branch] = relationship()
    desa: Mapped[Region] = relationship()
    agency: Mapped[Agency | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    officers: Mapped[list[User]] = relationship(secondary=event_officer, order_by=User.name)

    def __repr__(self) -> str:
        return f"<Event {self.code} {self.kind.value}>"


class EventSignup(db.Model):
    __table_args__ = (UniqueConstraint("event_id", "prospect_id"),
                      Index("ix_event_signup_event_status", "event_id", "status", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    prospect_id: Mapped[int | None] = mapped_column(ForeignKey("prospect.id", ondelete="CASCADE"), index=True)
    status: Mapped[SignupStatus] = enum_column(SignupStatus)
    source: Mapped[SignupSource] = enum_column(SignupSource)
    brought_in: Mapped[bool] = mapped_column(default=False)  # the event is the prospect's source
    known: Mapped[bool] = mapped_column(default=False)  # the person was already in Sasar
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("prospect.id", ondelete="SET NULL"))
    present: Mapped[bool] = mapped_column(default=False)
    present_marked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    answers: Mapped[dict | None] = mapped_column(JSON)  # a held sign-up's answers, until reviewed
    consent_version: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = timestamp_column()

    event: Mapped[Event] = relationship()
    prospect = relationship("Prospect", foreign_keys=[prospect_id])
    candidate = relationship("Prospect", foreign_keys=[candidate_id])

    def __repr__(self) -> str:
        return f"<EventSignup {self.event_id}:{self.prospect_id} {self.status.value}>"
