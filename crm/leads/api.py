"""POST /api/v1/leads: agencies' own systems send leads; each gets its own result."""

from typing import Literal

from flask import current_app, jsonify
from flask_babel import gettext as _
from flask_login import current_user
from pydantic import BaseModel, Field, RootModel
from werkzeug.exceptions import Forbidden

from crm.api.spec import operation, parse_body
from crm.api.views import bp
from crm.leads.importer import ImportLimits, RowOutcome
from crm.leads.intake import Submission, import_api_leads
from crm.leads.mapping import LeadField
from crm.models import BatchSource, Role

MAX_LEADS_PER_CALL = 1000


class LeadIn(BaseModel):
    reference: str | None = Field(None, max_length=64, description=(
        "The agency's own id for this person. Sending a lead with a reference sent before creates nothing "
        "and answers with the first result, whatever it was (replayed: true); only a lead refused as invalid "
        "and sent again with other values is checked again, as a correction."))
    name: str | None = Field(None, max_length=500)
    nik: str | None = Field(None, max_length=64, description="16 digits; spaces, dots and dashes are ignored")
    phone: str | None = Field(None, max_length=64, description="Indonesian, in any usual writing: 0812…, +62 812…")
    address: str | None = Field(None, max_length=500)
    desa: str | None = Field(None, max_length=200)
    kecamatan: str | None = Field(None, max_length=200)
    occupation: str | None = Field(None, max_length=200)
    business_type: str | None = Field(None, max_length=200)
    business_name: str | None = Field(None, max_length=200)


class LeadsIn(RootModel[list[LeadIn]]):
    root: list[LeadIn] = Field(min_length=1, max_length=MAX_LEADS_PER_CALL)


class LeadReason(BaseModel):
    field: str
    code: str
    message: str


class LeadResult(BaseModel):
    index: int = Field(description="Position of the lead in the list sent, from 0")
    reference: str | None
    status: Literal["created", "duplicate", "possible_duplicate", "invalid"]
    prospect_id: int | None = Field(description=(
        "created / possible_duplicate: the new prospect; duplicate: the prospect already in Sasar"))
    duplicate_of_index: int | None = Field(None, description="duplicate of an earlier lead in this list")
    matched_on: Literal["nik", "phone", "reference", "name"] | None = None
    candidate_id: int | None = Field(None, description="possible_duplicate: the prospect with a very similar name")
    replayed: bool = Field(False, description=(
        "True when the reference was sent before: this is the first outcome, and nothing new was created"))
    reasons: list[LeadReason] = Field(default_factory=list)


class LeadsOut(BaseModel):
    batch: int | None = Field(description="The lead list recorded for this call (null when nothing was new)")
    created: int = Field(description="New prospects made by this call (possible duplicates included)")
    duplicates: int
    possible_duplicates: int
    invalid: int
    replayed: int = Field(description=(
        "Leads whose reference was sent before: answered with their first outcome, not counted above"))
    results: list[LeadResult]


def _result(outcome: RowOutcome) -> LeadResult:
    return LeadResult(
        index=outcome.row - 1, reference=outcome.reference, status=outcome.status.value,
        prospect_id=outcome.prospect_id,
        duplicate_of_index=outcome.earlier_row - 1 if outcome.earlier_row and outcome.status.value == "duplicate"
        else None,
        matched_on=outcome.matched_on, candidate_id=outcome.candidate_id, replayed=outcome.replayed,
        reasons=[LeadReason(field=problem.field, code=problem.code, message=str(problem))
                 for problem in outcome.problems],
    )


@operation(bp, "POST", "/leads", summary="Send leads from an agency's system; each lead gets its own result",
           roles=(Role.LIAISON,), body=LeadsIn, response=LeadsOut, tags=("leads",),
           extra_responses={422: "The body is not a JSON list of leads"})
def post_leads():
    body = parse_body(LeadsIn)
    if current_user.agency_id is None:
        raise Forbidden(_("The token's user is not linked to an agency."))
    items = [{LeadField(name): value for name, value in lead.model_dump().items()} for lead in body.root]
    result = import_api_leads(items, submission=Submission(current_user.branch_id, current_user.agency_id,
                                                           current_user.id, BatchSource.API),
                              limits=ImportLimits.from_config(current_app.config))
    return jsonify(LeadsOut(
        batch=result.batch_id, created=result.created, duplicates=result.duplicates,
        possible_duplicates=result.possible_duplicates, invalid=result.invalid, replayed=result.replayed,
        results=[_result(outcome) for outcome in sorted(result.outcomes, key=lambda outcome: outcome.row)],
    ).model_dump(mode="json"))
