"""Column titles are recognised in Indonesian and English and their usual variants; the liaison's
corrections win; no field is taken by two columns."""

import pytest

from crm.leads.mapping import LeadField, column_letter, guess_field, header_key, propose_mapping

F = LeadField


@pytest.mark.parametrize(("title", "field"), [
    ("Nama", F.NAME), ("Nama Lengkap", F.NAME), ("NAMA KPM", F.NAME), ("Full name", F.NAME),
    ("NIK", F.NIK), ("No KTP", F.NIK), ("No. KTP", F.NIK), ("NIK (16 digit)", F.NIK),
    ("Nomor Induk Kependudukan", F.NIK),
    ("No HP", F.PHONE), ("No. Telp", F.PHONE), ("WA", F.PHONE), ("No. HP/WA", F.PHONE), ("Phone", F.PHONE),
    ("Alamat", F.ADDRESS), ("Address", F.ADDRESS),
    ("Desa", F.DESA), ("Kelurahan", F.DESA), ("Desa/Kel", F.DESA), ("Desa / Kelurahan", F.DESA), ("Village", F.DESA),
    ("Kecamatan", F.KECAMATAN), ("Kec.", F.KECAMATAN), ("Kecamtan", F.KECAMATAN),
    ("Pekerjaan", F.OCCUPATION), ("Mata Pencaharian", F.OCCUPATION), ("Occupation", F.OCCUPATION),
    ("Jenis Usaha", F.BUSINESS_TYPE), ("Nama Usaha", F.BUSINESS_NAME), ("No Ref", F.REFERENCE),
])
def test_titles_people_use(title, field):
    assert guess_field(title) == (True, field)


@pytest.mark.parametrize("title", ["No", "No.", "Nama Kelompok", "No KK", "Nama Ibu Kandung", "Alasan", "Reason"])
def test_known_titles_that_are_not_lead_fields(title):
    assert guess_field(title) == (True, None)


def test_unknown_titles_are_left_for_the_liaison():
    assert guess_field("Ukuran Kapal (GT)") == (False, None)


def test_a_field_is_taken_by_its_first_column_only():
    assert propose_mapping(["Nama", "No HP", "WA", "NIK"]) == [F.NAME, F.PHONE, None, F.NIK]


def test_the_agencys_remembered_choice_wins_over_the_known_titles():
    remembered = {header_key("Nama Kelompok"): F.BUSINESS_NAME, header_key("WA"): None}
    assert propose_mapping(["Nama", "Nama Kelompok", "WA"], remembered) == [F.NAME, F.BUSINESS_NAME, None]


def test_column_letters():
    assert [column_letter(i) for i in (0, 25, 26, 27)] == ["A", "Z", "AA", "AB"]
