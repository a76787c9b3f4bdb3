"""API operations for registrations and targets. Importing this module registers them on the API blueprint."""

from datetime import date

from flask import jsonify, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from pydantic import BaseModel, Field

from crm.api.spec import operation
from crm.api.views import bp
from crm.errors import Invalid, NotFound
from crm.i18n import local_today
from crm.models import Role
from crm.registrations import targets


class TargetProgressOut(BaseModel):
    branch: str
    year: int
    as_of: date = Field(description="The day the figures are counted to")
    target: int = Field(description="Active participants to reach by the end of the year")
    baseline: int = Field(description="Active participants when the year started")
    registered: int = Field(description="Registrations dated in the year so far")
    lapsed: int = Field(description="Participants who lapsed in the year so far")
    active_now: int = Field(description="baseline + registered − lapsed")
    share_of_target: float | None = Field(description="active_now / target")
    months_elapsed: float
    run_rate: float | None = Field(description="Net participants gained per month so far")
    projection: int | None = Field(description="Active participants at the year's end at the run rate")
    gap: int = Field(description="Participants still to gain")
    needed_per_month: int | None = Field(description="Net gain needed in each remaining month")
    on_track: bool | None


YEAR_QUERY = ({"name": "year", "required": False, "description": "The year, by default the current one",
               "schema": {"type": "integer", "minimum": targets.FIRST_YEAR, "maximum": targets.LAST_YEAR}},)


@operation(bp, "GET", "/targets/progress", summary="The branch's progress toward its target for a year "
           "(query parameter `year`, default the current year)", roles=(Role.ADMIN, Role.MANAGER),
           response=TargetProgressOut, tags=("targets",), query=YEAR_QUERY,
           extra_responses={404: "No target is set for the year", 422: "The year is not valid"})
def target_progress():
    year_text = request.args.get("year")
    today = local_today()
    if year_text is None:
        year = today.year
    elif year_text.isdigit() and targets.FIRST_YEAR <= int(year_text) <= targets.LAST_YEAR:
        year = int(year_text)
    else:
        raise Invalid(_l("The year must be between %(first)d and %(last)d.", first=targets.FIRST_YEAR,
                         last=targets.LAST_YEAR), errors=[{"field": "year", "message": "not a valid year"}])
    progress = targets.branch_progress(current_user.branch_id, year, today)
    if progress is None:
        raise NotFound(_l("No target is set for %(year)d.", year=year))
    return jsonify(TargetProgressOut(
        branch=current_user.branch.code, year=year, as_of=progress.as_of, target=progress.target,
        baseline=progress.baseline, registered=progress.registered, lapsed=progress.lapsed,
        active_now=progress.active_now, share_of_target=progress.share_of_target,
        months_elapsed=float(progress.months_elapsed), run_rate=progress.run_rate, projection=progress.projection,
        gap=progress.gap, needed_per_month=progress.needed_per_month, on_track=progress.on_track,
    ).model_dump(mode="json"))
