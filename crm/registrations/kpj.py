"""The KPJ (Kartu Peserta Jamsostek) number that identifies a participant: 11 digits, kept as text.

Leading zeros are part of the number, so a KPJ is never an int. People write it with spaces, dots
or dashes; those are dropped. A spreadsheet that stored it as a number has lost its leading zeros:
`from_number` puts them back, which is safe because every KPJ has exactly 11 digits.
"""

import re

from flask_babel import lazy_gettext as _l

from crm.errors import Invalid

KPJ_LENGTH = 11
_SEPARATORS = re.compile(r"[\s.\-/]")


def normalise(text: str | None) -> str:
    """The KPJ as its 11 digits, or Invalid saying what is wrong with it."""
    digits = _SEPARATORS.sub("", text or "")
    if not digits:
        raise Invalid(_l("Enter the participant number (KPJ)."), field="kpj")
    if not digits.isascii() or not digits.isdigit():
        raise Invalid(_l("A KPJ has only digits."), field="kpj")
    if len(digits) != KPJ_LENGTH:
        raise Invalid(_l("A KPJ has %(expected)d digits; this one has %(found)d.", expected=KPJ_LENGTH,
                         found=len(digits)), field="kpj")
    if set(digits) == {"0"}:
        raise Invalid(_l("A KPJ cannot be all zeros."), field="kpj")
    return digits


def from_number(value: int) -> str:
    """A KPJ read from a numeric spreadsheet cell, with its leading zeros restored."""
    if value < 0 or value >= 10**KPJ_LENGTH:
        raise Invalid(_l("A KPJ has %(expected)d digits; this one has %(found)d.", expected=KPJ_LENGTH,
                         found=len(str(abs(value)))), field="kpj")
    return normalise(f"{value:0{KPJ_LENGTH}d}")


def is_valid(text: str | None) -> bool:
    try:
        normalise(text)
    except Invalid:
        return False
    return True
