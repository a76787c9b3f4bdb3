"""Where the cohort's prospects and participants are: one point per desa, or per kecamatan where the desa
(or its centroid) is not known. Desa centroids come from `flask sasar load-centroids`; every kecamatan has one.
"""

from dataclasses import dataclass
from datetime import tzinfo

from sqlalchemy import case, func, select

from crm.dashboard.filters import DashboardFilter
from crm.extensions import db
from crm.models import Prospect, Region, RegionLevel, Stage, User
from crm.prospects.listing import filter_clauses

# Situbondo's centre (shared/DOMAIN.md): where the map opens when no branch region has a centroid.
DEFAULT_CENTER = (-7.8014, 114.0514)


def map_center(branch_ids: list[int]) -> tuple[float, float]:
    """Where the map opens before its markers arrive: the first kabupaten of the branches."""
    region = db.session.scalar(select(Region).where(Region.branch_id.in_(branch_ids),
                                                    Region.level == RegionLevel.KABUPATEN,
                                                    Region.latitude.is_not(None)).order_by(Region.id).limit(1))
    return (float(region.latitude), float(region.longitude)) if region else DEFAULT_CENTER


@dataclass
class MapPoint:
    level: str  # "desa" or "kecamatan"
    region_id: int
    name: str
    kecamatan: str | None
    latitude: float
    longitude: float
    prospects: int = 0
    registered: int = 0


@dataclass(frozen=True)
class MapData:
    points: list[MapPoint]
    unplaced_prospects: int  # no kecamatan known (or no centroid for it)
    unplaced_registered: int


def map_points(user: User, flt: DashboardFilter, tz: tzinfo) -> MapData:
    """The cohort (crm/dashboard/funnel.py) counted by place: one aggregate query, then the places' centroids."""
    registered = func.sum(case((Prospect.stage == Stage.REGISTERED, 1), else_=0))
    rows = db.session.execute(
        select(Prospect.desa_id, Prospect.kecamatan_id, func.count(), registered)
        .where(*filter_clauses(user, flt.prospect_filter(tz)))
        .group_by(Prospect.desa_id, Prospect.kecamatan_id)).all()
    ids = {i for desa_id, kecamatan_id, _, _ in rows for i in (desa_id, kecamatan_id) if i is not None}
    regions = {r.id: r for r in db.session.scalars(select(Region).where(Region.id.in_(ids)))} if ids else {}
    points: dict[int, MapPoint] = {}
    unplaced = [0, 0]
    for desa_id, kecamatan_id, count, reg in rows:
        place = regions.get(desa_id)
        if place is None or place.latitude is None or place.longitude is None:
            place = regions.get(kecamatan_id if kecamatan_id is not None else (place.parent_id if place else None))
        if place is None or place.latitude is None or place.longitude is None:
            unplaced[0] += count
            unplaced[1] += int(reg or 0)
            continue
        point = points.get(place.id)
        if point is None:
            parent = regions.get(place.parent_id) if place.level is RegionLevel.DESA else None
            point = points[place.id] = MapPoint(
                "desa" if place.level is RegionLevel.DESA else "kecamatan", place.id, place.name,
                parent.name if parent else None, float(place.latitude), float(place.longitude))
        point.prospects += count
        point.registered += int(reg or 0)
    return MapData(sorted(points.values(), key=lambda p: -p.prospects), unplaced[0], unplaced[1])
