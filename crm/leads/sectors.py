"""The sector of a lead, read from what the list says they do (`Pekerjaan`, `Jenis Usaha`).

What a person does counts before what they handle: a fish trader (`pedagang ikan`) is trade, a fish
processor (`pengolah ikan asin`) industry, a fisherman (`nelayan`) fishing. So the words that name an
activity are tried first, sector by sector, and only then the words that name goods.
"""

import re
from functools import lru_cache

from crm.models import Sector

ACTIVITY_WORDS: tuple[tuple[Sector, tuple[str, ...]], ...] = (
    (Sector.INDUSTRY, ("olah", "rajin", "jahit", "konveksi", "industri", "produksi", "produsen", "pabrik",
                       "tukang kayu", "mebel", "meubel", "percetakan", "pandai besi", "tenun", "craft", "tailor",
                       "manufactur", "factory", "processor")),
    (Sector.TRANSPORT, ("ojek", "ojeg", "ojol", "sopir", "supir", "driver", "kurir", "becak", "angkot", "angkutan",
                        "taksi", "taxi", "gojek", "pengemudi", "courier", "delman", "dokar", "transport")),
    (Sector.TRADE_SERVICES, ("dagang", "jual", "toko", "warung", "kios", "kelontong", "pasar", "jasa", "bengkel",
                             "montir", "salon", "laundry", "servis", "service", "katering", "catering",
                             "rumah makan", "warteg", "cukur", "pijat", "trader", "vendor", "seller", "shop",
                             "retail", "store", "mechanic", "barber")),
    (Sector.FISHING, ("nelayan", "budidaya ikan", "budi daya ikan", "tambak", "pelaut", "anak buah kapal", "abk",
                      "fisher", "aquaculture")),
    (Sector.LIVESTOCK, ("ternak", "gembala", "livestock", "herder", "breeder")),
    (Sector.FARMING, ("tani", "kebun", "sawah", "farmer", "farm", "grower", "plantation", "agricultur")),
)
GOODS_WORDS: tuple[tuple[Sector, tuple[str, ...]], ...] = (
    (Sector.FISHING, ("ikan", "udang", "rumput laut", "kerang", "bandeng", "lele", "garam", "fish", "shrimp",
                      "seaweed")),
    (Sector.LIVESTOCK, ("sapi", "kambing", "domba", "ayam", "bebek", "itik", "unggas", "kerbau", "cattle", "goat",
                        "poultry", "chicken")),
    (Sector.FARMING, ("padi", "jagung", "tembakau", "sayur", "buah", "tebu", "kopi", "mangga", "cabai", "cabe",
                      "bawang", "tobacco", "rice")),
    (Sector.INDUSTRY, ("batik", "anyaman", "kerajinan", "keripik", "kerupuk", "tahu", "tempe")),
    (Sector.TRADE_SERVICES, ("kuliner", "makanan", "minuman", "food", "trade")),
)
# Indonesian adds a prefix to a stem: tani → petani, bertani; dagang → pedagang; olah → pengolah.
_PREFIX = r"(?<![a-z])(?:pe|per|pem|pen|peng|peny|ber|be)?"


def _pattern(words: tuple[str, ...]) -> re.Pattern:
    return re.compile(_PREFIX + "(?:" + "|".join(re.escape(word) for word in words) + ")")


_RULES = tuple((sector, _pattern(words)) for sector, words in (*ACTIVITY_WORDS, *GOODS_WORDS))


@lru_cache(maxsize=4096)
def sector_for(*texts: str | None) -> Sector:
    """The sector for an occupation and/or type of business; OTHER when nothing says."""
    text = " ".join(t for t in texts if t).lower()
    for sector, pattern in _RULES:
        if pattern.search(text):
            return sector
    return Sector.OTHER
