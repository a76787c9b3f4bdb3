"""The dashboard's figures as tables: what the page shows, the charts draw and the exports write.

A table is built from the funnel, the breakdowns or the target section, with its column titles marked for
translation; a row may say, for some of its numbers, how to narrow the prospect list to the people counted
(`links`: extra query arguments on top of the dashboard's filter).
"""

from dataclasses import dataclass, field
from datetime import date, tzinfo

from flask_babel import lazy_gettext as _l

from crm.dashboard import breakdowns, target
from crm.dashboard.filters import DashboardFilter, FilterOptions
from crm.dashboard.funnel import Funnel, funnel
from crm.labels import DECLINE_LABELS, MONTH_NAMES, OUTCOME_LABELS, SECTOR_LABELS
from crm.models import Stage, User
from crm.prospects.stages import ROAD, STAGE_LABELS

TEXT, COUNT, RATE, DECIMAL = "text", "count", "rate", "decimal"


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # a lazy string
    kind: str = COUNT


@dataclass(frozen=True)
class Row:
    values: tuple
    links: dict[str, dict[str, str]] = field(default_factory=dict)  # column key → prospect-list arguments
    total: bool = False
    key: str | None = None  # what the row is about (a stage, an id, a month), for scripts and tests


@dataclass(frozen=True)
class Table:
    name: str
    title: object
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]

    def column(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def values(self, key: str) -> list:
        index = self.column(key)
        return [row.values[index] for row in self.rows if not row.total]


@dataclass(frozen=True)
class DashboardQuery:
    """Who asks, about what: everything a table needs."""

    user: User
    flt: DashboardFilter
    tz: tzinfo
    today: date
    options: FilterOptions
    branch_ids: list[int]


# --- the funnel -----------------------------------------------------------------------------------

def funnel_table(result: Funnel) -> Table:
    rows = []
    for stage in (*ROAD, Stage.DECLINED, Stage.UNREACHABLE):
        on_road = stage in ROAD
        links = {"count": {"stage": stage.value}}
        if on_road:
            links["reached"] = {"reached": stage.value}
        rows.append(Row((str(STAGE_LABELS[stage]), result.count(stage), result.reached(stage) if on_road else None,
                         result.step_rate(stage) if on_road else None), links, key=stage.value))
    rows.append(Row((str(_l("All leads")), result.total, None, None), {"count": {}}, total=True, key="total"))
    return Table("funnel", _l("Funnel"), (
        Column("stage", _l("Stage"), TEXT), Column("count", _l("Now at this stage")),
        Column("reached", _l("At this stage or further")), Column("rate", _l("Conversion from the stage before"), RATE),
    ), tuple(rows))


def summary_table(result: Funnel) -> Table:
    return Table("summary", _l("Key figures"), (Column("figure", _l("Figure"), TEXT), Column("value", _l("Value"),
                                                                                           DECIMAL)), (
        Row((str(_l("Leads")), result.total), {"value": {}}, key="leads"),
        Row((str(_l("Registered")), result.count(Stage.REGISTERED)), {"value": {"stage": "registered"}},
            key="registered"),
        Row((str(_l("Overall conversion (%)")), None if result.overall_rate is None else result.overall_rate * 100),
            key="overall_conversion"),
        Row((str(_l("Median days from lead to registration")), result.median_days),
            {"value": {"stage": "registered"}}, key="median_days"),
    ))


def _key(value) -> str:
    return "none" if value is None else str(value)


# --- breakdowns -----------------------------------------------------------------------------------

MIX_COLUMNS = (Column("leads", _l("Leads")), Column("new", _l("New")), Column("in_progress", _l("In progress")),
               Column("registered", _l("Registered")), Column("exited", _l("Declined or unreachable")),
               Column("conversion", _l("Conversion"), RATE))


def _mix_table(name: str, title, first: Column, arg: str, rows: list[breakdowns.BreakdownRow]) -> Table:
    out = []
    for row in rows:
        mix = row.mix
        narrowing = {arg: str(row.key)} if row.key is not None else None
        links = {} if narrowing is None else {
            "leads": narrowing, "new": {**narrowing, "stage": "new"},
            "registered": {**narrowing, "stage": "registered"}}
        out.append(Row((row.label, mix.leads, mix.new, mix.in_progress, mix.registered, mix.exited, mix.conversion),
                       links, key=_key(row.key)))
    return Table(name, title, (first, *MIX_COLUMNS), tuple(out))


def agency_table(q: DashboardQuery) -> Table:
    rows = breakdowns.by_agency(q.user, q.flt, q.tz, q.options.labels("agency"), str(_l("No agency")))
    return _mix_table("agency", _l("By source agency"), Column("agency", _l("Agency"), TEXT), "agency", rows)


def event_table(q: DashboardQuery) -> Table:
    rows = breakdowns.by_event(q.user, q.flt, q.tz, q.options.labels("event"), str(_l("At no event")))
    return _mix_table("event", _l("By outreach event"), Column("event", _l("Event"), TEXT), "event", rows)


def kecamatan_table(q: DashboardQuery) -> Table:
    rows = breakdowns.by_kecamatan(q.user, q.flt, q.tz, q.options.labels("kecamatan"), str(_l("Place not known")))
    return _mix_table("kecamatan", _l("By kecamatan"), Column("kecamatan", _l("Kecamatan"), TEXT), "kecamatan", rows)


def sector_table(q: DashboardQuery) -> Table:
    labels = {sector: str(label) for sector, label in SECTOR_LABELS.items()}
    rows = breakdowns.by_sector(q.user, q.flt, q.tz, labels)
    return _mix_table("sector", _l("By sector"), Column("sector", _l("Sector"), TEXT), "sector", rows)


def officer_table(q: DashboardQuery) -> Table:
    rows = breakdowns.by_officer(q.user, q.flt, q.tz, q.today, str(_l("Not assigned")))
    out = []
    for row in rows:
        links = {} if row.key is None else {"leads": {"officer": str(row.key)},
                                            "registered": {"officer": str(row.key), "stage": "registered"}}
        out.append(Row((row.label, row.mix.leads, row.mix.registered, row.mix.conversion, row.visits,
                        row.visits_per_week, row.flagged, row.contacts), links, key=_key(row.key)))
    return Table("officer", _l("By officer"), (
        Column("officer", _l("Officer"), TEXT), Column("leads", _l("Leads assigned")),
        Column("registered", _l("Registered")), Column("conversion", _l("Conversion"), RATE),
        Column("visits", _l("Visits")), Column("per_week", _l("Visits per week"), DECIMAL),
        Column("flagged", _l("Flagged visits")), Column("contacts", _l("Calls and messages")),
    ), tuple(out))


def _count_table(name: str, title, first: Column, counts: list[breakdowns.Count]) -> Table:
    return Table(name, title, (first, Column("visits", _l("Visits")), Column("share", _l("Share"), RATE)),
                 tuple(Row((c.label, c.count, c.share), key=_key(c.key)) for c in counts))


def visit_tables(q: DashboardQuery) -> tuple[Table, Table]:
    outcomes, reasons = breakdowns.visit_outcomes(
        q.user, q.flt, q.tz, {o: str(label) for o, label in OUTCOME_LABELS.items()},
        {r: str(label) for r, label in DECLINE_LABELS.items()}, str(_l("No reason given")))
    return (_count_table("outcomes", _l("Visit outcomes"), Column("outcome", _l("Outcome"), TEXT), outcomes),
            _count_table("reasons", _l("Why people decline"), Column("reason", _l("Reason"), TEXT), reasons))


# --- the target -----------------------------------------------------------------------------------

def target_year(q: DashboardQuery) -> int:
    return q.flt.end.year


def target_branch_ids(q: DashboardQuery) -> list[int]:
    return [q.flt.branch_id] if q.flt.branch_id is not None else q.branch_ids


def target_section(q: DashboardQuery) -> target.TargetOverview | None:
    return target.target_overview(target_branch_ids(q), target_year(q), q.today)


def target_table(overview: target.TargetOverview | None) -> Table:
    rows = () if overview is None else tuple(
        Row((str(MONTH_NAMES[m.month - 1]), m.registered, m.lapsed, m.net, m.active, m.projected, m.planned),
            key=str(m.month))
        for m in overview.months)
    return Table("target", _l("Participants by month"), (
        Column("month", _l("Month"), TEXT), Column("registered", _l("Registered")), Column("lapsed", _l("Lapsed")),
        Column("net", _l("Net")), Column("active", _l("Active at the month's end")),
        Column("projected", _l("Projected")), Column("planned", _l("Planned")),
    ), rows)


# --- all of them ----------------------------------------------------------------------------------

TABLE_NAMES = ("funnel", "summary", "agency", "event", "kecamatan", "officer", "sector", "outcomes", "reasons",
               "target")


def build_tables(q: DashboardQuery, names: tuple[str, ...] = TABLE_NAMES, result: Funnel | None = None
                 ) -> dict[str, Table]:
    """The named tables (each computed once, whatever else is asked; the funnel's `result` if already had)."""
    tables: dict[str, Table] = {}
    if {"funnel", "summary"} & set(names):
        result = result or funnel(q.user, q.flt, q.tz)
        tables["funnel"], tables["summary"] = funnel_table(result), summary_table(result)
    builders = {"agency": agency_table, "event": event_table, "kecamatan": kecamatan_table, "officer": officer_table,
                "sector": sector_table}
    for name, build in builders.items():
        if name in names:
            tables[name] = build(q)
    if {"outcomes", "reasons"} & set(names):
        tables["outcomes"], tables["reasons"] = visit_tables(q)
    if "target" in names:
        tables["target"] = target_table(target_section(q))
    return {name: tables[name] for name in names}

