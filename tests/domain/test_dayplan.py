"""Where the officer's day starts, for the plan page and the phone's working set alike."""

from crm.models import Role
from crm.visits.dayplan import starting_point
from crm.visits.geo import Point
from tests.factories import make_user


def test_the_day_starts_where_the_phone_is_when_it_says(db):
    officer = make_user(Role.OFFICER, "hendra", kecamatan=("Panarukan",))
    assert starting_point(officer, -7.70, 113.94) == (Point(-7.70, 113.94), True)


def test_without_a_usable_position_the_day_starts_at_the_first_kecamatans_centre(db):
    officer = make_user(Role.OFFICER, "hendra", kecamatan=("Panarukan",))
    centre = officer.kecamatan[0]
    assert centre.latitude is not None
    expected = (Point.of(centre.latitude, centre.longitude), False)
    assert starting_point(officer) == expected
    assert starting_point(officer, 95.0, 500.0) == expected  # not a place on Earth
    assert starting_point(officer, -7.70, None) == expected


def test_an_officer_without_a_placed_kecamatan_has_no_start(db):
    assert starting_point(make_user(Role.OFFICER, "budi")) == (None, False)
