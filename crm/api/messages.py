"""The API's own words in the request's language for the validator's (pydantic's) messages, each beside a
machine-readable code that never changes with the language (the HTTP errors' words are the edge's:
crm/errors.py, HTTP_PROBLEMS).

Werkzeug and pydantic speak English; a problem+json answer says in Indonesian (or English, on
`Accept-Language: en`) what is wrong, with `code` (the error's kind) for programs.
"""

from flask_babel import lazy_gettext as _l

# pydantic's error types (https://docs.pydantic.dev/latest/errors/validation_errors/) that Sasar's API bodies
# can produce; the placeholders are the error's context values.
VALIDATION_MESSAGES = {
    "missing": _l("This field is required."),
    "extra_forbidden": _l("This field is not expected."),
    "json_invalid": _l("The body is not valid JSON."),
    "model_type": _l("An object is expected."),
    "model_attributes_type": _l("An object is expected."),
    "dict_type": _l("An object is expected."),
    "list_type": _l("A list is expected."),
    "string_type": _l("Text is expected."),
    "int_type": _l("A whole number is expected."),
    "int_parsing": _l("A whole number is expected."),
    "int_from_float": _l("A whole number is expected."),
    "float_type": _l("A number is expected."),
    "float_parsing": _l("A number is expected."),
    "decimal_parsing": _l("A number is expected."),
    "decimal_type": _l("A number is expected."),
    "bool_type": _l("true or false is expected."),
    "bool_parsing": _l("true or false is expected."),
    "uuid_type": _l("A UUID is expected."),
    "uuid_parsing": _l("A UUID is expected."),
    "date_type": _l("A date (YYYY-MM-DD) is expected."),
    "date_parsing": _l("A date (YYYY-MM-DD) is expected."),
    "date_from_datetime_parsing": _l("A date (YYYY-MM-DD) is expected."),
    "datetime_type": _l("A date and time (ISO 8601) is expected."),
    "datetime_parsing": _l("A date and time (ISO 8601) is expected."),
    "datetime_from_date_parsing": _l("A date and time (ISO 8601) is expected."),
    "timezone_aware": _l("A date and time with its time zone is expected."),
    "string_too_short": _l("At least %(min_length)s characters."),
    "string_too_long": _l("At most %(max_length)s characters."),
    "too_short": _l("At least %(min_length)s items."),
    "too_long": _l("At most %(max_length)s items."),
    "greater_than": _l("Must be greater than %(gt)s."),
    "greater_than_equal": _l("Must be at least %(ge)s."),
    "less_than": _l("Must be less than %(lt)s."),
    "less_than_equal": _l("Must be at most %(le)s."),
    "enum": _l("Must be one of: %(expected)s."),
    "literal_error": _l("Must be one of: %(expected)s."),
    "string_pattern_mismatch": _l("The value does not have the expected form."),
    "finite_number": _l("A finite number is expected."),
    "decimal_max_digits": _l("At most %(max_digits)s digits."),
    "decimal_max_places": _l("At most %(decimal_places)s decimal places."),
    "decimal_whole_digits": _l("At most %(whole_digits)s digits before the decimal point."),
    "date_from_datetime_inexact": _l("A date without a time of day is expected."),
}
UNKNOWN_VALIDATION = _l("This value is not valid.")


def validation_message(item: dict) -> str:
    """One pydantic error as a sentence in the request's language. A ValueError raised by Sasar's own
    validators already carries its (translated) words; other kinds are looked up by their type."""
    kind = item.get("type", "")
    if kind == "value_error":
        error = (item.get("ctx") or {}).get("error")
        return str(error) if error is not None else str(UNKNOWN_VALIDATION)
    template = VALIDATION_MESSAGES.get(kind, UNKNOWN_VALIDATION)
    try:
        return str(template) % {key: str(value) for key, value in (item.get("ctx") or {}).items()}
    except (KeyError, TypeError, ValueError):
        return str(UNKNOWN_VALIDATION)
