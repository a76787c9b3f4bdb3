"""Names arrive from spreadsheets and agencies' systems: any text gives a clean name or a clear reason."""

import re

from hypothesis import given
from hypothesis import strategies as st

from crm.people.names import name_key, parse_name
from crm.people.problems import Refused

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@given(st.one_of(st.text(), st.integers(), st.floats(), st.none()))
def test_any_value_gives_a_clean_name_or_a_reason(value):
    try:
        name = parse_name(value)
    except Refused as refused:
        assert refused.problem.field == "Name"
        assert refused.problem.code in ("name_missing", "name_no_letters", "name_too_long")
    else:
        assert name == name.strip() and name
        assert not CONTROL.search(name), "a control character would break PostgreSQL (NUL) or the exports"
        assert isinstance(name_key(name), str)
