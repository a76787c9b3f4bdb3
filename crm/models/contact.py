"""A call or WhatsApp message to a prospect, logged by the officer: a contact attempt, not a visit.
Append-only, like visits. The message templates an admin keeps for WhatsApp live here too."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import db
from crm.models.base import UtcDateTime, enum_column, timestamp_column
from crm.models.org import Branch
from crm.models.prospect import Prospect
from crm.models.user import User
from crm.models.visit import DeclineReason


class ContactChannel(enum.Enum):
    PHONE = "phone"
    WHATSAPP = "whatsapp"


class ContactOutcome(enum.Enum):
    INTERESTED = "interested"          # answered and interested
    NOT_INTERESTED = "not_interested"  # answered and not interested (with a reason)
    NO_ANSWER = "no_answer"
    WRONG_NUMBER = "wrong_number"

    @property
    def reached(self) -> bool:
        """The person answered: the attempt reached them."""
        return self in (ContactOutcome.INTERESTED, ContactOutcome.NOT_INTERESTED)


class ContactAttempt(db.Model):
    __table_args__ = (Index("ix_contact_attempt_officer_at", "officer_id", "contacted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    prospect_id: Mapped[int] = mapped_column(ForeignKey("prospect.id"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    contacted_at: Mapped[datetime] = mapped_column(UtcDateTime())
    channel: Mapped[ContactChannel] = enum_column(ContactChannel)
    outcome: Mapped[ContactOutcome] = enum_column(ContactOutcome)
    decline_reason: Mapped[DeclineReason | None] = enum_column(DeclineReason, nullable=True)
    created_at: Mapped[datetime] = timestamp_column()

    branch: Mapped[Branch] = relationship()
    prospect: Mapped[Prospect] = relationship()
    officer: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<ContactAttempt {self.id} {self.channel.value} {self.outcome.value}>"


class MessageTemplate(db.Model):
    """A WhatsApp message an officer sends with one tap; {placeholders} are filled from the prospect
    (crm/visits/contacts.py)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    title: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = timestamp_column()

    branch: Mapped[Branch] = relationship()

    def __repr__(self) -> str:
        return f"<MessageTemplate {self.id} {self.title!r}>"
