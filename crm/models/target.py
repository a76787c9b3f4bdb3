"""The year's goal for a branch: active participants to reach, from a baseline, with optional splits."""

from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import db
from crm.models.org import Branch, Region
from crm.models.user import User


class Target(db.Model):
    __table_args__ = (UniqueConstraint("branch_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    year: Mapped[int]
    participants: Mapped[int]
    baseline: Mapped[int]

    branch: Mapped[Branch] = relationship()
    splits: Mapped[list["TargetSplit"]] = relationship(back_populates="target", cascade="all, delete-orphan",
                                                       order_by="TargetSplit.id")

    def __repr__(self) -> str:
        return f"<Target {self.branch_id} {self.year}: {self.participants}>"


class TargetSplit(db.Model):
    """New registrations expected from one kecamatan, officer or month (or a combination) of the year.

    The branch target counts active participants; a split counts the registrations that should
    come from its part, which is what an officer or a kecamatan can be held to.
    """

    __table_args__ = (CheckConstraint("month IS NULL OR (month BETWEEN 1 AND 12)", name="month_in_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("target.id", ondelete="CASCADE"), index=True)
    kecamatan_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"))
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    month: Mapped[int | None]
    registrations: Mapped[int]

    target: Mapped[Target] = relationship(back_populates="splits")
    kecamatan: Mapped[Region | None] = relationship()
    officer: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<TargetSplit {self.target_id} {self.kecamatan_id}/{self.officer_id}/{self.month}>"
