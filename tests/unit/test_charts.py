"""Chart labels wrap onto two lines and are shortened only past that, the whole text kept in the row's title."""

import re

from crm.dashboard.charts import LABEL_LINE, bar_chart, label_lines
from crm.dashboard.tables import TEXT, Column, Row, Table

LONG = "Langsung didaftarkan di tempat oleh petugas lapangan"


def test_long_labels_wrap_at_spaces_then_shorten():
    assert label_lines("Tidak mampu membayar iuran") == ["Tidak mampu membayar", "iuran"]
    assert label_lines("Kapongan") == ["Kapongan"]
    lines = label_lines(LONG)
    assert len(lines) == 2 and lines[-1].endswith("…") and all(len(line) <= LABEL_LINE for line in lines)
    assert all(len(line) <= LABEL_LINE for line in label_lines("x" * 80))


def test_a_shortened_label_keeps_its_whole_text_in_the_rows_title():
    table = Table("outcomes", "Hasil", (Column("outcome", "Hasil", TEXT), Column("visits", "Kunjungan")),
                  (Row((LONG, 11)), Row(("Tidak ada di rumah", 17))))
    svg = str(bar_chart(table, "visits"))
    rows = re.findall(r'<g class="chart-row"><title>(.*?)</title>(.*?)</g>', svg)
    assert rows[0][0].startswith(LONG) and rows[0][1].count("<tspan") == 2
    assert rows[1][1].count("<tspan") == 1
