"""API operations for the officers' app: their prospects, and visits (idempotent on the phone's UUID)."""

from flask import current_app, jsonify, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.api.spec import operation, parse_body
from crm.api.views import bp
from crm.extensions import db
from crm.models import Prospect, Role
from crm.visits import geo, workingset
from crm.visits.recording import FlagRules, record_visit
from crm.visits.schemas import (
    ProspectList,
    ProspectOut,
    VisitIn,
    VisitOut,
    WorkingSetOut,
    report_from,
    visit_out,
    working_set_response,
)

FIELD_ROLES = (Role.ADMIN, Role.MANAGER, Role.OFFICER)
WORKING_SET_QUERY = ({"name": "since", "required": False, "schema": {"type": "string"},
                      "description": "The cursor of the previous sync: only what changed after it"},)


@operation(bp, "GET", "/me/prospects", summary="The officer's open prospects, with stage and location",
           roles=FIELD_ROLES, response=ProspectList, tags=("visits",))
def my_prospects():
    prospects = db.session.scalars(
        select(Prospect).where(workingset.working_set_filter(current_user))
        .options(selectinload(Prospect.desa), selectinload(Prospect.kecamatan))
        .order_by(Prospect.name, Prospect.id).limit(2000)).all()
    items = []
    for prospect in prospects:
        place = geo.known_location(prospect)
        items.append(ProspectOut(
            id=prospect.id, name=prospect.name, stage=prospect.stage, phone=prospect.phone,
            desa=prospect.desa.name if prospect.desa else None,
            kecamatan=prospect.kecamatan.name if prospect.kecamatan else None,
            latitude=place.latitude if place else None, longitude=place.longitude if place else None,
            next_follow_up=prospect.next_follow_up, assigned_to_me=prospect.assigned_officer_id == current_user.id))
    return jsonify(ProspectList(items=items).model_dump(mode="json"))


@operation(bp, "GET", "/me/working-set", summary="What the officer's phone keeps for a day without signal: "
           "whole, or what changed since a cursor", roles=(Role.OFFICER,), response=WorkingSetOut,
           tags=("visits",), query=WORKING_SET_QUERY,
           extra_responses={422: "The cursor is not one Sasar gave"})
def my_working_set():
    return working_set_response(current_user, request.args.get("since"))


@operation(bp, "POST", "/visits", summary="Log a visit; replaying the same id stores it once",
           roles=FIELD_ROLES, body=VisitIn, response=VisitOut, tags=("visits",),
           extra_responses={404: "No such prospect among the officer's"}, success=(201, 200))
def create_visit():
    recorded = record_visit(current_user, report_from(parse_body(VisitIn)), FlagRules.from_config(current_app.config),
                            ip=request.remote_addr)
    return jsonify(visit_out(recorded).model_dump(mode="json")), 201 if recorded.created else 200
