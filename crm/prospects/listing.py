"""Finding prospects: the list an officer or manager browses and searches."""

import re
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from crm.extensions import db
from crm.models import Prospect, Stage, User
from crm.prospects import scope

PAGE_SIZE = 50


@dataclass(frozen=True)
class ProspectFilter:
    query: str = ""
    stage: Stage | None = None
    kecamatan_id: int | None = None
    mine_only: bool = False


@dataclass(frozen=True)
class ProspectPage:
    prospects: list[Prospect]
    total: int
    page: int
    pages: int


def _search_clause(text: str):
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 6 and len(digits) >= len(text.replace(" ", "")) - 2:
        phone_digits = digits[1:] if digits.startswith("0") else digits.removeprefix("62")
        return or_(Prospect.nik.startswith(digits), Prospect.phone.startswith(f"+62{phone_digits}"))
    return func.lower(Prospect.name).startswith(text.lower()) | func.lower(Prospect.name).contains(
        " " + text.lower())


def find_prospects(user: User, criteria: ProspectFilter, page: int = 1) -> ProspectPage:
    clauses = [scope.visibility_filter(user)]
    if criteria.query.strip():
        clauses.append(_search_clause(criteria.query.strip()))
    if criteria.stage is not None:
        clauses.append(Prospect.stage == criteria.stage)
    if criteria.kecamatan_id:
        clauses.append(Prospect.kecamatan_id == criteria.kecamatan_id)
    if criteria.mine_only:
        clauses.append(Prospect.assigned_officer_id == user.id)
    total = db.session.scalar(select(func.count()).select_from(Prospect).where(*clauses))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = db.session.scalars(
        select(Prospect).where(*clauses)
        .options(selectinload(Prospect.desa), selectinload(Prospect.kecamatan),
                 selectinload(Prospect.assigned_officer))
        .order_by(Prospect.name, Prospect.id).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return ProspectPage(list(rows), total, page, pages)
