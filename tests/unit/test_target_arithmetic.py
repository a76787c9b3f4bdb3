"""Progress toward the branch target, on known years."""

from datetime import date
from fractions import Fraction

from crm.registrations.targets import as_of_for, months_elapsed, progress


def test_months_elapsed_counts_days_of_the_current_month():
    assert months_elapsed(2024, date(2024, 6, 30)) == 6
    assert months_elapsed(2024, date(2024, 10, 15)) == 9 + Fraction(15, 31)
    assert months_elapsed(2024, date(2024, 2, 29)) == 2
    assert months_elapsed(2024, date(2023, 12, 31)) == 0
    assert months_elapsed(2024, date(2025, 1, 1)) == 12


def test_progress_at_the_end_of_june_2024():
    p = progress(year=2024, as_of=date(2024, 6, 30), target=23_000, baseline=20_797, registered=1_350, lapsed=150)
    assert p.active_now == 21_997
    assert round(p.share_of_target, 4) == 0.9564
    assert p.net_gain == 1_200
    assert p.run_rate == 200.0  # 1,200 net over 6 months
    assert p.registrations_per_month == 225.0
    assert p.projection == 23_197  # 21,997 + 200 × 6
    assert p.gap == 1_003
    assert p.needed_per_month == 168  # 1,003 / 6 = 167.2, rounded up
    assert p.on_track is True


def test_2023_the_year_the_branch_lost_2840():
    p = progress(year=2023, as_of=date(2023, 12, 31), target=23_000, baseline=23_637, registered=1_160,
                 lapsed=4_000)
    assert p.active_now == 20_797
    assert p.net_gain == -2_840
    assert round(p.run_rate, 2) == -236.67
    assert p.projection == 20_797  # no month left to carry the rate into
    assert p.gap == 2_203
    assert p.needed_per_month is None
    assert p.on_track is False


def test_before_the_year_starts_there_is_no_rate_and_the_need_is_spread_over_twelve_months():
    p = progress(year=2024, as_of=date(2023, 12, 20), target=23_000, baseline=20_797, registered=0, lapsed=0)
    assert p.run_rate is None and p.projection is None and p.on_track is None
    assert p.needed_per_month == 184  # 2,203 / 12 = 183.6


def test_a_reached_target_needs_nothing_more():
    p = progress(year=2024, as_of=date(2024, 9, 30), target=23_000, baseline=20_797, registered=2_500, lapsed=100)
    assert p.active_now == 23_197 and p.gap == 0 and p.needed_per_month == 0


def test_projection_rounds_half_up():
    # 3 net in 2 months: 1.5 a month for 10 more months → 3 + 15 = 18
    assert progress(year=2024, as_of=date(2024, 2, 29), target=100, baseline=0, registered=3, lapsed=0) \
        .projection == 18
    # 1 net in 8 months: 1/8 a month for 4 more months → 1.5, rounded half up to 2
    assert progress(year=2024, as_of=date(2024, 8, 31), target=100, baseline=0, registered=1, lapsed=0) \
        .projection == 2


def test_the_day_counted_to():
    assert as_of_for(2024, date(2024, 6, 30)) == date(2024, 6, 30)
    assert as_of_for(2023, date(2024, 6, 30)) == date(2023, 12, 31)
    assert as_of_for(2025, date(2024, 6, 30)) == date(2024, 6, 30)
