"""The admins' data-subject requests: look a person up by NIK, export what Sasar holds, or erase it."""

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm import audit
from crm.auth.access import allow
from crm.models import Role
from crm.privacy import subjects
from crm.privacy.document import subject_document

bp = Blueprint("privacy", __name__)


@bp.route("/privacy", methods=["GET", "POST"])
@allow(Role.ADMIN)
def subject_request():
    """The NIK is sent in the form's body, never in the URL (which access logs and the browser's history keep)."""
    return _subject_page(request.form.get("nik", "").strip() if request.method == "POST" else "")


def _subject_page(nik: str, status: int = 200):
    found = subjects.prospects_with_nik(nik, seen_by=current_user) if nik else []
    return render_template("privacy/subject.html", nik=nik, found=found), status


@bp.post("/privacy/export")
@allow(Role.ADMIN)
def export_subject():
    nik = request.form.get("nik", "")
    document = subject_document(nik, seen_by=current_user)
    audit.record("export", "subject", None, actor=current_user, ip=request.remote_addr,
                          after={"records": len(document["people"])})
    body = json.dumps(document, ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="sasar-data-subject.json"'})


@bp.post("/privacy/erase")
@allow(Role.ADMIN)
def erase_subject():
    nik = request.form.get("nik", "")
    if request.form.get("confirm") != "1":
        flash(_("Tick the box to confirm the erasure."), "error")
        return _subject_page(nik.strip(), 422)
    result = subjects.erase_subject(nik, current_user, ip=request.remote_addr)
    flash(_("%(n)s records anonymised; figures and counts are unchanged.", n=result.prospects), "success")
    return redirect(url_for("privacy.subject_request"))
