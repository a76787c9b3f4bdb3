"""Makes the lead-list files the tests read, shaped the way agencies send them.

    .venv/bin/python tests/data/make_lead_files.py     (or `make lead-files`, which installs LibreOffice first)

- leads_disnakkan.csv: Excel's "CSV (semicolon)" as saved on an Indonesian Windows PC — Windows-1252,
  a title line above the column titles, blank lines, `Siti Ma’rifah` (a curly apostrophe) and
  `Pak Jamalûddin`, a NIK mangled to `3.51204E+15`, and the usual mistakes.
- leads_dinsos.xlsx: a workbook typed in Excel — NIKs typed as numbers (numeric cells), a phone number
  that lost its leading 0, a blank row, odd column titles, and a second sheet.
- leads_dinsos.xls / .ods / .xlsm: the same workbook saved by LibreOffice (headless `soffice --convert-to`)
  as an Excel 97–2003 workbook, its own OpenDocument spreadsheet, and an Excel macro-enabled workbook —
  the formats offices still save in. LibreOffice writes them as it writes any office's file: the numeric
  NIKs stay numbers, and in the .xlsm the 16-digit one is cut to 15 significant digits, as Excel does.
The files are committed; run this again only to change them.
"""

import csv
import shutil
import subprocess
import tempfile
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).parent

DISNAKKAN_ROWS = (
    # No, Nama Lengkap, No KTP, No. Telp, Alamat, Desa/Kel, Kecamatan, Pekerjaan
    ("1", "Siti Ma’rifah", "3512064507850003", "0812-3456-7890", "Dusun Krajan RT 01/RW 02", "Ds. Kilensari",
     "Panarukan", "Nelayan"),
    ("2", "Pak Jamalûddin", "3512061203780001", "+62 813 3100 2211", "Dusun Pesisir", "Kilensari", "Panarukan",
     "Nelayan"),
    ("3", "Moh. Hasan", "3.51204E+15", "081334556677", "Dusun Kalianget", "Kalianget", "Banyuglugur",
     "Pembudidaya ikan"),
    ("4", "Abdul Rahman", "351206120378000", "6285233445566", "", "Duwet", "Panarukan", "Nelayan"),
    None,  # a blank line in the middle
    ("5", "Sulastri", "", "0857-1234-9876", "Dusun Tengah", "Desa Peleyan", "Panarukan", "Pengolah ikan asin"),
    ("6", "Siti Ma’rifah", "3512064507850003", "0812 3456 7890", "Dusun Krajan", "Kilensari", "Panarukan",
     "Nelayan"),
    ("7", "Slamet Riyadi", "3512060101800002", "12345", "Dusun Timur", "Kilensari", "Panarukan", "Nelayan"),
    ("8", "", "3512060202810003", "081211112222", "Dusun Barat", "Kilensari", "Panarukan", "Nelayan"),
    ("9", "Fathor Rosi", "-", "", "Dusun Barat", "Kilensari", "Panarukan", "Nelayan"),
    ("10", "Busiri", "3512064102900004", "085711112222", "Dusun Pelabuhan", "Tanjung Kamal", "Mangaran",
     "Nelayan"),
    ("11", "Hori", "3512061505850005", "081299998888", "Kampung Baru", "Kampung Baru", "Panarukan",
     "Nelayan"),
    ("12", "Sitti Marifah", "3512064507860006", "081377778888", "Dusun Krajan", "Kilensari", "Panarukan",
     "Nelayan"),
    ("13", "Nur Hasanah", "3512065313990008", "081366667777", "Dusun Krajan", "Kilensari", "Panarukan",
     "Peternak kambing"),
    ("14", "Suparman", "3512060101800000", "081355556666", "Dusun Krajan", "Kilensari", "Panarukan", "Nelayan"),
)
DISNAKKAN_HEADER = ("No", "Nama Lengkap", "No KTP", "No. Telp", "Alamat", "Desa/Kel", "Kecamatan", "Pekerjaan")


def write_disnakkan_csv(path: Path) -> None:
    with open(path, "w", encoding="cp1252", newline="") as handle:
        out = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        out.writerow(["DAFTAR ANGGOTA KELOMPOK NELAYAN MINA BAHARI - DISNAKKAN SITUBONDO"])
        out.writerow([])
        out.writerow(DISNAKKAN_HEADER)
        for row in DISNAKKAN_ROWS:
            out.writerow(row or [])
        out.writerow([])


def write_dinsos_xlsx(path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "KPM 2024"
    sheet.append(["DATA KPM DINAS SOSIAL KAB. SITUBONDO TAHUN 2024"])
    sheet.append([])
    sheet.append(["NO", "NAMA KPM", "NIK KTP", "No HP/WA", "ALAMAT", "Kelurahan", "Kec.", "Jenis Usaha"])
    sheet.append([1, "Rukmini", 3512074405700001, 81234500001, "Jl. Melati 5", "Patokan", "Situbondo",
                  "Warung kopi"])
    sheet.append([2, "Maimunah", "3512074606750002", "0813-2222-3333", "Jl. Anggrek 2", "Kel. Dawuhan", "Situbondo",
                  "Penjual gorengan"])
    sheet.append([])
    sheet.append([3, "Endang Wahyuni", 3.512075e15, "085233334444", "Jl. Mawar 9", "Patokan", "Situbondo",
                  "Buruh tani"])
    sheet.append([4, "  Sugeng  ", "3512-0717-0777-0004", 6285244445555, "Jl. Kenanga", "Mimbaan", "Panji",
                  "Tukang ojek"])
    extra = workbook.create_sheet("Tambahan")
    extra.append(["Nama", "NIK", "No HP", "Desa", "Kecamatan", "Pekerjaan"])
    extra.append(["Halimah", "3512084808800005", "081255554444", "Panji Kidul", "Panji", "Pedagang pasar"])
    extra.append(["Yusuf", "3512080909790006", "081266663333", "Panji Lor", "Panji", "Petani padi"])
    workbook.save(path)


OFFICE_FORMATS = {"xls": "xls:MS Excel 97", "ods": "ods:calc8", "xlsm": "xlsm:Calc MS Excel 2007 VBA XML"}


def save_as_office_formats(source: Path) -> list[Path]:
    """`source` saved by LibreOffice in each of OFFICE_FORMATS, beside it."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice is needed: apt-get install -y libreoffice-calc-nogui (or `make lead-files`)")
    written = []
    with tempfile.TemporaryDirectory() as profile:
        for suffix, target in OFFICE_FORMATS.items():
            # A profile of its own, so that a LibreOffice already open elsewhere does not take the job.
            subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to",
                            target, "--outdir", str(source.parent), str(source)], check=True, timeout=300,
                           capture_output=True)
            written.append(source.with_suffix(f".{suffix}"))
    return written


if __name__ == "__main__":
    write_disnakkan_csv(HERE / "leads_disnakkan.csv")
    write_dinsos_xlsx(HERE / "leads_dinsos.xlsx")
    others = save_as_office_formats(HERE / "leads_dinsos.xlsx")
    print("wrote leads_disnakkan.csv, leads_dinsos.xlsx and", ", ".join(path.name for path in others))
