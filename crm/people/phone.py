"""Indonesian phone numbers, in any common writing, as E.164 (`+6281234567890`).

People write `0812-3456-7890`, `+62 812…`, `62812…` or `812…` (a spreadsheet drops the leading 0 of a
number). `phonenumbers` with region ID decides what is valid. The plain digit forms take a short road
(building the number directly, then asking phonenumbers whether it is valid) because an import checks
tens of thousands of them; anything else goes through `phonenumbers.parse`.
"""

import re

import phonenumbers
from flask_babel import lazy_gettext as _l
from phonenumbers import NumberParseException, PhoneNumber

from crm.people.problems import Problem, Refused

COUNTRY_CODE = 62
REGION = "ID"
_PUNCTUATION = re.compile(r"[\s\-.()\u00a0]+")
_PLAIN = re.compile(r"\+?[0-9]+")
_SEVERAL = re.compile(r"[/,;&]|\b(?:atau|dan|or|and)\b", re.IGNORECASE)
_DIGIT_RUN = re.compile(r"[0-9][0-9\s\-.]{5,}[0-9]")

MESSAGES = {
    "phone_invalid": _l("“%(value)s” is not a valid Indonesian phone number."),
    "phone_foreign": _l("“%(value)s” is not an Indonesian number (+62)."),
    "phone_several": _l("“%(value)s” holds more than one number; keep one."),
}


def _refuse(code: str, field: str, value: str) -> Refused:
    return Refused(Problem(code, field, MESSAGES[code], {"value": value[:40]}))


def _as_text(value) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e18:
        return str(int(value))
    return str(value).strip()


# Most numbers in a list are mobiles: phonenumbers' own mobile pattern answers those at once, and
# anything else gets the full check (which tries every number type, fixed lines first).
_METADATA = phonenumbers.PhoneMetadata.metadata_for_region(REGION)
_GENERAL = re.compile(_METADATA.general_desc.national_number_pattern)
_MOBILE = re.compile(_METADATA.mobile.national_number_pattern)
_MOBILE_LENGTHS = frozenset(_METADATA.mobile.possible_length or _METADATA.general_desc.possible_length)


def _valid_national(nsn: str) -> bool:
    if not 5 <= len(nsn) <= 13 or nsn.startswith("0"):
        return False
    if len(nsn) in _MOBILE_LENGTHS and _MOBILE.fullmatch(nsn) and _GENERAL.fullmatch(nsn):
        return True
    return phonenumbers.is_valid_number(PhoneNumber(country_code=COUNTRY_CODE, national_number=int(nsn)))


def _national_candidates(digits: str, plus: bool) -> list[str]:
    if plus:
        rest = digits[2:]
        return [rest[1:] if rest.startswith("0") else rest]  # `+62 0812…` is a common slip
    if digits.startswith("62"):
        rest = digits[2:]
        return [rest[1:] if rest.startswith("0") else rest, digits]
    if digits.startswith("0"):
        return [digits[1:]]
    return [digits]


def parse_phone(value, field: str = "Phone") -> str:
    """The number in E.164 (`+6281234567890`), or Refused saying why it is not a valid Indonesian number."""
    text = _as_text(value)
    compact = _PUNCTUATION.sub("", text)
    if _PLAIN.fullmatch(compact) and not compact.startswith(("00", "+00")):
        plus, digits = compact.startswith("+"), compact.lstrip("+")
        if plus and not digits.startswith(str(COUNTRY_CODE)):
            raise _refuse("phone_foreign", field, text)
        for nsn in _national_candidates(digits, plus):
            if _valid_national(nsn):
                return f"+{COUNTRY_CODE}{nsn}"
        raise _refuse("phone_invalid", field, text)
    if _SEVERAL.search(text) and len(_DIGIT_RUN.findall(text)) > 1:
        raise _refuse("phone_several", field, text)
    try:
        number = phonenumbers.parse(text, REGION)
    except NumberParseException:
        raise _refuse("phone_invalid", field, text) from None
    if number.country_code != COUNTRY_CODE:
        raise _refuse("phone_foreign", field, text)
    if not phonenumbers.is_valid_number(number):
        raise _refuse("phone_invalid", field, text)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(phone: str | None) -> str:
    """`+6281234567890` → `+62812****7890`."""
    if not phone:
        return ""
    if len(phone) <= 10:
        return phone[:3] + "*" * max(len(phone) - 5, 0) + phone[-2:]
    return phone[:6] + "*" * (len(phone) - 10) + phone[-4:]
