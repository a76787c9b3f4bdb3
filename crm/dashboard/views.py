"""The managers' dashboard, its exports, the map's data and the printable monthly report."""

from dataclasses import replace
from datetime import date, datetime, timedelta

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from crm.auth.access import allow
from crm.dashboard import cache, charts, exports, places, target
from crm.dashboard.filters import (
    FIELD_LABELS,
    ID_ARGS,
    Note,
    filter_options,
    id_checker,
    month_period,
    parse_filter,
)
from crm.dashboard.funnel import funnel
from crm.dashboard.tables import (
    TABLE_NAMES,
    DashboardQuery,
    build_tables,
    target_branch_ids,
    target_section,
    target_table,
)
from crm.events.planning import events_this_month
from crm.i18n import local_timezone, local_today, long_date, number, percent
from crm.labels import MONTH_NAMES, SECTOR_LABELS
from crm.models import Role, Sector, Stage
from crm.prospects.scope import visible_branch_ids
from crm.prospects.stages import EXITS, ROAD

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
MANAGERS = (Role.ADMIN, Role.MANAGER)


def _query(period: tuple[date, date] | None = None, notes: tuple[Note, ...] = ()) -> DashboardQuery:
    """Who asks and what the query string asks for (a given `period` replaces the one in it)."""
    tz = local_timezone()
    today = local_today()
    branch_ids = visible_branch_ids(current_user)
    flt = parse_filter(request.args, today, id_checker(branch_ids))
    if period is not None:
        flt = flt.with_period(*period)
    if notes:
        flt = replace(flt, notes=(*notes, *flt.notes))
    options = filter_options(branch_ids, flt)
    return DashboardQuery(current_user, flt, tz, today, options, branch_ids)


def _presets(q: DashboardQuery) -> list[tuple[str, str]]:
    """Links to the same filter over the usual periods."""
    today = q.today
    first_of_month = today.replace(day=1)
    last_month_end = first_of_month - timedelta(days=1)
    periods = [
        (_("This month"), first_of_month, today),
        (_("Last month"), last_month_end.replace(day=1), last_month_end),
        (_("This year"), date(today.year, 1, 1), date(today.year, 12, 31)),
        (_("Last year"), date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
    ]
    return [(label, url_for("dashboard.index", **q.flt.with_period(start, end).to_query_args()))
            for label, start, end in periods]


def _narrowing_args(q: DashboardQuery) -> dict[str, str]:
    return {k: v for k, v in q.flt.to_query_args().items() if k not in ("from", "to")}


def _description(q: DashboardQuery) -> list[tuple[str, str]]:
    """The filter in words, for the exports' filter sheet and the printed report."""
    flt = q.flt
    lines = [(_("Period"), f"{flt.start:%d/%m/%Y} – {flt.end:%d/%m/%Y}")]
    for arg, attribute in ID_ARGS:
        value = getattr(flt, attribute)
        if value is not None:
            lines.append((str(FIELD_LABELS[arg]).capitalize(), q.options.label(arg, value) or f"#{value}"))
    if flt.sector is not None:
        lines.append((str(FIELD_LABELS["sector"]).capitalize(), str(SECTOR_LABELS[flt.sector])))
    return lines


def _headline(q: DashboardQuery) -> list[tuple[str, str]]:
    """The target as the dashboard heads it: active participants against the year's target."""
    overview = target_section(q)
    if overview is None:
        return []
    progress = overview.progress
    return [(_("Active participants against the %(year)d target", year=progress.year),
             f"{number(progress.active_now)} / {number(progress.target)} ({percent(progress.share_of_target)}) · "
             + _("Counted to %(date)s.", date=long_date(progress.as_of)))]


def _branch_labels(q: DashboardQuery) -> list[str]:
    return [b.label for b in q.options.branches if q.flt.branch_id in (None, b.id)]


def _links(q: DashboardQuery):
    args = q.flt.to_query_args()

    def prospects_url(extra: dict | None = None) -> str:
        return url_for("prospects.index", **{**args, **(extra or {})})

    def here(endpoint: str, **extra) -> str:
        return url_for(endpoint, **{**args, **extra})

    return prospects_url, here


def _figures(q: DashboardQuery):
    """The page's numbers: the funnel, every table, the target section."""
    result = funnel(q.user, q.flt, q.tz)
    tables = build_tables(q, tuple(n for n in TABLE_NAMES if n != "target"), result)
    overview = target_section(q)
    tables["target"] = target_table(overview)
    return result, tables, overview


def _cache_key(q: DashboardQuery) -> tuple:
    """What the figures depend on: whose branches (an admin sees all), the filter, the day, the language."""
    return (q.user.role is Role.ADMIN, tuple(q.branch_ids), tuple(sorted(q.flt.to_query_args().items())), q.today,
            str(get_locale()))


@bp.get("")
@allow(*MANAGERS)
def index():
    q = _query()
    result, tables, overview = cache.figures.get(_cache_key(q), current_app.config["SASAR_DASHBOARD_CACHE_SECONDS"],
                                                 lambda: _figures(q))
    prospects_url, here = _links(q)
    month_names = [str(m) for m in MONTH_NAMES]
    trend = charts.trend_chart(overview, month_names, _("Active participants by month"), _("Target"),
                               _("Active"), _("Projected")) if overview else None
    bar_charts = {
        "funnel": charts.bar_chart(tables["funnel"], "reached", part_key="count",
                                   title=_("Prospects at each stage or further")),
        "agency": charts.bar_chart(tables["agency"], "leads", part_key="registered",
                                   title=_("Leads and registered by source agency")),
        "event": charts.bar_chart(tables["event"], "leads", part_key="registered",
                                  title=_("Leads and registered by outreach event")),
        "kecamatan": charts.bar_chart(tables["kecamatan"], "leads", part_key="registered",
                                      title=_("Leads and registered by kecamatan")),
        "officer": charts.bar_chart(tables["officer"], "visits", part_key="flagged",
                                    title=_("Visits and flagged visits by officer")),
        "sector": charts.bar_chart(tables["sector"], "leads", part_key="registered",
                                   title=_("Leads and registered by sector")),
        "outcomes": charts.bar_chart(tables["outcomes"], "visits", title=_("Visits by outcome")),
        "reasons": charts.bar_chart(tables["reasons"], "visits", title=_("Reasons for declining")),
        "target": trend,
    }
    return render_template(
        "dashboard/index.html", q=q, flt=q.flt, options=q.options, result=result, tables=tables,
        charts=bar_charts, overview=overview, prospects_url=prospects_url, here=here, road=ROAD, exits=EXITS,
        Stage=Stage, sectors=[(s.value, SECTOR_LABELS[s]) for s in Sector], presets=_presets(q),
        report_url=url_for("dashboard.report", month=f"{min(q.flt.end, q.today):%Y-%m}", **_narrowing_args(q)),
        map_center=places.map_center(q.branch_ids), tile_url=current_app.config.get("SASAR_MAP_TILE_URL") or "",
        tile_attribution=current_app.config.get("SASAR_MAP_TILE_ATTRIBUTION") or "",
        export_names=TABLE_NAMES, events=events_this_month(q.user, q.today, q.tz))


@bp.get("/map.json")
@allow(*MANAGERS)
def map_json():
    q = _query()
    data = places.map_points(q.user, q.flt, q.tz)
    prospects_url, _here = _links(q)
    points = [{
        "level": p.level, "name": p.name, "kecamatan": p.kecamatan, "lat": p.latitude, "lng": p.longitude,
        "prospects": p.prospects, "registered": p.registered,
        "url": prospects_url({"desa" if p.level == "desa" else "kecamatan": str(p.region_id)}),
    } for p in data.points]
    return jsonify(points=points, unplaced={"prospects": data.unplaced_prospects,
                                            "registered": data.unplaced_registered},
                   notes=[str(n.message) for n in q.flt.notes])


@bp.get("/export/<name>.<fmt>")
@allow(*MANAGERS)
def export(name: str, fmt: str):
    if fmt not in ("csv", "xlsx") or (name not in TABLE_NAMES and not (name == "all" and fmt == "xlsx")):
        abort(404)
    q = _query()
    tables = build_tables(q, TABLE_NAMES if name == "all" else (name,))
    filename = f"sasar-{name}-{q.flt.start.isoformat()}-{q.flt.end.isoformat()}.{fmt}"
    if fmt == "csv":
        body, content_type = exports.to_csv(tables[name]), exports.CSV_CONTENT_TYPE
    else:
        about = [(_("Sasar dashboard"), ", ".join(_branch_labels(q))), *_headline(q), *_description(q),
                 (_("Made on"), f"{datetime.now(q.tz):%d/%m/%Y %H.%M}")]
        body = exports.to_xlsx(tables.values(), about, _("Filter"))
        content_type = exports.XLSX_CONTENT_TYPE
    return Response(body, content_type=content_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.get("/report")
@allow(*MANAGERS)
def report():
    first, last, ok = month_period(request.args.get("month"), local_today())
    notes = () if ok or not request.args.get("month") else (
        Note("month", _("“%(value)s” is not a month (YYYY-MM); this month is shown.",
                        value=request.args.get("month", "")[:20])),)
    q = _query(period=(first, last), notes=notes)
    result = funnel(q.user, q.flt, q.tz)
    tables = build_tables(q, ("funnel", "summary", "agency", "kecamatan", "outcomes"))
    # The target as it stood at the month's end (or today, for the month under way).
    overview = target.target_overview(target_branch_ids(q), first.year, min(last, q.today))
    previous = first - timedelta(days=1)
    following = last + timedelta(days=1)
    narrowing = _narrowing_args(q)
    return render_template(
        "dashboard/report.html", q=q, flt=q.flt, result=result, tables=tables, overview=overview,
        month_name=MONTH_NAMES[first.month - 1], first=first, description=_description(q)[1:],
        previous_url=url_for("dashboard.report", month=f"{previous:%Y-%m}", **narrowing),
        next_url=url_for("dashboard.report", month=f"{following:%Y-%m}", **narrowing),
        dashboard_url=url_for("dashboard.index", **q.flt.to_query_args()), road=ROAD,
        branches=_branch_labels(q))
