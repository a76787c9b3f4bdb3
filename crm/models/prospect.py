"""A person Sasar hopes to enrol: a lead from an agency until registered."""

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, Index, Numeric, String, Text, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.sql.functions import FunctionElement

from crm.extensions import db
from crm.models.base import UtcDateTime, enum_column, timestamp_column, utcnow
from crm.models.lead_batch import LeadBatch
from crm.models.org import Agency, Branch, Region
from crm.models.user import User

if TYPE_CHECKING:
    from crm.models.registration import Registration


class Stage(enum.Enum):
    NEW = "new"
    CONTACTED = "contacted"
    VISITED = "visited"
    INTERESTED = "interested"
    REGISTERED = "registered"
    DECLINED = "declined"
    UNREACHABLE = "unreachable"


class Sector(enum.Enum):
    FISHING = "fishing"
    FARMING = "farming"
    LIVESTOCK = "livestock"
    TRADE_SERVICES = "trade_services"
    INDUSTRY = "industry"
    TRANSPORT = "transport"
    OTHER = "other"


class ConsentBasis(enum.Enum):
    """The lawful basis for holding the person's data (UU 27/2022)."""

    CONSENT = "consent"            # the person agreed, to the agency that collected it or to an officer
    PUBLIC_TASK = "public_task"    # a public body's duty: the agencies and BPJS extending social security


class search_name(FunctionElement):  # noqa: N801 - an SQL function, named as SQLAlchemy names them
    """SQL: a name as the prospect list sorts and searches it — ASCII letters lowered, compared byte by byte.

    PostgreSQL lowers it under the "C" collation, whatever the database's collation, so that the B-tree
    index on it answers prefix ranges and the list's order exactly as SQLite's `lower()` does.
    """

    type = String()
    inherit_cache = True
    name = "search_name"


@compiles(search_name, "postgresql")
def _search_name_postgresql(element, compiler, **kw):
    # Written as PostgreSQL writes the index back (pg_get_indexdef), so that Alembic finds the model and the
    # database agree.
    return f'lower({compiler.process(element.clauses, **kw)}::text COLLATE "C")'


@compiles(search_name)
def _search_name_other(element, compiler, **kw):
    return f"lower({compiler.process(element.clauses, **kw)})"


class later_words(FunctionElement):  # noqa: N801 - an SQL function, named as SQLAlchemy names them
    """SQL: the search name without its first word, from the space before the second ('' for one word):
    `LIKE '% x%'` on it finds a later word starting with x, and its trigrams are not the first name's."""

    type = String()
    inherit_cache = True
    name = "later_words"


@compiles(later_words, "postgresql")
def _later_words_postgresql(element, compiler, **kw):
    name = compiler.process(search_name(*element.clauses), **kw)
    return f"substr({name}, strpos({name} || ' ', ' '))"


@compiles(later_words)
def _later_words_other(element, compiler, **kw):
    name = compiler.process(search_name(*element.clauses), **kw)
    return f"substr({name}, instr({name} || ' ', ' '))"


class Prospect(db.Model):
    __table_args__ = (
        # A branch's prospects by stage, and which of them an officer sees (kecamatan, assignee): counted
        # from the index alone.
        Index("ix_prospect_branch_stage_place", "branch_id", "stage", "kecamatan_id", "assigned_officer_id"),
        Index("ix_prospect_officer_stage", "assigned_officer_id", "stage"),
        # The dashboard's funnel and breakdowns (crm/dashboard/), read from the index alone: the leads that
        # arrived in a period by stage and by what a breakdown groups on; the registered in id order, to
        # merge with their registrations.
        Index("ix_prospect_cohort", "created_at", "stage", "branch_id", "source_agency_id", "kecamatan_id", "sector",
              "assigned_officer_id"),
        Index("ix_prospect_stage_id_created", "stage", "id", "created_at"),
        # An officer's follow-ups due and overdue (Today), within the branch. Partial: a new lead has no
        # follow-up, so an import does not write to it.
        Index("ix_prospect_follow_up", "branch_id", "next_follow_up",
              postgresql_where=text("next_follow_up IS NOT NULL"), sqlite_where=text("next_follow_up IS NOT NULL")),
        # An agency's own id for the person: sending the same lead again creates nothing. It also finds an
        # agency's prospects (no index of source_agency_id alone: each index makes every import dearer).
        Index("uq_prospect_source_reference", "source_agency_id", "source_reference", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    name: Mapped[str] = mapped_column(String(160))
    nik: Mapped[str | None] = mapped_column(String(16), index=True)
    phone: Mapped[str | None] = mapped_column(String(20), index=True)  # E.164
    address: Mapped[str | None] = mapped_column(String(255))
    kecamatan_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    desa_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    place_as_given: Mapped[str | None] = mapped_column(String(160))  # kept when it matched no region
    occupation: Mapped[str | None] = mapped_column(String(120))
    business_name: Mapped[str | None] = mapped_column(String(160))
    sector: Mapped[Sector] = enum_column(Sector, default=Sector.OTHER)
    stage: Mapped[Stage] = enum_column(Stage, default=Stage.NEW)
    stage_changed_at: Mapped[datetime] = timestamp_column()
    source_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    source_reference: Mapped[str | None] = mapped_column(String(64))
    lead_batch_id: Mapped[int | None] = mapped_column(ForeignKey("lead_batch.id"), index=True)
    assigned_officer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    location_accuracy_m: Mapped[float | None]  # set when a visit's good fix replaced the desa centroid
    next_follow_up: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    consent_basis: Mapped[ConsentBasis | None] = enum_column(ConsentBasis, nullable=True)
    consent_date: Mapped[date | None] = mapped_column(Date)
    consent_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"))
    consent_version: Mapped[str | None] = mapped_column(String(16))  # of the purpose text the person agreed to
    anonymised_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = timestamp_column()
    updated_at: Mapped[datetime] = timestamp_column(onupdate=utcnow)

    branch: Mapped[Branch] = relationship()
    kecamatan: Mapped[Region | None] = relationship(foreign_keys=[kecamatan_id])
    desa: Mapped[Region | None] = relationship(foreign_keys=[desa_id])
    source_agency: Mapped[Agency | None] = relationship(foreign_keys=[source_agency_id])
    consent_agency: Mapped[Agency | None] = relationship(foreign_keys=[consent_agency_id])
    lead_batch: Mapped[LeadBatch | None] = relationship()
    assigned_officer: Mapped[User | None] = relationship()
    registration: Mapped["Registration | None"] = relationship(back_populates="prospect")  # once registered

    def __repr__(self) -> str:
        return f"<Prospect {self.id} {self.stage.value}>"


# The prospect list (crm/prospects/listing.py): in name order, searched by name prefix, paged by keyset —
# the whole country's, and a branch's. SQLite cannot reflect expression indexes, so Alembic compares these on
# PostgreSQL only (tests/web/test_migrations.py).
Index("ix_prospect_search_name", search_name(Prospect.name), Prospect.id)
Index("ix_prospect_branch_search_name", Prospect.branch_id, search_name(Prospect.name), Prospect.id)
# A later word of the name ("aminah" finds Siti Aminah) through trigrams: PostgreSQL's pg_trgm only.
Index("ix_prospect_later_words", later_words(Prospect.name).label("later_words"), postgresql_using="gin",
      postgresql_ops={"later_words": "gin_trgm_ops"}).ddl_if(dialect="postgresql")
