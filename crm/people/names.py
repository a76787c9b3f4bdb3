"""People's names: tidying what was typed, and telling when two names are very probably the same person.

A name is kept as written (apart from spacing): `Pak Jamalûddin` stays so. For comparing, a key drops
case, accents, punctuation and honorifics, and writes the many spellings of Muhammad one way.
"""

import re
import unicodedata
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from rapidfuzz import fuzz, process

from crm.people.problems import Problem, Refused

NAME_MAX_LENGTH = 160
# Two keys scoring at least this (rapidfuzz ratio, 0–100) are "very similar".
SIMILAR_NAME_SCORE = 90

_SPACES = re.compile(r"\s+")
# Spreadsheets carry stray control characters; PostgreSQL refuses NUL in text, and none is ever part of a name.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NOT_LETTERS = re.compile(r"[^a-z ]+")
_LETTER = re.compile(r"[^\W\d_]")
HONORIFICS = frozenset({
    "pak", "bapak", "bpk", "bu", "ibu", "mbak", "mas", "sdr", "sdri", "saudara", "saudari", "tn", "ny", "nn",
    "h", "hj", "haji", "hajjah", "kh", "ust", "ustadz", "dr", "ir", "drs", "dra", "st", "se", "spd", "amd",
    "mr", "mrs", "ms",
})
SPELLINGS = {
    "moh": "muhammad", "mohd": "muhammad", "muh": "muhammad", "moch": "muhammad", "mochamad": "muhammad",
    "mochammad": "muhammad", "mohamad": "muhammad", "mohammad": "muhammad", "muhamad": "muhammad",
    "muhammat": "muhammad", "mhd": "muhammad", "abd": "abdul",
}

MESSAGES = {
    "name_missing": _l("The name is empty."),
    "name_no_letters": _l("“%(value)s” is not a name (it has no letters)."),
    "name_too_long": _l("A name may have at most %(max)d characters; this one has %(count)d."),
}


def clean_name(value) -> str:
    """The name as typed, with spacing tidied and characters in one Unicode form."""
    text = str(value)
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    if not text.isascii():
        return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()
    if "  " in text or "\t" in text or "\n" in text or "\r" in text:
        text = _SPACES.sub(" ", text)
    return text.strip()


def parse_name(value, field: str = "Name") -> str:
    """A usable name, or Refused: empty, without a single letter, or too long for the record."""
    name = clean_name(value if value is not None else "")
    if not name:
        raise Refused(Problem("name_missing", field, MESSAGES["name_missing"]))
    if _LETTER.search(name) is None:
        raise Refused(Problem("name_no_letters", field, MESSAGES["name_no_letters"], {"value": name[:40]}))
    if len(name) > NAME_MAX_LENGTH:
        raise Refused(Problem("name_too_long", field, MESSAGES["name_too_long"],
                              {"max": NAME_MAX_LENGTH, "count": len(name)}))
    return name


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """A comparison key: `Pak Moh. Jamalûddin` and `moh jamaluddin` both give `muhammad jamaluddin`."""
    plain = name.casefold()
    if not plain.isascii():
        plain = unicodedata.normalize("NFKD", plain).encode("ascii", "ignore").decode("ascii")
    words = _NOT_LETTERS.sub(" ", plain.replace("'", "")).split()
    kept = [SPELLINGS.get(word, word) for word in words if word not in HONORIFICS]
    return " ".join(kept or words)


def name_similarity(first: str, second: str) -> float:
    """0–100: how alike two names are once honorifics, case and spelling are set aside."""
    return fuzz.ratio(name_key(first), name_key(second))


def most_similar(key: str, keys: list[str]) -> tuple[int, float] | None:
    """The index and score of the key in `keys` most like `key`, if one is very similar."""
    if not key or not keys:
        return None
    found = process.extractOne(key, keys, scorer=fuzz.ratio, score_cutoff=SIMILAR_NAME_SCORE)
    if found is None:
        return None
    _, score, index = found
    return index, score


class NameIndex:
    """Name keys (see `name_key`) to compare new names against, each with an item of the caller's.

    Comparing a name with every other name in a big desa costs too much on a long list, so names are
    grouped by their first two and by their last two letters: two names alike enough to be "very
    similar" differ by a letter or two, and almost never at both ends at once.
    """

    def __init__(self) -> None:
        self._exact: dict[str, object] = {}
        self._by_first: dict[str, tuple[list[str], list]] = {}
        self._by_last: dict[str, tuple[list[str], list]] = {}

    def add(self, key: str, item) -> None:
        if not key:
            return
        if key not in self._exact:
            self._exact[key] = item
        for groups, letters in ((self._by_first, key[:2]), (self._by_last, key[-2:])):
            group = groups.get(letters)
            if group is None:
                group = groups[letters] = ([], [])
            group[0].append(key)
            group[1].append(item)

    def find(self, key: str):
        """The item of the most similar name, or None when no name is very similar."""
        if not key:
            return None
        if key in self._exact:
            return self._exact[key]
        best, best_score = None, 0.0
        for groups, letters in ((self._by_first, key[:2]), (self._by_last, key[-2:])):
            keys, items = groups.get(letters, ((), ()))
            found = most_similar(key, keys)
            if found is not None and found[1] > best_score:
                best, best_score = items[found[0]], found[1]
        return best
