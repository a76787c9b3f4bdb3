"""`GET /api/v1/stats/funnel`: the dashboard's funnel for other systems, with the same filters.
Importing this module registers the operation on the API blueprint."""

from datetime import date

from flask import jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from pydantic import BaseModel, Field

from crm.api.spec import operation
from crm.api.views import bp
from crm.dashboard.filters import QUERY_ARGS, id_checker, parse_filter
from crm.dashboard.funnel import funnel
from crm.errors import Invalid
from crm.i18n import local_timezone, local_today
from crm.models import Role, Sector, Stage
from crm.prospects.scope import visible_branch_ids
from crm.prospects.stages import ROAD

_ID = {"type": "integer", "minimum": 1}
_PARAMETERS = {
    "from": ("First day of the period (YYYY-MM-DD), default 1 January of the current year. A prospect is "
             "in the period when its lead arrived on a day of it (Asia/Jakarta).", {"type": "string",
                                                                                   "format": "date"}),
    "to": ("Last day of the period (YYYY-MM-DD), default 31 December of the start's year.",
           {"type": "string", "format": "date"}),
    "branch": ("Only this branch (one of the user's: their own and those under it)", _ID),
    "agency": ("Only leads from this source agency", _ID),
    "kecamatan": ("Only prospects in this kecamatan", _ID),
    "desa": ("Only prospects in this desa", _ID),
    "officer": ("Only prospects assigned to this officer", _ID),
    "batch": ("Only prospects from this lead batch", _ID),
    "event": ("Only prospects signed up at this outreach event", _ID),
    "sector": ("Only prospects of this sector", {"type": "string", "enum": [s.value for s in Sector]}),
}
QUERY_PARAMETERS = tuple({"name": name, "required": False, "description": _PARAMETERS[name][0],
                          "schema": _PARAMETERS[name][1]} for name in QUERY_ARGS)


class StageFigures(BaseModel):
    stage: Stage
    count: int = Field(description="Prospects of the cohort now at this stage")
    reached: int | None = Field(description="Now at this stage or a later one of the road new → contacted → "
                                            "visited → interested → registered (null for declined and unreachable)")
    rate_from_previous: float | None = Field(description="reached / reached of the road stage before")


class FunnelOut(BaseModel):
    start: date = Field(description="First day of the period")
    end: date = Field(description="Last day of the period")
    filters: dict[str, str] = Field(description="The filter applied, as query arguments")
    total: int = Field(description="Prospects whose lead arrived in the period and match the filter")
    stages: list[StageFigures]
    overall_conversion: float | None = Field(description="registered / total")
    median_days_to_registration: float | None = Field(
        description="Median of the days from the lead's arrival to its registration, over the registered")
    registrations_timed: int = Field(description="Registered prospects the median is over")


@operation(bp, "GET", "/stats/funnel", summary="The conversion funnel of the leads that arrived in a period, "
           "with the dashboard's filters", roles=(Role.ADMIN, Role.MANAGER), response=FunnelOut,
           tags=("stats",), query=QUERY_PARAMETERS,
           extra_responses={422: "A query parameter is not valid, or names something outside the user's branches"})
def funnel_stats():
    tz = local_timezone()
    flt = parse_filter(request.args, local_today(), id_checker(visible_branch_ids(current_user)))
    if flt.notes:
        raise Invalid(_l("The query is not valid."),
                      errors=[{"field": note.field, "message": str(note.message)} for note in flt.notes])
    result = funnel(current_user, flt, tz)
    stages = [StageFigures(stage=stage, count=result.count(stage),
                           reached=result.reached(stage) if stage in ROAD else None,
                           rate_from_previous=result.step_rate(stage) if stage in ROAD else None)
              for stage in Stage]
    return jsonify(FunnelOut(
        start=flt.start, end=flt.end, filters=flt.to_query_args(), total=result.total, stages=stages,
        overall_conversion=result.overall_rate, median_days_to_registration=result.median_days,
        registrations_timed=result.timed,
    ).model_dump(mode="json"))
