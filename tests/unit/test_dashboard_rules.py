"""The dashboard's rules that need no database: reading filters, the median, charts and CSV for Excel."""

import csv
import io
from datetime import date

import pytest

from crm.dashboard.charts import bar_chart
from crm.dashboard.exports import _sheet_title, to_csv
from crm.dashboard.filters import DashboardFilter, month_period, parse_filter
from crm.dashboard.funnel import Funnel, median_of_counts
from crm.dashboard.tables import COUNT, DECIMAL, RATE, TEXT, Column, Row, Table
from crm.models import Sector, Stage

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(("counts", "median"), [
    ({}, None), ({5: 1}, 5), ({1: 1, 3: 1}, 2), ({1: 2, 9: 1}, 1), ({-2: 1, 4: 3}, 4), ({0: 2, 10: 2}, 5),
    ({3: 1, 1: 1, 2: 1}, 2),
])
def test_the_median_of_a_histogram(counts, median):
    assert median_of_counts(counts) == median


def test_reached_counts_the_road_from_a_stage_on_and_exits_aside():
    result = Funnel({Stage.NEW: 10, Stage.CONTACTED: 6, Stage.VISITED: 4, Stage.INTERESTED: 3,
                     Stage.REGISTERED: 2, Stage.DECLINED: 4, Stage.UNREACHABLE: 1}, 12.0, 2)
    assert result.total == 30 and result.exits == 5
    assert [result.reached(s) for s in (Stage.NEW, Stage.CONTACTED, Stage.VISITED, Stage.INTERESTED,
                                        Stage.REGISTERED)] == [25, 15, 9, 5, 2]
    assert result.step_rate(Stage.NEW) is None
    assert result.step_rate(Stage.CONTACTED) == 15 / 25
    assert result.overall_rate == 2 / 30
    assert Funnel(dict.fromkeys(Stage, 0), None, 0).overall_rate is None


def test_the_default_period_is_the_current_year():
    flt = parse_filter({}, TODAY)
    assert (flt.start, flt.end, flt.notes) == (date(2026, 1, 1), date(2026, 12, 31), ())
    assert flt.to_query_args() == {"from": "2026-01-01", "to": "2026-12-31"}
    only_start = parse_filter({"from": "2024-03-01"}, TODAY)
    assert (only_start.start, only_start.end) == (date(2024, 3, 1), date(2024, 12, 31))


def test_the_filter_survives_a_round_trip_through_the_query():
    flt = DashboardFilter(date(2024, 2, 1), date(2024, 2, 29), branch_id=2, agency_id=3, kecamatan_id=4, desa_id=5,
                          officer_id=6, sector=Sector.FISHING, batch_id=7)
    assert parse_filter(flt.to_query_args(), TODAY) == flt
    assert flt.narrowed and not DashboardFilter(date(2024, 1, 1), date(2024, 1, 2)).narrowed


@pytest.mark.parametrize(("args", "fields"), [
    ({"from": "2024-02-30"}, ["from"]), ({"from": "1850-01-01"}, ["from"]), ({"to": "soon"}, ["to"]),
    ({"from": "2025-01-01", "to": "2024-01-01"}, ["to"]), ({"agency": "DPMD"}, ["agency"]),
    ({"desa": "-1"}, ["desa"]), ({"batch": "0"}, ["batch"]), ({"officer": "9" * 12}, ["officer"]),
    ({"sector": "mining", "kecamatan": "x"}, ["kecamatan", "sector"]), ({"agency": " ", "sector": ""}, []),
])
def test_values_that_cannot_be_used_are_noted_and_ignored(args, fields):
    flt = parse_filter(args, TODAY)
    assert [note.field for note in flt.notes] == fields
    assert flt.agency_id is flt.desa_id is flt.batch_id is flt.officer_id is flt.kecamatan_id is flt.sector is None


def test_ids_the_user_may_not_use_are_noted():
    flt = parse_filter({"agency": "3", "branch": "9"}, TODAY, lambda arg, value: arg == "agency")
    assert flt.agency_id == 3 and flt.branch_id is None and [n.field for n in flt.notes] == ["branch"]


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-02", (date(2024, 2, 1), date(2024, 2, 29), True)),
    ("2024-12", (date(2024, 12, 1), date(2024, 12, 31), True)),
    ("2024-13", (date(2026, 11, 1), date(2026, 11, 30), False)),
    (None, (date(2026, 11, 1), date(2026, 11, 30), False)),
    ("0001-01", (date(2026, 11, 1), date(2026, 11, 30), False)),
])
def test_a_report_month(text, expected):
    assert month_period(text, TODAY) == expected


def _table(rows) -> Table:
    return Table("agency", "By agency", (Column("agency", "Agency", TEXT), Column("leads", "Leads", COUNT),
                                         Column("registered", "Registered", COUNT),
                                         Column("conversion", "Conversion", RATE),
                                         Column("per_week", "Per week", DECIMAL)),
                 tuple(Row(values, key=str(n)) for n, values in enumerate(rows)))


def test_a_bar_chart_escapes_its_text_and_draws_a_bar_per_row():
    svg = str(bar_chart(_table([("<script>alert(1)</script>", 10, 4, 0.4, 1.5), ("Dinsos & co", 5, 0, 0.0, None)]),
                        "leads", part_key="registered"))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "Dinsos &amp; co" in svg
    assert svg.count('class="chart-bar"') == 2 and svg.count('class="chart-part"') == 2
    assert svg.startswith("<svg") and 'role="img"' in svg and "<title id=" in svg and "<desc" in svg
    assert 'width="0.0"' in svg  # no one registered from Dinsos


def test_csv_is_for_indonesian_excel():
    body = to_csv(_table([("DPMD", 1234, 100, 100 / 1234, 2.26), ("=cmd|' /C calc'!A0", 3, 0, 0.0, None)]))
    assert body.startswith(b"\xef\xbb\xbf") and b"\r\n" in body
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Agency", "Leads", "Registered", "Conversion (%)", "Per week"]
    assert rows[1] == ["DPMD", "1234", "100", "8,1", "2,3"]
    assert rows[2] == ["'=cmd|' /C calc'!A0", "3", "0", "0,0", ""]


def test_sheet_titles_are_what_excel_allows():
    taken: set[str] = set()
    assert _sheet_title("By agency: who converts? [2024]", taken) == "By agency  who converts   2024"[:31]
    assert _sheet_title("By agency: who converts? [2024]", taken).endswith(" 2")
    assert len(_sheet_title("x" * 40, taken)) == 31
