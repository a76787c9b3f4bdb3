"""A list of leads handed over by an agency: one upload, paste, CLI import or API call."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import db
from crm.models.base import enum_column, timestamp_column
from crm.models.org import Agency, Branch
from crm.models.user import User


class BatchSource(enum.Enum):
    UPLOAD = "upload"
    PASTE = "paste"
    CLI = "cli"
    API = "api"
    DEMO = "demo"


class BatchStatus(enum.Enum):
    PREVIEW = "preview"
    COMMITTED = "committed"
    WITHDRAWN = "withdrawn"


class LeadBatch(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"), index=True)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    source: Mapped[BatchSource] = enum_column(BatchSource)
    status: Mapped[BatchStatus] = enum_column(BatchStatus, default=BatchStatus.PREVIEW)
    filename: Mapped[str | None] = mapped_column(String(255))
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    rows_total: Mapped[int] = mapped_column(default=0)
    created_count: Mapped[int] = mapped_column(default=0)
    duplicate_count: Mapped[int] = mapped_column(default=0)
    possible_duplicate_count: Mapped[int] = mapped_column(default=0)
    invalid_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = timestamp_column()

    branch: Mapped[Branch] = relationship()
    agency: Mapped[Agency] = relationship()
    submitted_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<LeadBatch {self.id} {self.agency_id} {self.status.value}>"
