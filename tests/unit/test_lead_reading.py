"""Reading lists as agencies save them: any usual encoding and delimiter, XLSX cells as typed."""

import codecs

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from crm.leads.reading import Unreadable, detect_delimiter, open_table
from tests.data import DATA


def rows_of(path, **kwargs):
    with open_table(path, **kwargs) as table:
        return table, list(table.rows)


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(("encoding", "prefix"), [("utf-8", b""), ("utf-8", codecs.BOM_UTF8), ("cp1252", b""),
                                                 ("utf-16", b"")])
def test_names_survive_every_usual_encoding(tmp_path, encoding, prefix):
    text = "Nama;NIK\r\nSiti Ma’rifah;3512064507850003\r\nPak Jamalûddin;3512061203780001\r\n"
    path = write(tmp_path, "list.csv", prefix + text.encode(encoding))
    table, rows = rows_of(path)
    assert [cells[0] for _, cells in rows] == ["Nama", "Siti Ma’rifah", "Pak Jamalûddin"]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_found(tmp_path, delimiter):
    lines = [delimiter.join(["Nama", "No HP", "Alamat"]), delimiter.join(["Ahmad", "0812", '"Jl. A, No. 5"'])]
    table, rows = rows_of(write(tmp_path, "list.csv", "\n".join(lines).encode()))
    assert table.delimiter == delimiter
    assert rows[0][1] == ["Nama", "No HP", "Alamat"]


def test_a_comma_inside_addresses_does_not_fool_the_semicolon_detection():
    sample = "Nama;Alamat;Desa\nA;Jl. Mawar, RT 1, RW 2;Kilensari\nB;Jl. Melati, RT 3;Duwet\n"
    assert detect_delimiter(sample) == ";"


def test_blank_lines_are_skipped_and_spaces_trimmed_but_row_numbers_stay_as_the_spreadsheet_shows(tmp_path):
    path = write(tmp_path, "list.csv", b"Nama,NIK\r\n\r\n  Ahmad  , 3512 \r\n,\r\nSiti,35\r\n")
    _, rows = rows_of(path)
    assert rows == [(1, ["Nama", "NIK"]), (3, ["Ahmad", "3512"]), (5, ["Siti", "35"])]


def test_the_agencys_semicolon_windows_file():
    table, rows = rows_of(DATA / "leads_disnakkan.csv")
    assert (table.encoding, table.delimiter) == ("cp1252", ";")
    names = [cells[1] for _, cells in rows if len(cells) > 1]
    assert "Siti Ma’rifah" in names and "Pak Jamalûddin" in names


def test_xlsx_keeps_numbers_as_numbers_so_a_numeric_nik_can_be_recognised():
    table, rows = rows_of(DATA / "leads_dinsos.xlsx")
    assert table.format == "xlsx" and table.sheet == "KPM 2024" and table.sheet_names == ["KPM 2024", "Tambahan"]
    by_number = dict(rows)
    assert by_number[4][2] == 3512074405700001 and isinstance(by_number[4][2], int)
    assert by_number[5][2] == "3512074606750002"
    assert 6 not in by_number  # the blank row
    assert by_number[8][1] == "Sugeng"


def test_another_sheet_can_be_chosen_and_a_missing_one_is_named():
    _, rows = rows_of(DATA / "leads_dinsos.xlsx", sheet="Tambahan")
    assert rows[1][1][0] == "Halimah"
    with pytest.raises(Unreadable, match="Tambahan"):
        rows_of(DATA / "leads_dinsos.xlsx", sheet="Lembar3")


def test_dates_in_xlsx_become_readable_text(tmp_path):
    from datetime import datetime
    workbook = Workbook()
    workbook.active.append(["Nama", "Tgl"])
    workbook.active.append(["Ahmad", datetime(1985, 7, 5)])
    workbook.save(tmp_path / "d.xlsx")
    _, rows = rows_of(tmp_path / "d.xlsx")
    assert rows[1][1] == ["Ahmad", "1985-07-05"]


@pytest.mark.parametrize(("content", "why"), [
    (b"", "empty"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "damaged"),
    (b"%PDF-1.4\n" + b"\x00" * 100, "not a spreadsheet"),
    (b"PK\x03\x04garbage", "damaged"),
])
def test_a_file_that_cannot_be_read_says_why(tmp_path, content, why):
    with pytest.raises(Unreadable) as caught:
        rows_of(write(tmp_path, "list.xlsx", content))
    assert why in str(caught.value.message)


def test_a_damaged_libreoffice_spreadsheet_says_so(tmp_path):
    import zipfile
    path = tmp_path / "list.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<x/>")
    with pytest.raises(Unreadable, match="damaged"):
        rows_of(path)


@pytest.mark.parametrize(("suffix", "kind"), [(".xls", "xls"), (".ods", "ods"), (".xlsm", "xlsx")])
def test_every_office_format_is_read_alike_with_numbers_kept_as_numbers(suffix, kind):
    # Saved by LibreOffice (tests/data/make_lead_files.py); the name does not matter, the content does.
    table, rows = rows_of(DATA / f"leads_dinsos{suffix}")
    assert table.format == kind and table.sheet == "KPM 2024" and table.sheet_names == ["KPM 2024", "Tambahan"]
    by_number = dict(rows)
    assert [number for number, _ in rows] == [1, 3, 4, 5, 7, 8]  # the title, the header, the rows, as shown
    assert isinstance(by_number[4][2], int) and str(by_number[4][2]).startswith("35120744057")
    assert by_number[5][2] == "3512074606750002" and by_number[8][1] == "Sugeng"
    assert by_number[4][3] == 81234500001  # a phone typed as a number, its 0 lost


def test_a_table_placed_lower_and_further_right_keeps_the_row_numbers_the_sheet_shows(tmp_path):
    workbook = Workbook()
    workbook.active["C3"], workbook.active["D3"] = "Nama", "NIK"
    workbook.active["C5"], workbook.active["D5"] = "Ahmad", "3512064507850003"
    workbook.save(tmp_path / "lower.xlsx")
    _, rows = rows_of(tmp_path / "lower.xlsx")
    assert rows == [(3, ["Nama", "NIK"]), (5, ["Ahmad", "3512064507850003"])]


def test_hidden_sheets_are_not_offered(tmp_path):
    workbook = Workbook()
    workbook.active.title = "Data"
    workbook.active.append(["Nama"])
    workbook.create_sheet("Rumus").sheet_state = "hidden"
    workbook.save(tmp_path / "hidden.xlsx")
    table, _ = rows_of(tmp_path / "hidden.xlsx")
    assert table.sheet_names == ["Data"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.binary(max_size=600), st.text(max_size=300).map(lambda text: text.encode("utf-8")),
                 st.binary(max_size=300).map(lambda tail: b"PK\x03\x04" + tail)))
def test_any_file_is_read_or_refused_with_a_reason_never_a_crash(tmp_path, content):
    path = tmp_path / "sent.csv"
    path.write_bytes(content)
    try:
        table, rows = rows_of(path)
    except Unreadable as refused:
        assert str(refused.message)
    else:
        assert all(isinstance(number, int) and cells for number, cells in rows)


def test_a_broken_line_deep_in_a_csv_is_named(tmp_path):
    # A quote opened and never closed swallows the rest of the file into one endless cell.
    path = write(tmp_path, "list.csv", b"Nama;NIK\n" + b"Ahmad;3512\n" * 1000 + b'"Siti;' + b"x" * 1_100_000)
    with pytest.raises(Unreadable, match="cannot be read"):
        rows_of(path)
