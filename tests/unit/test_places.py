"""Desa and kecamatan names as people write them, matched to Situbondo's real regions."""

import pytest
from areaid import buka_data

from crm.reference import SITUBONDO, Place, PlaceMatcher


@pytest.fixture(scope="module")
def situbondo():
    """A matcher over the real regions (the same source the reference data loads), and a name for each id."""
    province = buka_data(SITUBONDO.province)[0]
    source = next(k for k in province["kabupaten"] if k["kab_kota"] == SITUBONDO.areaid_name)
    kecamatan, desa, names, next_id = [], [], {}, 1
    for entry in source["kecamatan"]:
        kecamatan_id, next_id = next_id, next_id + 1
        kecamatan.append(Place(kecamatan_id, entry["kec"], None))
        names[kecamatan_id] = entry["kec"]
        for village in entry["kelurahan"]:
            desa.append(Place(next_id, village["kelu"], kecamatan_id))
            names[next_id] = f"{village['kelu']}/{entry['kec']}"
            next_id += 1
    matcher = PlaceMatcher(kecamatan, desa)

    def found(desa_text, kecamatan_text=""):
        match = matcher.match(desa_text, kecamatan_text)
        return names.get(match.desa_id), names.get(match.kecamatan_id), match.resolved

    return found


@pytest.mark.parametrize(("written", "expected"), [
    ("Kilensari", "Kilensari/Panarukan"), ("KILENSARI", "Kilensari/Panarukan"),
    ("Ds. Kilensari", "Kilensari/Panarukan"),
    ("Desa Kilensari", "Kilensari/Panarukan"), ("ds kilensari", "Kilensari/Panarukan"),
    ("Kel. Patokan", "Patokan/Situbondo"), ("Kelurahan Patokan", "Patokan/Situbondo"),
    ("Banyu Putih", "Banyu Putih/Banyuputih"), ("banyuputih", "Banyu Putih/Banyuputih"),
    ("Tanjung-Kamal", "Tanjung Kamal/Mangaran"), ("Awar awar", "Awar-Awar/Asembagus"),
    ("Kilensary", "Kilensari/Panarukan"), ("Kedunglo", "Kedonglo/Asembagus"),
    ("Ds. Kalianget", "Kalianget/Banyuglugur"),
])
def test_desa_written_every_which_way(situbondo, written, expected):
    desa, kecamatan, resolved = situbondo(written)
    assert desa == expected and resolved
    assert kecamatan == expected.split("/")[1]


def test_the_kecamatan_settles_a_desa_name_used_in_several(situbondo):
    assert situbondo("Sumberanyar") == (None, None, False)
    assert situbondo("Sumberanyar", "Banyu Putih")[0] == "Sumberanyar/Banyuputih"
    assert situbondo("Sumberanyar", "Kec. Mlandingan")[0] == "Sumber Anyar/Mlandingan"


def test_within_a_known_kecamatan_a_rougher_spelling_is_enough(situbondo):
    assert situbondo("Curah Cottok", "Kapongan")[0] == "Corak Cotok/Kapongan"


def test_a_kecamatan_alone(situbondo):
    assert situbondo("", "Banyu Putih") == (None, "Banyuputih", True)
    assert situbondo("", "kec. situbondo") == (None, "Situbondo", True)


def test_an_unknown_place_is_unresolved_not_refused(situbondo):
    assert situbondo("Kampung Baru", "Panarukan") == (None, "Panarukan", False)
    assert situbondo("Ds. Kalbut", "") == (None, None, False)
    assert situbondo("Nowhere", "Atlantis") == (None, None, False)


def test_two_close_names_are_not_guessed_between(situbondo):
    assert situbondo("Dawuhan")[0] == "Dawuhan/Situbondo"
    assert situbondo("Dawuan")[0] == "Dawuan/Suboh"
