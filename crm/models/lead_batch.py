"""A list of leads handed over by an agency: one upload, paste, CLI import or API call.

The batch keeps what is needed to show it again and to undo it: the stored file (by checksum),
how its columns were read, its counts, and a LeadRow for every row that did not simply become a
prospect (invalid rows with their reasons, duplicates, possible duplicates).
"""

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from crm.extensions import db
from crm.models.base import UtcDateTime, enum_column, timestamp_column, utcnow
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
    file_size: Mapped[int | None]
    file_format: Mapped[str | None] = mapped_column(String(8))  # csv or xlsx
    sheet_name: Mapped[str | None] = mapped_column(String(120))
    encoding: Mapped[str | None] = mapped_column(String(16))
    delimiter: Mapped[str | None] = mapped_column(String(1))
    header_row: Mapped[int | None]
    header: Mapped[list | None] = mapped_column(JSON)  # the column titles as written
    column_mapping: Mapped[list | None] = mapped_column(JSON)  # per column: a lead field name or None
    rows_total: Mapped[int] = mapped_column(default=0)
    created_count: Mapped[int] = mapped_column(default=0)
    duplicate_count: Mapped[int] = mapped_column(default=0)
    possible_duplicate_count: Mapped[int] = mapped_column(default=0)
    invalid_count: Mapped[int] = mapped_column(default=0)
    unresolved_place_count: Mapped[int] = mapped_column(default=0, server_default="0")
    removed_count: Mapped[int] = mapped_column(default=0, server_default="0")  # prospects removed when withdrawn
    created_at: Mapped[datetime] = timestamp_column()
    committed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    branch: Mapped[Branch] = relationship()
    agency: Mapped[Agency] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id])

    @property
    def new_count(self) -> int:
        """Leads that are simply new; `created_count` also holds the possible duplicates, saved and flagged."""
        return self.created_count - self.possible_duplicate_count

    def __repr__(self) -> str:
        return f"<LeadBatch {self.id} {self.agency_id} {self.status.value}>"


class LeadRowStatus(enum.Enum):
    INVALID = "invalid"
    DUPLICATE = "duplicate"
    POSSIBLE_DUPLICATE = "possible_duplicate"


class LeadRow(db.Model):
    """A row of a batch that did not simply become a new prospect, kept with its original cells.

    `prospect_id` is the prospect the row is about: the one it duplicates, or the one it created when
    it is a possible duplicate; `candidate_id` is the existing prospect it may be the same person as.
    `reasons` holds the problems (code, field, params) of an invalid row.
    """

    __table_args__ = (Index("ix_lead_row_batch_status", "batch_id", "status", "row_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("lead_batch.id", ondelete="CASCADE"))
    row_number: Mapped[int]
    status: Mapped[LeadRowStatus] = enum_column(LeadRowStatus)
    cells: Mapped[list] = mapped_column(JSON)
    reasons: Mapped[list | None] = mapped_column(JSON)
    detail: Mapped[dict | None] = mapped_column(JSON)
    prospect_id: Mapped[int | None] = mapped_column(ForeignKey("prospect.id", ondelete="SET NULL"), index=True)
    candidate_id: Mapped[int | None] = mapped_column(ForeignKey("prospect.id", ondelete="SET NULL"), index=True)
    reference: Mapped[str | None] = mapped_column(String(64), index=True)  # the agency's, when the row had one

    batch: Mapped[LeadBatch] = relationship()
    prospect = relationship("Prospect", foreign_keys=[prospect_id])
    candidate = relationship("Prospect", foreign_keys=[candidate_id])

    def __repr__(self) -> str:
        return f"<LeadRow {self.batch_id}:{self.row_number} {self.status.value}>"


class AgencyColumnMapping(db.Model):
    """What an agency's column title means, as its liaison last chose (`field` None: not used)."""

    __table_args__ = (UniqueConstraint("agency_id", "header_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id", ondelete="CASCADE"))
    header_key: Mapped[str] = mapped_column(String(120))
    field: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime] = timestamp_column(onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<AgencyColumnMapping {self.agency_id} {self.header_key}→{self.field}>"


class ProspectListing(db.Model):
    """Another agency listed a person Sasar already knew: a note on the prospect, not a new one."""

    __table_args__ = (UniqueConstraint("prospect_id", "agency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    prospect_id: Mapped[int] = mapped_column(ForeignKey("prospect.id", ondelete="CASCADE"))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agency.id"))
    lead_batch_id: Mapped[int | None] = mapped_column(ForeignKey("lead_batch.id", ondelete="SET NULL"),
                                                      index=True)
    row_number: Mapped[int | None]
    listed_at: Mapped[datetime] = timestamp_column()

    agency: Mapped[Agency] = relationship()
    lead_batch: Mapped[LeadBatch | None] = relationship()
    # `prospect.listings`: the agencies that listed the person after the one that brought them in.
    prospect = relationship("Prospect", backref=backref("listings", order_by="ProspectListing.listed_at",
                                                        passive_deletes=True))

    def __repr__(self) -> str:
        return f"<ProspectListing {self.prospect_id} by {self.agency_id}>"
