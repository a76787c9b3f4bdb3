"""The managers' dashboard: every figure equals a direct SQL count over the same filter, on the page, in the
exports and behind its links; managers see their branches only; bad filter values never break the page."""

import csv
import io
import re
from datetime import date, datetime
from html.parser import HTMLParser

import pytest
from flask_babel import force_locale, gettext
from openpyxl import load_workbook
from sqlalchemy import select, text

from crm.auth import tokens
from crm.models import Agency, Region, RegionLevel, Role, Sector, Target
from crm.registrations import targets
from tests.dashboard_data import JAKARTA, build, expected, local_midnight
from tests.factories import sign_in

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Page(HTMLParser):
    """The page as a tree light enough to look up data-* marks, tables and links in."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[dict] = []
        self._open: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": "", "children": []}
        if self._open:
            self._open[-1]["children"].append(element)
        self.elements.append(element)
        if tag not in VOID:
            self._open.append(element)

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        for element in self._open:
            element["text"] += data

    def options(self, name: str) -> list[str]:
        """The values a <select name=…> offers (empty when there is no such select)."""
        select = next((e for e in self.elements if e["tag"] == "select" and e["attrs"].get("name") == name), None)
        return [] if select is None else [d["attrs"].get("value") for d in _descendants(select) if d["tag"] == "option"]

    def marked(self, attr: str) -> dict[str, dict]:
        return {e["attrs"][attr]: e for e in self.elements if attr in e["attrs"]}

    def one(self, attr: str) -> dict:
        found = [e for e in self.elements if attr in e["attrs"]]
        assert len(found) == 1, f"{attr}: {len(found)} elements"
        return found[0]

    def table(self, name: str) -> dict[str, dict[str, dict]]:
        """{row key: {column key: {"value": data-value, "text": ..., "href": ...}}}"""
        table = next(e for e in self.elements if e["attrs"].get("data-table") == name)
        rows = {}
        for row in _descendants(table):
            if row["tag"] != "tr" or "data-key" not in row["attrs"]:
                continue
            cells = {}
            for cell in row["children"]:
                if "data-col" in cell["attrs"]:
                    link = next((d["attrs"]["href"] for d in _descendants(cell) if d["tag"] == "a"), None)
                    cells[cell["attrs"]["data-col"]] = {"value": cell["attrs"].get("data-value"),
                                                        "text": cell["text"].strip(), "href": link}
            rows[row["attrs"]["data-key"]] = cells
        return rows


def _descendants(element):
    for child in element["children"]:
        yield child
        yield from _descendants(child)


def indonesian_number(shown: str) -> float:
    """`1.234` → 1234; `12,5` → 12.5; `21,3%` → 21.3."""
    return float(shown.strip().rstrip("%").replace(".", "").replace(",", "."))


def _count(cell) -> int:
    return int(cell["value"])


def _rate(cell) -> float | None:
    return float(cell["value"]) if cell["value"] else None


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _today() -> date:
    return datetime.now(JAKARTA).date()


def _agency(code: str, db) -> int:
    return db.session.scalar(select(Agency.id).where(Agency.code == code))


def _busiest(db, column: str, branch_id: int) -> int:
    return db.session.execute(text(f"SELECT {column} FROM prospect WHERE branch_id = :b AND {column} IS NOT NULL "
                                   f"GROUP BY {column} ORDER BY count(*) DESC, {column} LIMIT 1"),
                              {"b": branch_id}).scalar()


COMBINATIONS = {
    "the default period (this year)": lambda d, db: {},
    "the year 2024": lambda d, db: {"from": "2024-01-01", "to": "2024-12-31"},
    "one agency over two years": lambda d, db: {"from": "2024-01-01", "to": "2025-12-31",
                                                "agency": str(_agency("DISNAKKAN", db))},
    "a kecamatan and a sector": lambda d, db: {"from": "2023-01-01", "to": "2026-12-31",
                                               "kecamatan": str(_busiest(db, "kecamatan_id", d.sbo.id)),
                                               "sector": "fishing"},
    "an officer and a lead batch": lambda d, db: {"from": "2023-06-01", "to": _today().isoformat(),
                                                  "officer": str(d.officers[0].id),
                                                  "batch": str(_busiest(db, "lead_batch_id", d.sbo.id))},
    "a desa over two years": lambda d, db: {"from": "2024-01-01", "to": "2025-12-31",
                                      "desa": str(_busiest(db, "desa_id", d.sbo.id))},
}


def _check_page(page: Page, want) -> None:
    reached, counts = page.marked("data-funnel-reached"), page.marked("data-funnel-count")
    for stage, n in want.reached.items():
        assert indonesian_number(reached[stage]["text"]) == n, stage
    for stage, n in want.counts.items():
        assert re.search(r"[\d.]+", counts[stage]["text"]).group() == f"{n:,}".replace(",", "."), stage
    assert indonesian_number(page.one("data-total")["text"]) == want.total
    median = page.one("data-median")["text"].strip()
    assert (median == "–") if want.median is None else indonesian_number(median) == pytest.approx(want.median)

    funnel = page.table("funnel")
    for stage, n in want.counts.items():
        assert _count(funnel[stage]["count"]) == n
    road = list(want.reached)
    for index, stage in enumerate(road):
        assert _count(funnel[stage]["reached"]) == want.reached[stage]
        previous = want.reached[road[index - 1]] if index else None
        assert _rate(funnel[stage]["rate"]) == (pytest.approx(want.reached[stage] / previous) if previous else None)
    assert _count(funnel["total"]["count"]) == want.total
    overall, shown = _ratio(want.counts["registered"], want.total), page.one("data-overall")["text"].strip()
    assert shown == "–" if overall is None else indonesian_number(shown) == pytest.approx(round(overall * 100, 1))

    for name in ("agency", "kecamatan", "sector"):
        rows = page.table(name)
        assert set(rows) == set(getattr(want, name)), name
        for key, (leads, new, in_progress, registered, exited) in getattr(want, name).items():
            row = rows[key]
            assert [_count(row[c]) for c in ("leads", "new", "in_progress", "registered", "exited")] == \
                [leads, new, in_progress, registered, exited], (name, key)
            assert _rate(row["conversion"]) == pytest.approx(registered / leads)
    officers = page.table("officer")
    assert set(officers) == set(want.officer)
    for key, (leads, registered, visits, flagged) in want.officer.items():
        row = officers[key]
        assert [_count(row[c]) for c in ("leads", "registered", "visits", "flagged")] == \
            [leads, registered, visits, flagged], key
        assert float(row["per_week"]["value"]) == pytest.approx(visits / want.weeks)
    outcomes = page.table("outcomes")
    assert {k: _count(r["visits"]) for k, r in outcomes.items()} == want.outcomes
    reasons = page.table("reasons")
    assert {k: _count(r["visits"]) for k, r in reasons.items() if _count(r["visits"])} == \
        {k: n for k, n in want.reasons.items() if n}


def _api(client, db, user, args: dict):
    issued = tokens.issue_token(user, "stats")
    db.session.commit()
    return client.get("/api/v1/stats/funnel", query_string=args, headers={"Authorization": f"Bearer {issued.secret}"})


def _check_api(body: dict, want) -> None:
    stages = {s["stage"]: s for s in body["stages"]}
    assert {k: s["count"] for k, s in stages.items()} == want.counts
    assert {k: s["reached"] for k, s in stages.items() if s["reached"] is not None} == want.reached
    assert body["total"] == want.total
    assert body["overall_conversion"] == (None if not want.total else pytest.approx(want.counts["registered"]
                                                                                    / want.total))
    assert body["median_days_to_registration"] == (None if want.median is None else pytest.approx(want.median))
    assert body["registrations_timed"] == want.timed


@pytest.mark.parametrize("combination", list(COMBINATIONS))
def test_every_figure_on_the_page_and_in_the_api_equals_sql(client, db, combination):
    data = build()
    args = COMBINATIONS[combination](data, db)
    want = expected([data.sbo.id], args, _today())
    assert want.total > 0 or combination == "the default period (this year)"
    sign_in(client, data.manager)
    response = client.get("/dashboard", query_string=args)
    assert response.status_code == 200
    page = Page(response.get_data(as_text=True))
    assert not page.marked("data-filter-notes")
    _check_page(page, want)
    api = _api(client, db, data.manager, args)
    assert api.status_code == 200, api.json
    _check_api(api.json, want)


def test_a_parent_branch_manager_sees_both_branches_and_may_narrow_to_one(client, db):
    data = build(seed=11)
    both, args = [data.sbo.id, data.jbr.id], {"from": "2023-01-01", "to": "2026-12-31"}
    sign_in(client, data.parent_manager)
    page = Page(client.get("/dashboard", query_string=args).get_data(as_text=True))
    _check_page(page, expected(both, args, _today()))
    assert set(page.options("branch")) == {"", str(data.bwi.id), str(data.sbo.id), str(data.jbr.id)}
    narrowed = {**args, "branch": str(data.jbr.id)}
    page = Page(client.get("/dashboard", query_string=narrowed).get_data(as_text=True))
    want = expected(both, narrowed, _today())
    assert 0 < want.total < expected(both, args, _today()).total
    _check_page(page, want)


def test_a_manager_never_sees_another_branch(client, db):
    data = build(seed=5)
    args = {"from": "2023-01-01", "to": "2026-12-31"}
    sign_in(client, data.manager)
    page = Page(client.get("/dashboard", query_string=args).get_data(as_text=True))
    assert indonesian_number(page.one("data-total")["text"]) == expected([data.sbo.id], args, _today()).total
    jember = db.session.scalar(select(Region.id).where(Region.name == "Kencong"))
    for arg, value in (("branch", data.jbr.id), ("kecamatan", jember), ("officer", data.jbr_officer.id)):
        response = client.get("/dashboard", query_string={**args, arg: str(value)})
        page = Page(response.get_data(as_text=True))
        assert response.status_code == 200 and page.marked("data-filter-notes"), arg
        assert indonesian_number(page.one("data-total")["text"]) == expected([data.sbo.id], args, _today()).total
    assert page.options("branch") == []  # one branch: nothing to choose
    assert str(jember) not in page.options("kecamatan") and str(data.jbr_officer.id) not in page.options("officer")
    assert str(jember) not in page.table("kecamatan")
    api = _api(client, db, data.manager, {**args, "branch": str(data.jbr.id)})
    assert api.status_code == 422 and api.content_type == "application/problem+json"
    assert api.json["errors"][0]["field"] == "branch"


@pytest.mark.parametrize("role", [Role.OFFICER, Role.LIAISON])
def test_officers_and_liaisons_may_not_open_the_dashboard(client, db, role):
    data = build(prospects=20)
    user = data.officers[0] if role is Role.OFFICER else data.liaison
    sign_in(client, user)
    for url in ("/dashboard", "/dashboard/map.json", "/dashboard/report", "/dashboard/export/funnel.csv",
                "/dashboard/export/all.xlsx"):
        assert client.get(url).status_code == 403, url
    assert "/dashboard" not in client.get("/prospects" if role is Role.OFFICER else "/").get_data(as_text=True)


@pytest.mark.parametrize("query", [
    {"from": "not-a-date", "to": "2024-13-45"}, {"from": "0001-01-01"}, {"from": "2025-01-01", "to": "2024-01-01"},
    {"agency": "DPMD"}, {"agency": "99999999999999999999"}, {"kecamatan": "-3"}, {"desa": "1e9"},
    {"officer": "' OR 1=1 --"}, {"sector": "mining"}, {"batch": "0"}, {"branch": "2147483648"},
    {"agency": "", "sector": "", "from": ""},
])
def test_invalid_filter_values_are_ignored_with_a_note(client, db, query):
    data = build(prospects=30)
    sign_in(client, data.manager)
    for url in ("/dashboard", "/dashboard/map.json", "/dashboard/report", "/dashboard/export/agency.csv"):
        response = client.get(url, query_string=query)
        assert response.status_code == 200, (url, response.status_code)
    page = Page(client.get("/dashboard", query_string=query).get_data(as_text=True))
    if any(query.values()):
        assert page.marked("data-filter-notes")
    assert indonesian_number(page.one("data-total")["text"]) == expected([data.sbo.id], {}, _today()).total
    assert client.get("/dashboard/report", query_string={"month": "2024-13"}).status_code == 200


def test_each_link_opens_the_prospects_a_figure_counts(client, db):
    data = build(seed=3)
    args = {"from": "2024-01-01", "to": "2025-06-30", "agency": str(_agency("DPMD", db))}
    sign_in(client, data.manager)
    page = Page(client.get("/dashboard", query_string=args).get_data(as_text=True))
    want = expected([data.sbo.id], args, _today())

    def listed(href: str) -> int:
        body = client.get(href).get_data(as_text=True)
        return int(re.search(r'<p class="muted">([\d.]+) ', body).group(1).replace(".", ""))

    for stage, element in page.marked("data-funnel-reached").items():
        assert listed(element["attrs"]["href"]) == want.reached[stage]
    for stage, element in page.marked("data-funnel-count").items():
        assert listed(element["attrs"]["href"]) == want.counts[stage]
    assert listed(page.one("data-total")["attrs"]["href"]) == want.total
    for key, row in page.table("kecamatan").items():
        if key != "none":
            assert listed(row["leads"]["href"]) == want.kecamatan[key][0]
            assert listed(row["registered"]["href"]) == want.kecamatan[key][3]
    for key, row in page.table("officer").items():
        if key != "none" and row["leads"]["href"]:
            assert listed(row["leads"]["href"]) == want.officer[key][0]


def _english(client):
    client.post("/language", data={"language": "en", "next": "/dashboard"})


def test_exports_hold_the_page_numbers_in_csv_and_xlsx(client, db):
    data = build(seed=9)
    args = {"from": "2024-01-01", "to": "2024-12-31"}
    want = expected([data.sbo.id], args, _today())
    sign_in(client, data.manager)
    _english(client)
    codes = {a.id: a.code for a in db.session.scalars(select(Agency))}
    by_label = {("No agency" if key == "none" else codes[int(key)]): row for key, row in want.agency.items()}

    response = client.get("/dashboard/export/agency.csv", query_string=args)
    assert response.status_code == 200 and response.content_type.startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.data
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Agency", "Leads", "New", "In progress", "Registered", "Declined or unreachable",
                       "Conversion (%)"]
    assert {r[0]: tuple(int(v) for v in r[1:6]) for r in rows[1:]} == by_label
    for r in rows[1:]:
        leads, registered = by_label[r[0]][0], by_label[r[0]][3]
        assert float(r[6].replace(",", ".")) == pytest.approx(round(registered / leads * 100, 1))

    book = load_workbook(io.BytesIO(client.get("/dashboard/export/agency.xlsx", query_string=args).data))
    sheet = book.worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:2] == ("Agency", "Leads")
    assert {r[0]: tuple(r[1:6]) for r in values[1:]} == by_label
    assert all(r[6] == pytest.approx(by_label[r[0]][3] / by_label[r[0]][0]) for r in values[1:])
    assert sheet.cell(row=2, column=7).number_format == "0.0%"

    book = load_workbook(io.BytesIO(client.get("/dashboard/export/all.xlsx", query_string=args).data))
    assert book.sheetnames[-1] == "Filter"
    assert [c.value for c in book["Filter"][2]] == ["Period", "01/01/2024 – 31/12/2024"]
    funnel = {r[0]: r[1:] for r in list(book["Funnel"].iter_rows(values_only=True))[1:]}
    assert funnel["Registered"][0] == want.counts["registered"]
    assert funnel["Visited"][1] == want.reached["visited"]
    assert funnel["All leads"][0] == want.total
    outcomes = {r[0]: r[1] for r in list(book["Visit outcomes"].iter_rows(values_only=True))[1:]}
    assert outcomes["Not at home"] == want.outcomes["not_at_home"]
    officers = list(book["By officer"].iter_rows(values_only=True))
    assert sum(r[4] for r in officers[1:]) == sum(v[2] for v in want.officer.values())

    funnel_csv = client.get("/dashboard/export/funnel.csv", query_string=args).data.decode("utf-8-sig")
    assert f"All leads;{want.total};;" in funnel_csv
    assert client.get("/dashboard/export/nothing.csv").status_code == 404
    assert client.get("/dashboard/export/all.csv").status_code == 404


def test_exports_speak_the_readers_language(app, client, db):
    data = build(prospects=20)
    sign_in(client, data.manager)
    client.post("/language", data={"language": "id", "next": "/dashboard"})
    indonesian = client.get("/dashboard/export/outcomes.csv").data.decode("utf-8-sig").splitlines()[0]
    with app.test_request_context(), force_locale("id"):
        assert indonesian == f"{gettext('Outcome')};{gettext('Visits')};{gettext('Share')} (%)"
    _english(client)
    english = client.get("/dashboard/export/outcomes.csv").data.decode("utf-8-sig").splitlines()[0]
    assert english == "Outcome;Visits;Share (%)"


def test_a_name_that_looks_like_a_formula_is_exported_as_text(client, db):
    data = build(prospects=10)
    data.officers[0].name = "=HYPERLINK(\"http://x\")"
    db.session.commit()
    sign_in(client, data.manager)
    args = {"from": "2023-01-01", "to": "2026-12-31"}
    body = client.get("/dashboard/export/officer.csv", query_string=args).data.decode("utf-8-sig")
    assert "'=HYPERLINK" in body
    book = load_workbook(io.BytesIO(client.get("/dashboard/export/officer.xlsx", query_string=args).data))
    names = [row[0].value for row in book.worksheets[0].iter_rows(min_row=2)]
    assert "=HYPERLINK(\"http://x\")" in names
    assert all(row[0].data_type == "s" for row in book.worksheets[0].iter_rows(min_row=2))


def test_the_map_counts_the_same_leads_by_place(client, db):
    data = build(seed=13)
    args = {"from": "2023-01-01", "to": "2026-12-31"}
    want = expected([data.sbo.id], args, _today())
    sign_in(client, data.manager)
    body = client.get("/dashboard/map.json", query_string=args).json
    assert sum(p["prospects"] for p in body["points"]) + body["unplaced"]["prospects"] == want.total
    assert sum(p["registered"] for p in body["points"]) + body["unplaced"]["registered"] == want.counts["registered"]
    unplaced = db.session.execute(text("SELECT count(*) FROM prospect WHERE branch_id = :b AND kecamatan_id IS NULL"),
                                  {"b": data.sbo.id}).scalar()
    assert body["unplaced"]["prospects"] == unplaced
    # No desa centroids are loaded: every point is a kecamatan centre, counting its desa and its bare leads.
    assert {p["level"] for p in body["points"]} == {"kecamatan"}
    for point in body["points"]:
        assert point["url"].startswith("/prospects?") and "kecamatan=" in point["url"]
    by_kecamatan = {p["url"].split("kecamatan=")[1].split("&")[0]: p["prospects"] for p in body["points"]}
    assert by_kecamatan == {k: v[0] for k, v in want.kecamatan.items() if k != "none"}


def test_desa_with_a_centroid_get_their_own_point(client, db):
    data = build(seed=13)
    args = {"from": "2023-01-01", "to": "2026-12-31"}
    desa_id = _busiest(db, "desa_id", data.sbo.id)
    desa = db.session.get(Region, desa_id)
    desa.latitude, desa.longitude = -7.7, 113.95
    db.session.commit()
    sign_in(client, data.manager)
    points = client.get("/dashboard/map.json", query_string=args).json["points"]
    own = [p for p in points if p["level"] == "desa"]
    count = db.session.execute(text("SELECT count(*) FROM prospect WHERE desa_id = :d"), {"d": desa_id}).scalar()
    assert [(p["name"], p["prospects"]) for p in own] == [(desa.name, count)]


def test_the_monthly_report_counts_the_month(client, db):
    data = build(seed=17)
    sign_in(client, data.manager)
    response = client.get("/dashboard/report", query_string={"month": "2024-03"})
    assert response.status_code == 200
    page = Page(response.get_data(as_text=True))
    want = expected([data.sbo.id], {"from": "2024-03-01", "to": "2024-03-31"}, _today())
    assert indonesian_number(page.one("data-total")["text"]) == want.total
    assert indonesian_number(page.one("data-registered")["text"]) == want.counts["registered"]
    assert {k: _count(r["count"]) for k, r in page.table("funnel").items() if k != "total"} == want.counts
    assert {k: _count(r["visits"]) for k, r in page.table("outcomes").items()} == want.outcomes
    assert "@media print" in client.get("/static/css/sasar.css").get_data(as_text=True)


def test_the_target_section_is_the_registration_arithmetic(client, db):
    data = build(seed=19)
    year = _today().year
    targets.set_target(data.sbo, year, 23_000, 20_797)
    targets.set_target(data.sbo, 2024, 22_000, 20_000)
    db.session.commit()
    sign_in(client, data.manager)
    page = Page(client.get("/dashboard").get_data(as_text=True))
    progress = targets.branch_progress(data.sbo.id, year, _today())
    assert indonesian_number(page.one("data-active-now")["text"]) == progress.active_now
    months = page.table("target")
    figures = targets.monthly_figures(db.session.scalar(select(Target).where(Target.year == year)), _today())
    assert [_count(months[str(m.month)]["registered"]) for m in figures] == [m.registered for m in figures]
    if progress.projection is not None and _today().month < 12:
        assert _count(months["12"]["projected"]) == progress.projection
    assert page.one("data-target-section")["children"]
    svg = [e for e in page.elements if e["tag"] == "svg" and "chart-trend" in e["attrs"].get("class", "")]
    assert svg and any(c["tag"] == "polyline" for c in _descendants(svg[0]))

    past = Page(client.get("/dashboard", query_string={"from": "2024-01-01", "to": "2024-12-31"})
                .get_data(as_text=True))
    progress_2024 = targets.branch_progress(data.sbo.id, 2024, _today())
    assert indonesian_number(past.one("data-active-now")["text"]) == progress_2024.active_now


def test_every_period_boundary_is_a_day_in_jakarta(db):
    from crm.dashboard.filters import DashboardFilter
    from crm.dashboard.funnel import funnel
    from crm.prospects.listing import day_bounds

    data = build(seed=23, prospects=0)
    assert day_bounds(date(2024, 1, 1), date(2024, 12, 31), JAKARTA) == (
        local_midnight(date(2024, 1, 1)), local_midnight(date(2025, 1, 1)))
    in_2024 = funnel(data.manager, DashboardFilter(date(2024, 1, 1), date(2024, 12, 31)), JAKARTA).total
    in_2025 = funnel(data.manager, DashboardFilter(date(2025, 1, 1), date(2025, 12, 31)), JAKARTA).total
    # Of the five leads around each New Year's midnight, the two before it belong to the year before.
    assert (in_2024, in_2025) == (3 + 2, 3)


def test_the_sector_filter_and_labels(client, db):
    data = build(seed=29)
    sign_in(client, data.manager)
    args = {"from": "2023-01-01", "to": "2026-12-31", "sector": Sector.LIVESTOCK.value}
    page = Page(client.get("/dashboard", query_string=args).get_data(as_text=True))
    assert set(page.table("sector")) == {Sector.LIVESTOCK.value}  # not empty: the narrowing kept some
    assert db.session.scalar(select(Region.id).where(Region.level == RegionLevel.KECAMATAN)) is not None
