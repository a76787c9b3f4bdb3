"""The organisation: branches, the regions they cover, and partner agencies."""

import enum
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import db
from crm.models.base import enum_column


class Branch(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id"))

    parent: Mapped["Branch | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Branch"]] = relationship(back_populates="parent")

    def __repr__(self) -> str:
        return f"<Branch {self.code}>"


class RegionLevel(enum.Enum):
    KABUPATEN = "kabupaten"
    KECAMATAN = "kecamatan"
    DESA = "desa"


class Region(db.Model):
    """A kabupaten, kecamatan or desa/kelurahan; `code` is the Kemendagri code where known."""

    __table_args__ = (UniqueConstraint("parent_id", "level", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    level: Mapped[RegionLevel] = enum_column(RegionLevel)
    code: Mapped[str | None] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    is_kelurahan: Mapped[bool] = mapped_column(default=False)
    postal_code: Mapped[str | None] = mapped_column(String(5))
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    # How far from its centre the place reaches (m), estimated from the centroids (crm/visits/reach.py).
    reach_m: Mapped[float | None]

    branch: Mapped[Branch] = relationship()
    parent: Mapped["Region | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Region"]] = relationship(back_populates="parent", order_by="Region.name")

    def __repr__(self) -> str:
        return f"<Region {self.level.value} {self.name}>"


class Agency(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<Agency {self.code}>"
