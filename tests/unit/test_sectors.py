"""The sector comes from what a person does; the activity counts before the goods."""

import pytest

from crm.leads.sectors import sector_for
from crm.models import Sector

S = Sector


@pytest.mark.parametrize(("occupation", "sector"), [
    ("Nelayan", S.FISHING), ("Pembudidaya ikan", S.FISHING), ("Petambak garam", S.FISHING), ("Fisherman", S.FISHING),
    ("Petani tembakau", S.FARMING), ("Buruh tani", S.FARMING), ("Bertani", S.FARMING), ("Rice farmer", S.FARMING),
    ("Peternak sapi", S.LIVESTOCK), ("Peternak kambing", S.LIVESTOCK),
    ("Pedagang pasar", S.TRADE_SERVICES), ("Pedagang ikan", S.TRADE_SERVICES), ("Warung kopi", S.TRADE_SERVICES),
    ("Penjual gorengan", S.TRADE_SERVICES), ("Montir", S.TRADE_SERVICES),
    ("Pengolah ikan asin", S.INDUSTRY), ("Penjahit", S.INDUSTRY), ("Pengrajin batik", S.INDUSTRY),
    ("Tukang ojek", S.TRANSPORT), ("Ojek online", S.TRANSPORT), ("Sopir truk", S.TRANSPORT),
    ("Perangkat desa", S.OTHER), ("Ibu rumah tangga", S.OTHER), ("", S.OTHER),
])
def test_occupations(occupation, sector):
    assert sector_for(occupation) is sector


def test_the_type_of_business_counts_when_the_occupation_says_nothing():
    assert sector_for(None, "Toko kelontong") is S.TRADE_SERVICES
    assert sector_for("Wiraswasta", "Peternakan ayam") is S.LIVESTOCK
