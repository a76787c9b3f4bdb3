"""Participants: prospects registered with BPJS Ketenagakerjaan, and the contribution rates."""

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Date, ForeignKey, Index, Numeric, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import db
from crm.models.base import enum_column, timestamp_column
from crm.models.lead_batch import LeadBatch
from crm.models.org import Agency, Branch
from crm.models.prospect import Prospect
from crm.models.user import User


class Payer(enum.Enum):
    WORKER = "worker"
    APBD = "apbd"
    DANA_DESA = "dana_desa"
    DBHCHT = "dbhcht"
    SPONSOR = "sponsor"


class ParticipantStatus(enum.Enum):
    ACTIVE = "active"
    LAPSED = "lapsed"


class Programme(enum.Enum):
    JKK = "jkk"
    JKM = "jkm"
    JHT = "jht"


class RateKind(enum.Enum):
    PERCENT_OF_INCOME = "percent_of_income"
    FLAT = "flat"


class RegistrationOrigin(enum.Enum):
    SASAR = "sasar"  # entered in Sasar by an officer or manager
    CORE_SYSTEM = "core_system"  # made at the counter; learnt from the core system's export


class Registration(db.Model):
    __table_args__ = (
        Index("ix_registration_branch_status", "branch_id", "status"),
        # Days from lead to registration on the dashboard, read from the index alone.
        Index("ix_registration_prospect_registered_on", "prospect_id", "registered_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    prospect_id: Mapped[int] = mapped_column(ForeignKey("prospect.id"), unique=True)
    kpj: Mapped[str] = mapped_column(String(11), unique=True)
    registered_on: Mapped[date] = mapped_column(Date, index=True)
    jkk: Mapped[bool] = mapped_column(default=True)
    jkm: Mapped[bool] = mapped_column(default=True)
    jht: Mapped[bool] = mapped_column(default=False)
    # Unknown (None) for registrations learnt from the core system's export, which does not carry them.
    declared_income: Mapped[int | None]
    monthly_contribution: Mapped[int | None]
    payer: Mapped[Payer] = enum_column(Payer, default=Payer.WORKER)
    sponsor_name: Mapped[str | None] = mapped_column(String(160))
    status: Mapped[ParticipantStatus] = enum_column(ParticipantStatus, default=ParticipantStatus.ACTIVE)
    status_changed_on: Mapped[date | None] = mapped_column(Date)
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    source_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agency.id"), index=True)
    lead_batch_id: Mapped[int | None] = mapped_column(ForeignKey("lead_batch.id"), index=True)
    origin: Mapped[RegistrationOrigin] = enum_column(RegistrationOrigin, default=RegistrationOrigin.SASAR,
                                                     server_default=RegistrationOrigin.SASAR.name)
    created_at: Mapped[datetime] = timestamp_column()

    branch: Mapped[Branch] = relationship()
    prospect: Mapped[Prospect] = relationship(back_populates="registration")
    officer: Mapped[User | None] = relationship()
    source_agency: Mapped[Agency | None] = relationship()
    lead_batch: Mapped[LeadBatch | None] = relationship()

    def __repr__(self) -> str:
        return f"<Registration {self.kpj}>"


class ContributionRate(db.Model):
    """One programme's rate over a period; a null sector group or payer means any.

    With `payer_excluded` the row applies to every payer except `payer` (the PP 50/2025 discount
    does not apply where the regional budget pays). crm/registrations/contributions.py chooses
    among the rows that apply.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    programme: Mapped[Programme] = enum_column(Programme)
    kind: Mapped[RateKind] = enum_column(RateKind)
    value: Mapped[Decimal] = mapped_column(Numeric(12, 4))
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    sector_group: Mapped[str | None] = mapped_column(String(32))
    payer: Mapped[Payer | None] = enum_column(Payer, nullable=True)
    payer_excluded: Mapped[bool] = mapped_column(default=False, server_default=false())
    note: Mapped[str | None] = mapped_column(String(255))

    def __repr__(self) -> str:
        return f"<ContributionRate {self.programme.value} {self.value} from {self.effective_from}>"


class ReconciliationRun(db.Model):
    """One reading of the core system's participant export: what it found and what it changed.

    `problems` lists the unmatched and invalid rows (row number, KPJ, name, masked NIK, reason) so
    the result can be shown again; it never holds a full NIK.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    run_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    filename: Mapped[str | None] = mapped_column(String(255))
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    ran_at: Mapped[datetime] = timestamp_column(index=True)
    rows: Mapped[int] = mapped_column(default=0)
    matched: Mapped[int] = mapped_column(default=0)
    converted: Mapped[int] = mapped_column(default=0)
    status_changed: Mapped[int] = mapped_column(default=0)
    corrected: Mapped[int] = mapped_column(default=0)
    unmatched: Mapped[int] = mapped_column(default=0)
    invalid: Mapped[int] = mapped_column(default=0)
    problems: Mapped[list | None] = mapped_column(JSON)

    branch: Mapped[Branch] = relationship()
    run_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<ReconciliationRun {self.id} {self.rows} rows>"
