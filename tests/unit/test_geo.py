import pytest

from crm.visits.dayplan import plan_route
from crm.visits.geo import Point, assess_fix, distance_m

# Desa centroids of Kabupaten Situbondo (shared/data/situbondo_desa_centroids.csv).
KILENSARI = Point(-7.701258, 113.938119)        # Panarukan
TANJUNG_KAMAL = Point(-7.653636, 114.064859)    # Mangaran
PATOKAN = Point(-7.701876, 113.990785)          # Situbondo (kelurahan)
SUMBERWARU = Point(-7.829817, 114.365033)       # Banyuputih, near Baluran
PESISIR_BESUKI = Point(-7.727321, 113.686973)   # Besuki


def test_geodesic_distances_between_situbondo_villages():
    assert distance_m(KILENSARI, PATOKAN) == pytest.approx(5_811, rel=0.001)
    assert distance_m(PESISIR_BESUKI, SUMBERWARU) == pytest.approx(75_645, rel=0.001)
    assert distance_m(KILENSARI, KILENSARI) == 0


def test_a_visit_at_the_village_is_not_flagged():
    near = Point(KILENSARI.latitude + 0.004, KILENSARI.longitude)  # ~440 m north
    result = assess_fix(KILENSARI, near, 12.0, max_distance_m=2000, max_accuracy_m=500)
    assert not result.flagged and result.distance_m == pytest.approx(442, rel=0.02)


def test_a_visit_logged_in_another_village_is_flagged_far():
    result = assess_fix(TANJUNG_KAMAL, PATOKAN, 10.0, max_distance_m=2000, max_accuracy_m=500)
    assert result.flag_reason == "far" and result.distance_m == pytest.approx(9_760, rel=0.001)


def test_a_rough_fix_is_flagged_even_when_close():
    result = assess_fix(KILENSARI, KILENSARI, 900.0, max_distance_m=2000, max_accuracy_m=500)
    assert result.flag_reason == "poor_fix"


def test_a_visit_without_position_is_flagged_for_review():
    assert assess_fix(KILENSARI, None, None, max_distance_m=2000, max_accuracy_m=500).flag_reason == "no_fix"


def test_the_threshold_is_configurable():
    assert assess_fix(TANJUNG_KAMAL, PATOKAN, 10.0, max_distance_m=20_000, max_accuracy_m=500).flagged is False


def test_day_plan_visits_the_nearest_next_and_sums_the_legs():
    start = PATOKAN
    places = [("sumberwaru", SUMBERWARU), ("tanjung kamal", TANJUNG_KAMAL), ("kilensari", KILENSARI),
              ("no place", None), ("besuki", PESISIR_BESUKI)]
    plan = plan_route(start, places)
    assert [stop.item for stop in plan.stops] == ["kilensari", "tanjung kamal", "sumberwaru", "besuki"]
    assert plan.unplaced == ["no place"]
    assert plan.stops[0].leg_m == pytest.approx(distance_m(PATOKAN, KILENSARI))
    assert plan.total_m == pytest.approx(sum(s.leg_m for s in plan.stops))
    assert plan.stops[0].geo_uri == "geo:-7.701258,113.938119?q=-7.701258,113.938119"


def test_empty_day_plan():
    plan = plan_route(PATOKAN, [])
    assert plan.stops == [] and plan.total_m == 0
