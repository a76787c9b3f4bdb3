"""The reach of a place from its centroid (crm/visits/reach.py), on Situbondo's real desa centroids
(tests/data/situbondo_desa_centroids.csv, a copy of shared/data's: MIT, cahyadsn/wilayah_boundaries)."""

import csv
from pathlib import Path

import pytest

from crm.visits.geo import Point
from crm.visits.reach import (
    DESA_REACH_CAP_M,
    DESA_REACH_FLOOR_M,
    KECAMATAN_REACH_CAP_M,
    KECAMATAN_REACH_FLOOR_M,
    desa_reaches,
    kecamatan_reach,
)

CENTROIDS = Path(__file__).parent.parent / "data" / "situbondo_desa_centroids.csv"


@pytest.fixture(scope="module")
def reaches():
    with open(CENTROIDS, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {row["nama"] + " " + row["kecamatan_kode"]: reach for row, reach in zip(rows, desa_reaches(
        {n: Point(float(row["lat"]), float(row["lng"])) for n, row in enumerate(rows)}).values(), strict=True)}


def test_a_desa_reaches_one_and_a_half_times_the_distance_to_its_nearest_neighbour(reaches):
    # Banyuputih's nearest neighbour, Sumberejo, is 2,609 m away.
    assert reaches["Banyuputih 35.12.14"] == pytest.approx(1.5 * 2609, abs=2)
    assert reaches["Kilensari 35.12.06"] == pytest.approx(1.5 * 2951, abs=2)


def test_close_packed_desa_get_the_floor_and_lone_ones_the_cap(reaches):
    assert reaches["Bloro 35.12.02"] == DESA_REACH_FLOOR_M       # Langkap's centre is 888 m away
    assert reaches["Sumberwaru 35.12.14"] == DESA_REACH_CAP_M    # Baluran: the nearest centre is 6,974 m away
    assert desa_reaches({1: Point(-7.7, 113.9)}) == {1: DESA_REACH_CAP_M}


def test_a_kecamatan_reaches_as_far_as_its_farthest_desa_reaches():
    centre = Point(-7.8333, 114.3468)                            # Banyuputih's kecamatan centre
    wonorejo, banyuputih = Point(-7.892392, 114.372832), Point(-7.758392, 114.248233)
    reach = kecamatan_reach(centre, [(wonorejo, 3000), (banyuputih, 3914)])
    assert reach == pytest.approx(13_556 + 3914, rel=0.01)
    assert kecamatan_reach(centre, [(centre, 100)]) == KECAMATAN_REACH_FLOOR_M
    assert kecamatan_reach(centre, [(Point(-7.2, 112.7), 5000)]) == KECAMATAN_REACH_CAP_M
    assert kecamatan_reach(centre, []) is None
