"""The /api/v1 blueprint and its first operations."""

from flask import Blueprint, current_app, jsonify
from flask_login import current_user
from pydantic import BaseModel

from crm.api.spec import openapi_document, operation


class MeOut(BaseModel):
    id: int
    name: str
    email: str | None
    username: str | None
    role: str
    branch: str
    agency: str | None
    kecamatan: list[str]


bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.get("/openapi.json", endpoint="openapi_document")
def serve_openapi_document():
    # Never from the request's Host header: a forged Host would put another site in generated clients.
    return jsonify(openapi_document(current_app.config["SASAR_PUBLIC_URL"].rstrip("/") + bp.url_prefix))


@operation(bp, "GET", "/me", summary="The user holding the token", response=MeOut, tags=("account",))
def me():
    user = current_user
    return jsonify(MeOut(
        id=user.id, name=user.name, email=user.email, username=user.username, role=user.role.value,
        branch=user.branch.code, agency=user.agency.code if user.agency else None,
        kecamatan=[region.name for region in user.kecamatan],
    ).model_dump())
