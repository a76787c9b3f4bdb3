"""Finding prospects: the list an officer or manager browses and searches."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from crm.extensions import db
from crm.models import Prospect, Sector, Stage, User
from crm.prospects import scope
from crm.prospects.stages import ROAD

PAGE_SIZE = 50


@dataclass(frozen=True)
class ProspectFilter:
    query: str = ""
    stage: Stage | None = None
    kecamatan_id: int | None = None
    mine_only: bool = False
    # Narrowing used by the dashboard's links, so that a list holds exactly the prospects a figure counts.
    branch_id: int | None = None
    agency_id: int | None = None
    desa_id: int | None = None
    officer_id: int | None = None
    sector: Sector | None = None
    batch_id: int | None = None
    created_from: datetime | None = None  # the lead arrived at or after this instant (timezone-aware)
    created_before: datetime | None = None  # … and before this one
    reached: Stage | None = None  # now at this stage of the road or a later one (exits excluded)


@dataclass(frozen=True)
class ProspectPage:
    prospects: list[Prospect]
    total: int
    page: int
    pages: int


def day_bounds(first: date, last: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """The instants (UTC) that open `first` and close `last` as days in `tz`: created_from/created_before."""
    start = datetime.combine(first, time.min, tzinfo=tz)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def _search_clause(text: str):
    digits = re.sub(r"\D", "", text)
    if len(digits) >= 6 and len(digits) >= len(text.replace(" ", "")) - 2:
        phone_digits = digits[1:] if digits.startswith("0") else digits.removeprefix("62")
        return or_(Prospect.nik.startswith(digits), Prospect.phone.startswith(f"+62{phone_digits}"))
    return func.lower(Prospect.name).startswith(text.lower()) | func.lower(Prospect.name).contains(
        " " + text.lower())


def filter_clauses(user: User, criteria: ProspectFilter) -> list:
    """The WHERE clauses on Prospect for what `user` may see and `criteria` asks; the dashboard counts with
    these very clauses, so a figure and the list behind it cannot disagree."""
    clauses = [scope.visibility_filter(user)]
    if criteria.query.strip():
        clauses.append(_search_clause(criteria.query.strip()))
    if criteria.stage is not None:
        clauses.append(Prospect.stage == criteria.stage)
    if criteria.kecamatan_id:
        clauses.append(Prospect.kecamatan_id == criteria.kecamatan_id)
    if criteria.mine_only:
        clauses.append(Prospect.assigned_officer_id == user.id)
    for column, value in ((Prospect.branch_id, criteria.branch_id), (Prospect.source_agency_id, criteria.agency_id),
                          (Prospect.desa_id, criteria.desa_id), (Prospect.assigned_officer_id, criteria.officer_id),
                          (Prospect.lead_batch_id, criteria.batch_id)):
        if value:
            clauses.append(column == value)
    if criteria.sector is not None:
        clauses.append(Prospect.sector == criteria.sector)
    if criteria.created_from is not None:
        clauses.append(Prospect.created_at >= criteria.created_from)
    if criteria.created_before is not None:
        clauses.append(Prospect.created_at < criteria.created_before)
    if criteria.reached is not None:
        clauses.append(Prospect.stage.in_(ROAD[ROAD.index(criteria.reached):]))
    return clauses


def find_prospects(user: User, criteria: ProspectFilter, page: int = 1) -> ProspectPage:
    clauses = filter_clauses(user, criteria)
    total = db.session.scalar(select(func.count()).select_from(Prospect).where(*clauses))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = db.session.scalars(
        select(Prospect).where(*clauses)
        .options(selectinload(Prospect.desa), selectinload(Prospect.kecamatan),
                 selectinload(Prospect.assigned_officer))
        .order_by(Prospect.name, Prospect.id).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return ProspectPage(list(rows), total, page, pages)
