import pytest

from crm.errors import Invalid
from crm.registrations import kpj


@pytest.mark.parametrize(("written", "kept"), [
    ("24010000002", "24010000002"),
    ("04012345678", "04012345678"),  # the leading zero stays: a KPJ is text
    (" 2401 0000 002 ", "24010000002"),
    ("240.100.000-02", "24010000002"),
])
def test_a_kpj_is_eleven_digits_kept_as_text(written, kept):
    assert kpj.normalise(written) == kept


@pytest.mark.parametrize("written", ["", "   ", "2401000000", "240100000021", "2401000000O", "00000000000",
                                     "٢٤٠١٠٠٠٠٠٠٢"])
def test_anything_else_is_refused_with_a_reason(written):
    with pytest.raises(Invalid) as refused:
        kpj.normalise(written)
    assert refused.value.details["field"] == "kpj"
    assert str(refused.value.message)
    assert not kpj.is_valid(written)


def test_a_kpj_stored_as_a_number_gets_its_leading_zeros_back():
    assert kpj.from_number(4012345678) == "04012345678"
    assert kpj.from_number(24010000002) == "24010000002"
    with pytest.raises(Invalid):
        kpj.from_number(240100000021)


def test_the_message_says_how_many_digits_there_were():
    with pytest.raises(Invalid) as refused:
        kpj.normalise("2401000007")
    assert "10" in str(refused.value.message) and "11" in str(refused.value.message)
