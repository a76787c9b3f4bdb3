"""The day plan measures each distance between two places once: most stops share their desa's centre."""

from crm.visits import dayplan
from crm.visits.geo import Point, distance_m

KILENSARI, TANJUNG_KAMAL, PATOKAN = Point(-7.7011, 113.9383), Point(-7.6541, 114.0330), Point(-7.7003, 113.9812)


def test_stops_at_the_same_place_cost_no_new_distance(monkeypatch):
    measured = []

    def counting(a, b):
        measured.append((a, b))
        return distance_m(a, b)

    monkeypatch.setattr(dayplan, "distance_m", counting)
    places = [(f"kilensari {n}", KILENSARI) for n in range(10)] + [(f"tanjung kamal {n}", TANJUNG_KAMAL)
                                                                   for n in range(10)]
    plan = dayplan.plan_route(PATOKAN, places)
    assert [stop.item for stop in plan.stops][:10] == [f"kilensari {n}" for n in range(10)]
    assert [stop.leg_m for stop in plan.stops[1:10]] == [0.0] * 9
    assert len(measured) == 3  # start–Kilensari, start–Tanjung Kamal, Kilensari–Tanjung Kamal
