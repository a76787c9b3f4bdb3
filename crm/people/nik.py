"""NIK, the 16-digit number on the KTP identity card (shared/DOMAIN.md).

Digits 1–6 are the region (province, regency, kecamatan), 7–12 the date of birth as DDMMYY with 40
added to the day for women, 13–16 a serial that is never 0000. `stdnum.id.nik` checks the length,
the province and the date; the regency/kecamatan 00 and serial 0000 rules are ours.
Spreadsheets keep only 15 significant digits of a number, so a NIK that arrives as a number (or as
its scientific notation, `3.51204E+15`) has lost digits and is refused with a hint to use text.
"""

import re
from datetime import date
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from stdnum.id import nik as stdnum_nik

from crm.people.problems import Problem, Refused

NIK_LENGTH = 16
_SEPARATORS = re.compile(r"[\s.\-'’`]+")
_SCIENTIFIC = re.compile(r"^\s*\d+(?:[.,]\d+)?\s*[eE]\s*\+?\s*\d+\s*$")

MESSAGES = {
    "nik_spreadsheet_number": _l(
        "The NIK arrived as a spreadsheet number (%(value)s), and spreadsheets keep only 15 digits "
        "of a number. Format the column as Text and type the NIK again."),
    "nik_not_digits": _l("A NIK is 16 digits; “%(value)s” holds other characters."),
    "nik_length": _l("A NIK is 16 digits; this one has %(count)d."),
    "nik_region": _l("The first six digits (%(region)s) are not a province, regency and kecamatan code."),
    "nik_birth_date": _l("Digits 7–12 (%(digits)s) are not a date of birth (DDMMYY, with 40 added to "
                         "the day for women)."),
    "nik_serial": _l("The last four digits are 0000, which no NIK has."),
}


def _refuse(code: str, field: str, **params) -> Refused:
    return Refused(Problem(code, field, MESSAGES[code], params))


def _spreadsheet_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e18:
        return str(int(value))
    return str(value)


def _shown(text: str) -> str:
    """A refused value as a reason quotes it: long runs of digits masked like a NIK."""
    text = text[:40]
    return text[:4] + "…" + text[-4:] if sum(ch.isdigit() for ch in text) >= 10 else text


@lru_cache(maxsize=2048)
def _known_region(first_four: str) -> bool:
    # stdnum knows the provinces (digits 1–2); the rest of this stand-in NIK is valid. A regency 00 does
    # not exist; beyond that no regency is refused, as new ones are created (Papua, 2022).
    return first_four[2:] != "00" and stdnum_nik.is_valid(first_four + "01" + "010180" + "0001")


@lru_cache(maxsize=65536)
def _valid_birth_date(ddmmyy: str) -> bool:
    """Digits 7–12 as stdnum.id.nik.get_birth_date reads them (day − 40 for women; 19xx or 20xx).

    Done here because stdnum's own function first cleans the whole number character by character,
    which is most of an import's NIK time; tests check that both always agree.
    """
    day, month, year = int(ddmmyy[:2]) % 40, int(ddmmyy[2:4]), int(ddmmyy[4:])
    for century in (1900, 2000):
        try:
            date(century + year, month, day)
        except ValueError:
            continue
        return True
    return False


def parse_nik(value, field: str = "NIK") -> str:
    """The NIK as 16 digits, or Refused with the first problem found.

    `value` is the cell as read: text, or a number when a spreadsheet stored it as one. Spaces, dots
    and dashes are ignored (`3512.0645.0785.0001`). The caller decides what an empty value means.
    """
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, int | float):
        raise _refuse("nik_spreadsheet_number", field, value=_shown(_spreadsheet_text(value)))
    text = str(value).strip()
    if _SCIENTIFIC.match(text):
        raise _refuse("nik_spreadsheet_number", field, value=_shown(text))
    digits = text if len(text) == NIK_LENGTH and text.isdigit() else _SEPARATORS.sub("", text)
    if not digits.isascii() or not digits.isdigit():
        raise _refuse("nik_not_digits", field, value=_shown(text))
    if len(digits) != NIK_LENGTH:
        raise _refuse("nik_length", field, count=len(digits))
    if not _known_region(digits[:4]) or digits[4:6] == "00":
        raise _refuse("nik_region", field, region=digits[:6])
    if not _valid_birth_date(digits[6:12]):
        raise _refuse("nik_birth_date", field, digits=digits[6:12])
    if digits[12:] == "0000":
        raise _refuse("nik_serial", field)
    return digits


def mask_nik(nik: str | None) -> str:
    """`3512064507850003` → `3512********0003`: the region and the serial, never the date of birth."""
    if not nik:
        return ""
    if len(nik) <= 8:
        return "*" * len(nik)
    return nik[:4] + "*" * (len(nik) - 8) + nik[-4:]
