"""Which column holds what: column titles recognised in Indonesian and English and their usual variants,
and each agency's own corrections, remembered for its next list.
"""

import enum
import re

from flask_babel import lazy_gettext as _l
from rapidfuzz import fuzz, process
from sqlalchemy import select

from crm.extensions import db
from crm.models import AgencyColumnMapping


class LeadField(enum.Enum):
    NAME = "name"
    NIK = "nik"
    PHONE = "phone"
    ADDRESS = "address"
    DESA = "desa"
    KECAMATAN = "kecamatan"
    OCCUPATION = "occupation"
    BUSINESS_TYPE = "business_type"
    BUSINESS_NAME = "business_name"
    REFERENCE = "reference"


FIELD_LABELS = {
    LeadField.NAME: _l("Name"),
    LeadField.NIK: _l("NIK"),
    LeadField.PHONE: _l("Phone / WhatsApp"),
    LeadField.ADDRESS: _l("Address"),
    LeadField.DESA: _l("Desa / kelurahan"),
    LeadField.KECAMATAN: _l("Kecamatan"),
    LeadField.OCCUPATION: _l("Occupation"),
    LeadField.BUSINESS_TYPE: _l("Type of business"),
    LeadField.BUSINESS_NAME: _l("Business name"),
    LeadField.REFERENCE: _l("Agency's reference number"),
}

# The template's titles, in the order of the template.
TEMPLATE_HEADERS = (
    (LeadField.NAME, "Nama"), (LeadField.NIK, "NIK"), (LeadField.PHONE, "No HP"), (LeadField.ADDRESS, "Alamat"),
    (LeadField.DESA, "Desa/Kelurahan"), (LeadField.KECAMATAN, "Kecamatan"), (LeadField.OCCUPATION, "Pekerjaan"),
    (LeadField.BUSINESS_TYPE, "Jenis Usaha"), (LeadField.BUSINESS_NAME, "Nama Usaha"),
)

_TITLES = {
    LeadField.NAME: (
        "nama", "nama lengkap", "nama lengkap sesuai ktp", "nama sesuai ktp", "nama anggota", "nama peserta",
        "nama penerima", "nama kpm", "nama penerima manfaat", "nama nelayan", "nama petani", "nama peternak",
        "nama pedagang", "nama pelaku usaha", "nama pemilik", "nama pemilik usaha", "nama tenaga kerja",
        "nama pekerja", "nama warga", "name", "full name", "person", "nama calon peserta",
    ),
    LeadField.NIK: (
        "nik", "no nik", "nomor nik", "nik ktp", "no ktp", "nomor ktp", "no. ktp", "ktp", "nomor induk kependudukan",
        "no induk kependudukan", "nik/ktp", "no. nik", "national id", "id number", "national id number", "nin",
    ),
    LeadField.PHONE: (
        "no hp", "no. hp", "nomor hp", "hp", "no telp", "no. telp", "no telepon", "nomor telepon", "telepon", "telp",
        "wa", "no wa", "nomor wa", "whatsapp", "no whatsapp", "no hp/wa", "no. hp/wa", "hp/wa", "no hp wa",
        "kontak", "no kontak", "nomor kontak", "handphone", "no handphone", "phone", "phone number", "mobile",
        "mobile phone", "telephone", "contact", "telepon/wa", "telp/wa", "telp/hp", "hp/telp", "no telp/hp",
        "no. wa", "no hp/telp",
    ),
    LeadField.ADDRESS: (
        "alamat", "alamat lengkap", "alamat rumah", "alamat domisili", "domisili", "jalan", "dusun", "rt/rw",
        "address", "street",
    ),
    LeadField.DESA: (
        "desa", "kelurahan", "desa/kel", "desa/kelurahan", "kel/desa", "kelurahan/desa", "desa kelurahan",
        "ds", "kel", "nama desa", "village", "desa/kel.", "ds/kel",
    ),
    LeadField.KECAMATAN: ("kecamatan", "kec", "kec.", "nama kecamatan", "district", "sub-district", "subdistrict"),
    LeadField.OCCUPATION: (
        "pekerjaan", "pekerjaan utama", "jenis pekerjaan", "mata pencaharian", "profesi", "occupation", "job",
        "work", "profession",
    ),
    LeadField.BUSINESS_TYPE: (
        "jenis usaha", "bidang usaha", "usaha", "sektor usaha", "kategori usaha", "business type",
        "type of business", "sector",
    ),
    LeadField.BUSINESS_NAME: ("nama usaha", "nama toko", "nama ukm", "nama umkm", "business name", "business",
                              "shop name"),
    LeadField.REFERENCE: ("no ref", "no. ref", "nomor referensi", "no referensi", "ref", "referensi", "reference",
                          "reference id", "id referensi", "kode referensi", "external id"),
}
# Titles that are known and mean "not a lead field": row numbers, group names, our own error column.
_IGNORED_TITLES = (
    "no", "no.", "nomor", "no urut", "nomor urut", "#", "nama kelompok", "kelompok", "jenis kelamin", "l/p",
    "tanggal lahir", "tgl lahir", "tempat lahir", "umur", "usia", "keterangan", "ket", "catatan",
    "alasan", "alasan penolakan", "reason", "reasons", "error", "kesalahan", "no kk", "nomor kk", "no. kk",
    "nomor kartu keluarga", "nama ibu", "nama ibu kandung", "baris", "row", "kolom", "column",
)
FUZZY_TITLE_SCORE = 88
MAX_TITLE_KEY = 120


def header_key(title) -> str:
    """A title as a key: case, punctuation and notes in brackets set aside (`No. HP (WA)` → `nohp`)."""
    text = re.sub(r"\(.*?\)|\[.*?\]", " ", str(title or "")).lower()
    return re.sub(r"[^a-z0-9]", "", text)[:MAX_TITLE_KEY]


KNOWN_TITLES: dict[str, LeadField | None] = {
    **{header_key(title): None for title in _IGNORED_TITLES},
    **{header_key(title): lead_field for lead_field, titles in _TITLES.items() for title in titles},
}
_FUZZY_KEYS = [key for key in KNOWN_TITLES if len(key) >= 5]


def guess_field(title) -> tuple[bool, LeadField | None]:
    """(known, field) for one column title: exact variants first, then a close misspelling."""
    key = header_key(title)
    if not key:
        return False, None
    if key in KNOWN_TITLES:
        return True, KNOWN_TITLES[key]
    if len(key) >= 5:
        found = process.extractOne(key, _FUZZY_KEYS, scorer=fuzz.ratio, score_cutoff=FUZZY_TITLE_SCORE)
        if found is not None:
            return True, KNOWN_TITLES[found[0]]
    return False, None


def header_score(cells: list) -> int:
    """How many different lead fields a row's cells name: a header row names several."""
    found = {guess_field(cell)[1] for cell in cells if isinstance(cell, str) and cell}
    found.discard(None)
    return len(found)


def propose_mapping(header: list, remembered: dict[str, LeadField | None] | None = None) -> list[LeadField | None]:
    """A field (or None) for each column; the agency's remembered choices win, and no field is used twice."""
    remembered = remembered or {}
    mapping: list[LeadField | None] = []
    used: set[LeadField] = set()
    for title in header:
        key = header_key(title)
        lead_field = remembered[key] if key in remembered else guess_field(title)[1]
        if lead_field in used:
            lead_field = None
        if lead_field is not None:
            used.add(lead_field)
        mapping.append(lead_field)
    return mapping


def mapping_from_names(names: list[str | None]) -> list[LeadField | None]:
    return [LeadField(name) if name else None for name in names]


def mapping_names(mapping: list[LeadField | None]) -> list[str | None]:
    return [lead_field.value if lead_field else None for lead_field in mapping]


def remembered_mapping(agency_id: int) -> dict[str, LeadField | None]:
    """The agency's own choices, by title key."""
    rows = db.session.execute(select(AgencyColumnMapping.header_key, AgencyColumnMapping.field)
                              .where(AgencyColumnMapping.agency_id == agency_id)).all()
    return {key: LeadField(value) if value else None for key, value in rows}


def remember_mapping(agency_id: int, header: list, mapping: list[LeadField | None]) -> None:
    """Keep the agency's choice for each titled column, replacing what it chose before."""
    wanted = {}
    for title, lead_field in zip(header, mapping, strict=False):
        key = header_key(title)
        if key:
            wanted[key] = lead_field.value if lead_field else None
    existing = {row.header_key: row for row in db.session.scalars(
        select(AgencyColumnMapping).where(AgencyColumnMapping.agency_id == agency_id,
                                          AgencyColumnMapping.header_key.in_(list(wanted))))}
    for key, value in wanted.items():
        if key in existing:
            existing[key].field = value
        else:
            db.session.add(AgencyColumnMapping(agency_id=agency_id, header_key=key, field=value))


def field_labels(header: list, mapping: list[LeadField | None]) -> dict[LeadField, str]:
    """The column title the person used for each mapped field, to name it in reasons."""
    labels = {}
    for index, (title, lead_field) in enumerate(zip(header, mapping, strict=False)):
        if lead_field is not None:
            labels[lead_field] = str(title).strip() or column_letter(index)
    return labels


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: how a spreadsheet names a column."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
