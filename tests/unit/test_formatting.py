"""Numbers and rupiah follow Indonesian convention in every language; dates follow the UI language."""

from datetime import date

import pytest
from flask_babel import force_locale

from crm.i18n import long_date, number, percent, rupiah


@pytest.fixture
def request_context(app):
    with app.test_request_context():
        yield


@pytest.mark.parametrize("language", ["id", "en"])
def test_figures_are_written_the_indonesian_way_in_either_language(request_context, language):
    with force_locale(language):
        assert number(20797) == "20.797"
        assert rupiah(1250000) == "Rp1.250.000"
        assert rupiah(16800) == "Rp16.800"
        assert rupiah(-16800) == "-Rp16.800"
        assert percent(0.9042) == "90,4%"
        assert number(1234.5, decimals=2) == "1.234,50"


def test_missing_figures_show_a_dash(request_context):
    assert number(None) == rupiah(None) == percent(None) == long_date(None) == "–"


def test_long_date_is_spelled_in_the_ui_language(request_context):
    with force_locale("id"):
        assert long_date(date(2024, 12, 31)) == "31 Desember 2024"
    with force_locale("en"):
        assert long_date(date(2024, 12, 31)) == "31 December 2024"
