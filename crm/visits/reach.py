"""How far a place reaches from its centre, estimated from the centroids alone: the distance a visit may
be from a prospect's known place before a manager is asked to look at it.

Sasar knows each desa only by its centroid. A desa's boundary is nearest about half-way to its nearest
neighbouring centroid and farthest, measured on the boundary polygons the centroids were computed from
(shared/data), about one to two nearest-neighbour distances away. So a desa reaches
`DESA_REACH_FACTOR` × the distance to the nearest other desa centroid, at least `DESA_REACH_FLOOR_M`
(villages packed close together still have fields around them, and phones' fixes wander) and at most
`DESA_REACH_CAP_M` (a desa alone at the edge of the map, such as those around Baluran, has no neighbour to
bound it). A kecamatan reaches as far as the farthest reach of its desa from its centre, within
`KECAMATAN_REACH_FLOOR_M` and `KECAMATAN_REACH_CAP_M`.
"""

from sqlalchemy import select

from crm.extensions import db
from crm.models import Region, RegionLevel
from crm.visits.geo import Point, distance_m

DESA_REACH_FACTOR = 1.5
DESA_REACH_FLOOR_M = 2_000
DESA_REACH_CAP_M = 10_000
KECAMATAN_REACH_FLOOR_M = 5_000
KECAMATAN_REACH_CAP_M = 20_000


def _clamp(value: float, floor: float, cap: float) -> float:
    return max(floor, min(cap, value))


def desa_reaches(centroids: dict[int, Point]) -> dict[int, float]:
    """Each desa's reach in metres from the centroids of its branch's desa (id → centroid)."""
    reaches = {}
    for desa_id, centre in centroids.items():
        nearest = min((distance_m(centre, other) for other_id, other in centroids.items() if other_id != desa_id),
                      default=None)
        reaches[desa_id] = DESA_REACH_CAP_M if nearest is None else \
            _clamp(DESA_REACH_FACTOR * nearest, DESA_REACH_FLOOR_M, DESA_REACH_CAP_M)
    return reaches


def kecamatan_reach(centre: Point, desa: list[tuple[Point, float]]) -> float | None:
    """The kecamatan's reach from its centre, given its desa (centroid, reach); None when none is located."""
    if not desa:
        return None
    farthest = max(distance_m(centre, point) + reach for point, reach in desa)
    return _clamp(farthest, KECAMATAN_REACH_FLOOR_M, KECAMATAN_REACH_CAP_M)


def estimate_reaches(branch_id: int | None = None) -> int:
    """Set `Region.reach_m` of every located desa and kecamatan (of one branch, or all); returns how many."""
    regions = select(Region).where(Region.level.in_((RegionLevel.DESA, RegionLevel.KECAMATAN)))
    if branch_id is not None:
        regions = regions.where(Region.branch_id == branch_id)
    rows = db.session.scalars(regions).all()
    located = {r.id: Point.of(r.latitude, r.longitude) for r in rows}
    by_branch: dict[int, dict[int, Point]] = {}
    for region in rows:
        if region.level is RegionLevel.DESA and located[region.id] is not None:
            by_branch.setdefault(region.branch_id, {})[region.id] = located[region.id]
    reaches = {}
    for centroids in by_branch.values():
        reaches.update(desa_reaches(centroids))
    for region in rows:
        if region.level is RegionLevel.DESA:
            region.reach_m = reaches.get(region.id)
    for region in rows:
        if region.level is RegionLevel.KECAMATAN and located[region.id] is not None:
            region.reach_m = kecamatan_reach(located[region.id], [
                (located[d.id], reaches[d.id]) for d in rows if d.parent_id == region.id and d.id in reaches])
    db.session.flush()
    return sum(1 for region in rows if region.reach_m is not None)
