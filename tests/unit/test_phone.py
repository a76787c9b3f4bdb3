"""Indonesian phone numbers in every common writing become E.164; anything else is a reason."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crm.people.phone import mask_phone, parse_phone
from crm.people.problems import Refused


@pytest.mark.parametrize("typed", ["0812-3456-7890", "081234567890", "+62 812 3456 7890", "+62-812-3456-7890",
                                   "6281234567890", "81234567890", "(0812) 3456 7890", "+62 0812 3456 7890",
                                   "0812.3456.7890", 81234567890, 81234567890.0, 6281234567890])
def test_a_mobile_number_in_any_common_form(typed):
    assert parse_phone(typed) == "+6281234567890"


def test_a_situbondo_landline():
    assert parse_phone("0338 671234") == "+62338671234"
    assert parse_phone("(0338) 671234") == "+62338671234"


@pytest.mark.parametrize(("typed", "code"), [
    ("12345", "phone_invalid"), ("0812", "phone_invalid"), ("081234567890123", "phone_invalid"),
    ("tidak tahu", "phone_invalid"), ("+1 202 555 0101", "phone_foreign"), ("+44 20 7946 0958", "phone_foreign"),
    ("0812-3456-7890 / 0813-1111-2222", "phone_several"),
])
def test_what_is_not_an_indonesian_number_is_a_reason_naming_the_column(typed, code):
    with pytest.raises(Refused) as caught:
        parse_phone(typed, "No. Telp")
    assert caught.value.problem.code == code
    assert caught.value.problem.field == "No. Telp" and not str(caught.value.problem).startswith("No. Telp")


def test_masking_shows_the_operator_and_the_last_four_digits():
    assert mask_phone("+6281234567890") == "+62812****7890"
    assert mask_phone(None) == ""


@given(st.one_of(st.text(max_size=30), st.from_regex(r"\A\+?[0-9 ()\-.]{0,20}\Z"), st.integers(), st.floats()))
def test_any_cell_gives_an_e164_number_or_a_reason_never_a_crash(cell):
    try:
        phone = parse_phone(cell, "WA")
    except Refused as refused:
        assert refused.problem.field == "WA" and not str(refused.problem).startswith("WA:")
    else:
        assert phone.startswith("+62") and phone[1:].isdigit()


@given(st.sampled_from(["812", "813", "821", "852", "857", "877", "895"]), st.integers(10_000_000, 99_999_999),
       st.sampled_from(["0{p}{n}", "+62 {p} {n}", "62{p}{n}", "{p}{n}", "0{p}-{n}"]))
def test_every_writing_of_a_mobile_number_gives_the_same_e164(prefix, number, writing):
    assert parse_phone(writing.format(p=prefix, n=number)) == f"+62{prefix}{number}"
