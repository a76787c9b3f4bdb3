"""The monthly contribution: the DOMAIN.md examples, rates by date, and the PP 50/2025 discount as data."""

from datetime import date
from decimal import Decimal

import pytest

from crm.errors import Invalid
from crm.models import Payer, Programme, RateKind, Sector
from crm.reference import DEFAULT_RATES, RATES_EFFECTIVE_FROM
from crm.registrations.contributions import (
    MINIMUM_DECLARED_INCOME,
    Rate,
    RateTable,
    compute_contribution,
    sector_group_of,
)

JKK, JKM, JHT = Programme.JKK, Programme.JKM, Programme.JHT
PERCENT, FLAT = RateKind.PERCENT_OF_INCOME, RateKind.FLAT
DAY = date(2024, 6, 1)


def _as_rates(rows) -> list[Rate]:
    return [Rate(r.programme, r.kind, r.value, r.effective_from, r.effective_to, r.sector_group, r.payer,
                 r.payer_excluded, id=n, note=r.note) for n, r in enumerate(rows, 1)]


def default_rates() -> list[Rate]:
    """The general rows Sasar ships (from July 2015)."""
    return _as_rates(r for r in DEFAULT_RATES if r.effective_from == RATES_EFFECTIVE_FROM)


def shipped_rates() -> list[Rate]:
    """Every row `sasar init` loads, PP 50/2025 included."""
    return _as_rates(DEFAULT_RATES)


@pytest.fixture
def table() -> RateTable:
    return RateTable(default_rates())


@pytest.mark.parametrize(("income", "programmes", "expected"), [
    (1_000_000, {JKK, JKM}, 16_800),
    (1_000_000, {JKK, JKM, JHT}, 36_800),
    (2_750_000, {JKK, JKM, JHT}, 89_300),
])
def test_the_domain_examples(table, income, programmes, expected):
    assert compute_contribution(income, programmes, on=DAY, table=table).total == expected


def test_each_programme_has_its_own_line(table):
    contribution = compute_contribution(2_750_000, {JKK, JKM, JHT}, on=DAY, table=table)
    assert [(line.programme, line.amount) for line in contribution.lines] == [(JKK, 27_500), (JKM, 6_800),
                                                                              (JHT, 55_000)]
    assert contribution.amount_for(JHT) == 55_000 and contribution.amount_for(JKK) == 27_500


def test_amounts_are_rounded_half_up_to_whole_rupiah_per_programme():
    table = RateTable([Rate(JKK, PERCENT, Decimal("0.5"), DAY), Rate(JKM, FLAT, Decimal("3400"), DAY)])
    # 0.5% of 1,234,567 = 6,172.835 → 6,173; 0.5% of 1,000,100 = 5,000.5 → 5,001
    assert compute_contribution(1_234_567, {JKK, JKM}, on=DAY, table=table).total == 6_173 + 3_400
    assert compute_contribution(1_000_100, {JKK, JKM}, on=DAY, table=table).amount_for(JKK) == 5_001


def test_income_below_the_minimum_and_missing_programmes_are_refused(table):
    with pytest.raises(Invalid) as below:
        compute_contribution(MINIMUM_DECLARED_INCOME - 1, {JKK, JKM}, on=DAY, table=table)
    assert below.value.details["field"] == "declared_income"
    with pytest.raises(Invalid) as missing:
        compute_contribution(1_500_000, {JKK, JHT}, on=DAY, table=table)
    assert missing.value.details["field"] == "programmes"


def test_a_rate_change_applies_from_its_date_and_not_before():
    rates = default_rates()
    rates[1] = Rate(JKM, FLAT, Decimal("6800"), RATES_EFFECTIVE_FROM, date(2025, 6, 30), id=2)
    rates.append(Rate(JKM, FLAT, Decimal("7500"), date(2025, 7, 1), id=4))
    table = RateTable(rates)
    assert compute_contribution(1_000_000, {JKK, JKM}, on=date(2025, 6, 30), table=table).total == 16_800
    assert compute_contribution(1_000_000, {JKK, JKM}, on=date(2025, 7, 1), table=table).total == 17_500


def test_a_later_open_ended_row_wins_over_an_earlier_one():
    table = RateTable([*default_rates(), Rate(JHT, PERCENT, Decimal("2.5"), date(2025, 1, 1), id=9)])
    assert compute_contribution(1_000_000, {JKK, JKM, JHT}, on=date(2024, 12, 31), table=table).total == 36_800
    assert compute_contribution(1_000_000, {JKK, JKM, JHT}, on=date(2025, 1, 1), table=table).total == 41_800


def test_no_rate_in_force_is_an_error_not_a_zero():
    with pytest.raises(Invalid):
        compute_contribution(1_000_000, {JKK, JKM}, on=date(2010, 1, 1), table=RateTable(default_rates()))


def test_the_shipped_rates_carry_the_pp_50_2025_discount():
    table = RateTable(shipped_rates())
    farmer, ojek = sector_group_of(Sector.FARMING), sector_group_of(Sector.TRANSPORT)

    def total(on, sector_group, payer, programmes=frozenset({JKK, JKM})):
        return compute_contribution(1_000_000, programmes, on=on, sector_group=sector_group, payer=payer,
                                    table=table).total

    may_2026 = date(2026, 5, 15)
    assert total(may_2026, farmer, Payer.WORKER) == 8_400  # halved
    assert total(may_2026, farmer, Payer.APBD) == 16_800  # the regency budget pays: no discount
    assert total(may_2026, farmer, Payer.DANA_DESA) == 8_400
    assert total(may_2026, farmer, Payer.WORKER, {JKK, JKM, JHT}) == 28_400  # JHT is not halved
    # transport from January 2026 to March 2027; other sectors only April to December 2026
    assert total(date(2026, 2, 1), ojek, Payer.WORKER) == 8_400
    assert total(date(2026, 2, 1), farmer, Payer.WORKER) == 16_800
    assert total(date(2027, 2, 1), ojek, Payer.WORKER) == 8_400
    assert total(date(2027, 2, 1), farmer, Payer.WORKER) == 16_800
    assert total(date(2027, 4, 1), ojek, Payer.WORKER) == 16_800
    assert total(date(2025, 12, 31), farmer, Payer.WORKER) == 16_800
    assert total(date(2026, 12, 31), farmer, Payer.WORKER) == 8_400
    assert total(date(2027, 1, 1), farmer, Payer.WORKER) == 16_800
    assert total(date(2026, 3, 31), farmer, Payer.WORKER) == 16_800
    assert total(date(2027, 3, 31), ojek, Payer.APBD) == 16_800


def test_a_reduced_contribution_says_which_rows_cut_it_and_until_when():
    table = RateTable(shipped_rates())
    farmer = compute_contribution(1_000_000, {JKK, JKM, JHT}, on=date(2026, 12, 10), table=table,
                                  sector_group=sector_group_of(Sector.FARMING), payer=Payer.WORKER)
    assert [(a.programmes, a.share_off, a.basis, a.until, a.withheld) for a in farmer.adjustments] == [
        ((JKK, JKM), Decimal("0.5"), "PP 50/2025", date(2026, 12, 31), None)]
    ojek = compute_contribution(1_000_000, {JKK, JKM}, on=date(2026, 12, 10), table=table,
                                sector_group=sector_group_of(Sector.TRANSPORT), payer=Payer.WORKER)
    assert [a.until for a in ojek.adjustments] == [date(2027, 3, 31)]
    regency = compute_contribution(1_000_000, {JKK, JKM}, on=date(2026, 12, 10), table=table,
                                   sector_group=sector_group_of(Sector.FARMING), payer=Payer.APBD)
    assert regency.total == 16_800
    assert [(a.programmes, a.withheld) for a in regency.adjustments] == [((JKK, JKM), Payer.APBD)]
    before = compute_contribution(1_000_000, {JKK, JKM}, on=date(2025, 12, 10), table=table, payer=Payer.APBD)
    assert before.adjustments == ()


def test_the_most_specific_row_wins():
    table = RateTable([
        Rate(JKM, FLAT, Decimal("6800"), date(2020, 1, 1), id=1),
        Rate(JKM, FLAT, Decimal("5000"), date(2020, 1, 1), payer=Payer.APBD, payer_excluded=True, id=2),
        Rate(JKM, FLAT, Decimal("4000"), date(2020, 1, 1), payer=Payer.SPONSOR, id=3),
        Rate(JKM, FLAT, Decimal("3000"), date(2020, 1, 1), sector_group="fishing", id=4),
    ])
    rate = table.rate_in_force
    assert rate(JKM, DAY, payer=Payer.APBD).value == 6800
    assert rate(JKM, DAY, payer=Payer.WORKER).value == 5000
    assert rate(JKM, DAY, payer=Payer.SPONSOR).value == 4000
    assert rate(JKM, DAY, sector_group="fishing", payer=Payer.SPONSOR).value == 3000
