"""The year's goal for a branch: active participants to reach, from a baseline."""

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.extensions import db
from crm.models.org import Branch


class Target(db.Model):
    __table_args__ = (UniqueConstraint("branch_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("branch.id"))
    year: Mapped[int]
    participants: Mapped[int]
    baseline: Mapped[int]

    branch: Mapped[Branch] = relationship()

    def __repr__(self) -> str:
        return f"<Target {self.branch_id} {self.year}: {self.participants}>"
