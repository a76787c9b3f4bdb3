"""NIK rules: 16 digits, a known region, a date of birth (+40 for women), never serial 0000, never a
spreadsheet number — and whatever is typed, an answer: the NIK or a reason naming the column."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.id import nik as stdnum_nik

from crm.people.nik import mask_nik, parse_nik
from crm.people.problems import Refused


def refusal(value, field="No KTP"):
    with pytest.raises(Refused) as caught:
        parse_nik(value, field)
    return caught.value.problem


@pytest.mark.parametrize("typed", ["3512064507850003", " 3512 0645 0785 0003 ", "3512.0645.0785.0003",
                                   "3512-0645-0785-0003", "'3512064507850003"])
def test_a_nik_is_sixteen_digits_whatever_separates_them(typed):
    assert parse_nik(typed) == "3512064507850003"


def test_a_woman_is_born_on_the_day_plus_forty_and_a_man_on_the_day():
    assert parse_nik("3512064507850003") == "3512064507850003"  # a woman born 5 July 1985
    assert parse_nik("3512060507850003") == "3512060507850003"  # a man born the same day


def test_a_nik_from_another_regency_is_valid():
    assert parse_nik("3171011708450001") == "3171011708450001"  # Jakarta


def test_fifteen_digits_says_how_many_and_names_the_column():
    problem = refusal("351206450785000")
    assert problem.code == "nik_length"
    assert str(problem) == "A NIK is 16 digits; this one has 15." and problem.field == "No KTP"


@pytest.mark.parametrize("cell", [3512064507850003, 3.512064507850003e15, "3.51204E+15", "3,51206E+15",
                                  "3.51206e15"])
def test_a_spreadsheet_number_is_refused_with_the_advice_to_use_text(cell):
    problem = refusal(cell)
    assert problem.code == "nik_spreadsheet_number"
    assert "Format the column as Text" in str(problem)
    assert problem.field == "No KTP" and not str(problem).startswith("No KTP")


def test_a_spreadsheet_number_is_quoted_masked():
    assert "3512…0003" in str(refusal(3512064507850003))


@pytest.mark.parametrize(("typed", "code"), [
    ("3512O64507850003", "nik_not_digits"),
    ("9912064507850003", "nik_region"),  # no province 99
    ("3500064507850003", "nik_region"),  # no regency 00
    ("3512004507850003", "nik_region"),  # no kecamatan 00
    ("3512063207850003", "nik_birth_date"),  # day 32
    ("3512067207850003", "nik_birth_date"),  # day 32 for a woman (72)
    ("3512064513850003", "nik_birth_date"),  # month 13
    ("3512060002850003", "nik_birth_date"),  # day 00
    ("3512064507850000", "nik_serial"),
])
def test_each_broken_part_has_its_own_reason(typed, code):
    assert refusal(typed).code == code


def test_masking_keeps_the_region_and_the_serial_only():
    assert mask_nik("3512064507850003") == "3512********0003"
    assert mask_nik(None) == ""


@given(st.one_of(st.text(max_size=40), st.integers(), st.floats(allow_nan=True), st.none(), st.booleans()))
def test_any_cell_gives_a_nik_or_a_reason_never_a_crash(cell):
    try:
        nik = parse_nik(cell if cell is not None else "", "NIK")
    except Refused as refused:
        text = str(refused.problem)
        assert refused.problem.field == "NIK" and not text.startswith("NIK:") and len(text) > 10
    else:
        assert len(nik) == 16 and nik.isdigit() and nik[12:] != "0000"


@given(st.from_regex(r"\A[0-9]{16}\Z"))
def test_sixteen_digits_are_judged_as_stdnum_judges_them_plus_our_two_rules(digits):
    ours_ok = True
    try:
        parse_nik(digits)
    except Refused:
        ours_ok = False
    expected = stdnum_nik.is_valid(digits) and digits[12:] != "0000" and "00" not in (digits[2:4], digits[4:6])
    assert ours_ok == expected


@given(st.integers(min_value=1, max_value=17), st.dates(), st.booleans(), st.integers(min_value=1, max_value=9999))
def test_every_situbondo_nik_built_from_a_real_birthday_is_accepted(kecamatan, born, woman, serial):
    digits = f"3512{kecamatan:02d}{born.day + (40 if woman else 0):02d}{born:%m}{born.year % 100:02d}{serial:04d}"
    assert parse_nik(digits) == digits
