"""Places and distances, through geopy.

Sasar resolves addresses offline from its own region table (RegionGeocoder, a geopy Geocoder); where
the server has internet, Nominatim can be switched on by configuration (SASAR_GEOCODER = "nominatim"),
rate-limited to Nominatim's one request per second and cached.
"""

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from geopy.distance import geodesic
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from sqlalchemy import select

from crm.extensions import db
from crm.models import Prospect, Region, RegionLevel
from crm.reference import place_key

_PLACE_PREFIX = re.compile(r"^\s*(desa|ds|kelurahan|kel|kecamatan|kec)\b\.?\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float

    @classmethod
    def of(cls, latitude, longitude) -> "Point | None":
        if latitude is None or longitude is None:
            return None
        return cls(float(latitude), float(longitude))


def distance_m(a: Point, b: Point) -> float:
    """The geodesic (WGS-84 ellipsoid) distance in metres."""
    return geodesic((a.latitude, a.longitude), (b.latitude, b.longitude)).meters


def is_plausible(latitude: float, longitude: float) -> bool:
    return -90 <= latitude <= 90 and -180 <= longitude <= 180


def _bare_place(name: str) -> str:
    return place_key(_PLACE_PREFIX.sub("", name))


class RegionGeocoder(Geocoder):
    """Resolves "desa, kecamatan" (either part alone too) to the centroid kept in the region table."""

    def __init__(self, branch_id: int | None = None):
        super().__init__()
        self.branch_id = branch_id

    def geocode(self, query: str, *, exactly_one: bool = True, timeout=None):
        parts = [_bare_place(part) for part in query.split(",") if part.strip()]
        if not parts:
            return None
        regions = select(Region).where(Region.latitude.is_not(None))
        if self.branch_id is not None:
            regions = regions.where(Region.branch_id == self.branch_id)
        candidates = db.session.scalars(regions).all()
        wanted_kecamatan = parts[1] if len(parts) > 1 else None
        matches = [r for r in candidates if r.level is RegionLevel.DESA and place_key(r.name) == parts[0]
                   and (wanted_kecamatan is None or place_key(r.parent.name) == wanted_kecamatan)]
        if not matches:
            matches = [r for r in candidates if r.level is RegionLevel.KECAMATAN and place_key(r.name) == parts[-1]]
        locations = [self._location(region) for region in matches]
        if not locations:
            return None
        return locations[0] if exactly_one else locations

    @staticmethod
    def _location(region: Region) -> Location:
        names = [region.name] + ([region.parent.name] if region.parent else [])
        return Location(", ".join(names), (float(region.latitude), float(region.longitude)),
                        {"region_id": region.id, "level": region.level.value})


@lru_cache(maxsize=4096)
def _cached_nominatim(query: str, user_agent: str):
    geocode = RateLimiter(Nominatim(user_agent=user_agent).geocode, min_delay_seconds=1.0)
    return geocode(query, country_codes="id")


def geocode(query: str, config: dict, branch_id: int | None = None) -> Location | None:
    """Resolve an address with the configured geocoder, falling back to the region table."""
    if config.get("SASAR_GEOCODER") == "nominatim":
        found = _cached_nominatim(query, config.get("SASAR_NOMINATIM_USER_AGENT", "sasar-crm"))
        if found is not None:
            return found
    return RegionGeocoder(branch_id).geocode(query)


@dataclass(frozen=True)
class KnownPlace:
    point: Point
    precision: str  # "fix" (a good visit fix), "desa", "kecamatan" (its centre: only roughly where they are)
    reach_m: float | None = None  # how far the desa or kecamatan reaches from its centre, when estimated
    name: str | None = None       # the desa's or kecamatan's name


def known_place(prospect: Prospect) -> KnownPlace | None:
    """Where the prospect is believed to be: a good visit fix, else the desa centroid, else the kecamatan's."""
    point = Point.of(prospect.latitude, prospect.longitude)
    if point is not None:
        return KnownPlace(point, "fix")
    for region in (prospect.desa, prospect.kecamatan):  # read only when needed: each may cost a query
        point = Point.of(region.latitude, region.longitude) if region is not None else None
        if point is not None:
            return KnownPlace(point, region.level.value, region.reach_m, region.name)
    return None


def known_location(prospect: Prospect) -> Point | None:
    place = known_place(prospect)
    return place.point if place else None


def as_decimal(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


@dataclass(frozen=True)
class FixAssessment:
    distance_m: float | None
    flag_reason: str | None  # "far", "poor_fix" or "no_fix"; None when the visit looks right
    max_distance_m: float | None = None  # the distance allowed, when there was a place to measure from

    @property
    def flagged(self) -> bool:
        return self.flag_reason is not None


def assess_fix(expected: Point | None, fix: Point | None, accuracy_m: float | None, *,
               max_distance_m: float, max_accuracy_m: float) -> FixAssessment:
    """Compare where a visit was logged with where the prospect is known to be.

    A fix worse than `max_accuracy_m`, or farther than `max_distance_m` from the known place, is flagged
    for a manager — never refused: villages are large and phones' fixes are rough. The caller widens
    `max_distance_m` by how well the place is known (FlagRules.max_distance_for).
    """
    limit = max_distance_m if expected is not None else None
    if fix is None:
        return FixAssessment(None, "no_fix", limit)
    distance = distance_m(expected, fix) if expected is not None else None
    if accuracy_m is not None and accuracy_m > max_accuracy_m:
        return FixAssessment(distance, "poor_fix", limit)
    if distance is not None and distance > max_distance_m:
        return FixAssessment(distance, "far", limit)
    return FixAssessment(distance, None, limit)
