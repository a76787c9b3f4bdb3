"""The Indonesian catalogue is complete, consistent with the code, and compiled.

A developer who adds a visible string without running `make translations` and translating it
gets a failing test naming the string and where it is.
"""

import gettext
import io
import re
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from crm.config import PROJECT_ROOT

TRANSLATIONS = PROJECT_ROOT / "crm" / "translations"
POT_FILE = TRANSLATIONS / "messages.pot"
PO_FILE = TRANSLATIONS / "id" / "LC_MESSAGES" / "messages.po"
MO_FILE = TRANSLATIONS / "id" / "LC_MESSAGES" / "messages.mo"
# The folders babel.cfg names; the same keywords as `pybabel extract -k _l` in the Makefile.
SOURCE_FOLDERS = ("crm", "templates")
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None}
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrs]")
HOW_TO_FIX = "run `make translations` and translate the new entries in " + str(PO_FILE.relative_to(PROJECT_ROOT))


def read_catalogue(path):
    with path.open("rb") as handle:
        return read_po(handle, locale="id")


def as_tuple(text) -> tuple[str, ...]:
    return tuple(text) if isinstance(text, (list, tuple)) else (text,)


def describe(message) -> str:
    return f"{as_tuple(message.id)[0]!r} ({', '.join(f'{f}:{n}' for f, n in message.locations)})"


@pytest.fixture(scope="module")
def catalogue():
    return read_catalogue(PO_FILE)


def test_every_message_has_an_indonesian_translation(catalogue):
    untranslated = [describe(m) for m in catalogue
                    if m.id and (not all(s.strip() for s in as_tuple(m.string)) or m.fuzzy)]
    assert not untranslated, "Untranslated or fuzzy messages:\n  " + "\n  ".join(untranslated)


def test_translations_keep_the_placeholders(catalogue):
    broken = []
    for message in catalogue:
        if not message.id:
            continue
        expected = Counter(PLACEHOLDER.findall(as_tuple(message.id)[-1]))
        for translation in as_tuple(message.string):
            found = Counter(PLACEHOLDER.findall(translation))
            if found != expected:
                broken.append(f"{describe(message)}: expected {sorted(expected.elements())}, "
                              f"translation has {sorted(found.elements())}")
    assert not broken, "Placeholders differ:\n  " + "\n  ".join(broken)


def test_committed_mo_matches_the_po(catalogue):
    buffer = io.BytesIO()
    write_mo(buffer, catalogue)
    buffer.seek(0)
    expected = gettext.GNUTranslations(buffer)._catalog
    with MO_FILE.open("rb") as handle:
        committed = gettext.GNUTranslations(handle)._catalog
    expected = {key: value for key, value in expected.items() if key != ""}  # "" is the header
    committed = {key: value for key, value in committed.items() if key != ""}
    stale = sorted(str(key) for key in expected.keys() ^ committed.keys()
                   | {k for k in expected.keys() & committed.keys() if expected[k] != committed[k]})
    assert not stale, ("messages.mo is out of date with messages.po (run `pybabel compile -d crm/translations`); "
                       "differing entries:\n  " + "\n  ".join(stale))


def extracted_messages():
    """What `pybabel extract -F babel.cfg -k _l` finds, as (msgid, context, "file:line")."""
    with (PROJECT_ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle, "babel.cfg")

    def inside_source_folders(path: str) -> bool:
        relative = Path(path).relative_to(PROJECT_ROOT)
        # Babel's own rule skips dot and underscore folders (.venv, __pycache__); keep it.
        return relative.parts[0] in SOURCE_FOLDERS and not relative.name.startswith((".", "_"))

    for filename, lineno, message, _comments, context in extract_from_dir(
            PROJECT_ROOT, method_map, options_map, keywords=KEYWORDS, directory_filter=inside_source_folders):
        yield message, context, f"{filename}:{lineno}"


@pytest.fixture(scope="module")
def extracted():
    found = list(extracted_messages())
    assert found, "extraction found no strings at all: is babel.cfg still right?"
    return found


@pytest.mark.parametrize("path", [PO_FILE, POT_FILE], ids=["po", "pot"])
def test_every_visible_string_is_in_the_catalogue(extracted, path):
    known = read_catalogue(path)
    missing = sorted({f"{as_tuple(message)[0]!r} at {where}" for message, context, where in extracted
                      if known.get(message, context=context) is None})
    assert not missing, f"Strings missing from {path.name} ({HOW_TO_FIX}):\n  " + "\n  ".join(missing)


def test_the_apis_validator_and_framework_messages_are_translated(catalogue):
    """pydantic's and werkzeug's English never reaches an Indonesian reader: Sasar's own words stand in."""
    from crm.api.messages import UNKNOWN_VALIDATION, VALIDATION_MESSAGES
    from crm.errors import HTTP_PROBLEMS

    english = [message._args[0] for message in VALIDATION_MESSAGES.values()] + [UNKNOWN_VALIDATION._args[0]]
    english += [text._args[0] for _code, title, detail in HTTP_PROBLEMS.values() for text in (title, detail)]
    missing = [text for text in english if not (catalogue.get(text) and catalogue.get(text).string
                                                and catalogue.get(text).string != text)]
    assert not missing, "No Indonesian for: " + ", ".join(missing)
