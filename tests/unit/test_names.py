"""Names are kept as written; very similar names (one typo, Moh./Muhammad, honorifics) are noticed."""

import pytest

from crm.people.names import NameIndex, clean_name, name_key, name_similarity, parse_name
from crm.people.problems import Refused


def test_a_name_keeps_its_letters_and_loses_only_extra_spaces():
    assert clean_name("  Pak   Jamalûddin ") == "Pak Jamalûddin"
    assert parse_name("Siti Ma’rifah") == "Siti Ma’rifah"


@pytest.mark.parametrize(("typed", "code"), [("", "name_missing"), ("   ", "name_missing"), ("123", "name_no_letters"),
                                             ("x" * 161, "name_too_long")])
def test_a_row_needs_a_usable_name(typed, code):
    with pytest.raises(Refused) as caught:
        parse_name(typed, "Nama")
    assert caught.value.problem.code == code
    assert caught.value.problem.field == "Nama" and not str(caught.value.problem).startswith("Nama")


def test_the_key_sets_aside_case_accents_honorifics_and_spellings_of_muhammad():
    assert name_key("Pak Moh. Jamalûddin") == name_key("muhammad jamaluddin") == "muhammad jamaluddin"
    assert name_key("Siti Ma’rifah") == name_key("SITI MARIFAH")


@pytest.mark.parametrize(("first", "second"), [("Siti Ma’rifah", "Sitti Marifah"), ("Ahmad Hidayat", "Ahmad Hidayad"),
                                               ("Moh. Hasan", "Muhammad Hasan"), ("Bu Sumiati", "Sumiati")])
def test_very_similar_names(first, second):
    assert name_similarity(first, second) >= 90


@pytest.mark.parametrize(("first", "second"), [("Siti Aminah", "Siti Halimah"), ("Ahmad Hidayat", "Agus Santoso")])
def test_different_people(first, second):
    assert name_similarity(first, second) < 90


def test_the_index_finds_the_look_alike_and_nothing_for_a_stranger():
    index = NameIndex()
    for number, name in enumerate(["Siti Ma’rifah", "Ahmad Hidayat", "Slamet Riyadi"]):
        index.add(name_key(name), number)
    assert index.find(name_key("Sitti Marifah")) == 0
    assert index.find(name_key("Ahmad Hidayat")) == 1
    assert index.find(name_key("Bambang Sugeng")) is None
