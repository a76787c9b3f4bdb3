"""The liaison portal: send a list, check the preview, save it; the history of lists; undo; downloads."""

import io
from pathlib import Path

from flask import (
    Blueprint,
    after_this_request,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from crm import reference
from crm.auth.access import allow
from crm.errors import shown_on_page
from crm.i18n import number
from crm.leads import batches, intake, progress
from crm.leads.forms import UploadForm, field_choices, mapping_from_form
from crm.leads.importer import ImportLimits
from crm.leads.mapping import FIELD_LABELS, LeadField
from crm.leads.reading import text_to_file_bytes
from crm.leads.storage import store_file, stored_path, too_large, uploads_dir
from crm.models import BatchSource, BatchStatus, LeadRowStatus, Role

bp = Blueprint("leads", __name__, url_prefix="/leads")
PORTAL = (Role.LIAISON, Role.MANAGER, Role.ADMIN)
SHOWN = {"invalid": LeadRowStatus.INVALID, "duplicate": LeadRowStatus.DUPLICATE,
         "possible": LeadRowStatus.POSSIBLE_DUPLICATE}


def _limits() -> ImportLimits:
    return ImportLimits.from_config(current_app.config)


def _uploads() -> Path:
    return uploads_dir(current_app.instance_path)


def _download(download: batches.Download):
    return send_file(io.BytesIO(download.content), mimetype=download.mimetype, as_attachment=True,
                     download_name=download.filename)


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(_error):
    flash(str(too_large(_limits().max_bytes).message), "error")
    return redirect(url_for("leads.upload"))


@bp.get("/")
@allow(*PORTAL)
def history():
    page = request.args.get("page", 1, type=int)
    shown, total = batches.history(current_user, page)
    return render_template("leads/history.html", batches=shown, total=total, page=page,
                           pages=max((total - 1) // batches.PAGE_SIZE + 1, 1))


def _agency_for(form: UploadForm):
    if current_user.role is Role.LIAISON:
        return current_user.agency
    return reference.agency_by_code(form.agency.data or "")


@bp.route("/new", methods=["GET", "POST"])
@allow(*PORTAL)
def upload():
    form = UploadForm()
    form.agency.choices = [(a.code, f"{a.code} — {a.name}") for a in reference.agencies()]
    if form.validate_on_submit():
        agency = _agency_for(form)
        upload_file = form.file.data
        pasted = (form.pasted.data or "").strip()
        if agency is None:
            flash(_("Choose the agency the list comes from.") if current_user.role is not Role.LIAISON
                  else _("Your account is not linked to an agency; ask the administrator."), "error")
        elif not upload_file and not pasted:
            flash(_("Choose a file, or paste the rows."), "error")
        else:
            with shown_on_page():
                if upload_file:
                    stored = store_file(upload_file.stream, upload_file.filename or "", _uploads(),
                                        _limits().max_bytes)
                    source = BatchSource.UPLOAD
                else:
                    stored = store_file(io.BytesIO(text_to_file_bytes(pasted)), _("pasted rows") + ".csv",
                                        _uploads(), _limits().max_bytes)
                    source = BatchSource.PASTE
                batch = intake.start_preview(
                    stored, submission=intake.Submission(current_user.branch_id, agency.id, current_user.id, source),
                    limits=_limits(), uploads=_uploads(), sheet=(form.sheet.data or "").strip() or None,
                    progress=_progress(progress.Stage.CHECKING))
                return redirect(url_for("leads.preview", batch_id=batch.id))
    return render_template("leads/upload.html", form=form, is_liaison=current_user.role is Role.LIAISON)


def _progress(stage: str):
    """The reporter for the page waiting on this request (its form sends a token), or None; its file goes
    when the answer does."""
    token = request.form.get("progress")

    @after_this_request
    def _forget(response):
        progress.forget(_uploads(), token)
        return response

    return progress.reporter(_uploads(), token, current_user.id, stage)


@bp.get("/progress/<token>")
@allow(*PORTAL)
def progress_of(token: str):
    """How far the person's own list has been read: what the waiting page shows."""
    found = progress.read(_uploads(), token, current_user.id)
    if found is None:
        return jsonify({"rows": 0, "text": _("Sending the file…")})
    text = _("%(rows)s rows checked…", rows=number(found.rows)) if found.stage == progress.Stage.CHECKING \
        else _("%(rows)s rows checked and saved…", rows=number(found.rows))
    return jsonify({"rows": found.rows, "stage": found.stage, "text": text})


@bp.get("/template.<kind>")
@allow(*PORTAL)
def template(kind: str):
    if kind == "xlsx":
        return _download(batches.template_xlsx())
    if kind == "csv":
        return _download(batches.template_csv())
    return redirect(url_for("leads.upload"))


def _problem_rows(batch, page: int):
    status = SHOWN.get(request.args.get("show", ""))
    rows, total = batches.kept_rows(batch, status, page)
    return status, rows, total


@bp.get("/<int:batch_id>/preview")
@allow(*PORTAL)
def preview(batch_id: int):
    batch = batches.batch_for(current_user, batch_id)
    if batch.status is not BatchStatus.PREVIEW:
        return redirect(url_for("leads.batch", batch_id=batch.id))
    view = None
    with shown_on_page():
        view = intake.describe_file(batch, uploads=_uploads())
    page = request.args.get("page", 1, type=int)
    status, rows, total = _problem_rows(batch, page)
    return render_template("leads/preview.html", batch=batch, view=view, rows=rows, total=total, page=page,
                           status=status, shown=request.args.get("show", ""), field_choices=field_choices(),
                           pages=max((total - 1) // batches.PAGE_SIZE + 1, 1))


@bp.post("/<int:batch_id>/columns")
@allow(*PORTAL)
def remap(batch_id: int):
    batch = batches.batch_for(current_user, batch_id)
    sheet = request.form.get("sheet")
    mapping = None if sheet is not None and sheet != (batch.sheet_name or "") else \
        mapping_from_form(request.form, len(batch.header or []))
    with shown_on_page():
        intake.refresh_preview(batch, limits=_limits(), uploads=_uploads(), mapping=mapping, sheet=sheet,
                               remember=mapping is not None)
        flash(_("The list was counted again with these columns."), "success")
    return redirect(url_for("leads.preview", batch_id=batch_id))


def _after_refusal(batch_id: int) -> str:
    """Where a refused commit or discard goes: the list (saved, or still a preview), or the history if the
    list was discarded meanwhile."""
    if intake.is_discarded(batch_id):
        return url_for("leads.history")
    return url_for("leads.batch", batch_id=batch_id)


@bp.post("/<int:batch_id>/commit")
@allow(*PORTAL)
def commit(batch_id: int):
    batch = batches.batch_for(current_user, batch_id)
    with shown_on_page():
        intake.commit_batch(batch, limits=_limits(), uploads=_uploads(), progress=_progress(progress.Stage.SAVING))
        flash(_("Saved: %(new)s new leads, %(possible)s possible duplicates (saved and flagged), %(duplicates)s "
                "duplicates, %(invalid)s rows to fix.", new=number(batch.new_count),
                possible=number(batch.possible_duplicate_count), duplicates=number(batch.duplicate_count),
                invalid=number(batch.invalid_count)), "success")
        return redirect(url_for("leads.batch", batch_id=batch_id))
    return redirect(_after_refusal(batch_id))


@bp.post("/<int:batch_id>/discard")
@allow(*PORTAL)
def discard(batch_id: int):
    batch = batches.batch_for(current_user, batch_id)
    with shown_on_page():
        intake.discard_preview(batch)
        flash(_("The list was not saved."), "info")
        return redirect(url_for("leads.history"))
    return redirect(_after_refusal(batch_id))


@bp.get("/<int:batch_id>")
@allow(*PORTAL)
def batch(batch_id: int):
    batch = batches.batch_for(current_user, batch_id)
    if batch.status is BatchStatus.PREVIEW:
        return redirect(url_for("leads.preview", batch_id=batch.id))
    page = request.args.get("page", 1, type=int)
    status, rows, total = _problem_rows(batch, page if request.args.get("show") else 1)
    leads_page = request.args.get("leads", 1, type=int)
    leads, leads_total = batches.batch_leads(batch, leads_page)
    return render_template(
        "leads/batch.html", batch=batch, rows=rows, total=total, status=status, shown=request.args.get("show", ""),
        page=page, pages=max((total - 1) // batches.PAGE_SIZE + 1, 1), leads=leads, leads_total=leads_total,
        leads_page=leads_page, leads_pages=max((leads_total - 1) // batches.PAGE_SIZE + 1, 1),
        field_labels={lead_field.value: label for lead_field, label in FIELD_LABELS.items()},
        nik_field=LeadField.NIK.value)


@bp.get("/<int:batch_id>/errors")
@allow(*PORTAL)
def error_file(batch_id: int):
    return _download(batches.error_file(batches.batch_for(current_user, batch_id)))


@bp.get("/<int:batch_id>/file")
@allow(*PORTAL)
def original_file(batch_id: int):
    batch = batches.batch_for(current_user, batch_id)
    if not batch.file_sha256:
        return redirect(url_for("leads.batch", batch_id=batch_id))
    return send_file(stored_path(_uploads(), batch.file_sha256), as_attachment=True,
                     download_name=batch.filename or f"leads-{batch.id}")


@bp.post("/<int:batch_id>/withdraw")
@allow(*PORTAL)
def withdraw(batch_id: int):
    batch = batches.batch_for(current_user, batch_id)
    with shown_on_page():
        result = batches.withdraw(batch, current_user)
        if result.kept:
            flash(_("Withdrawn: %(removed)s leads removed; %(kept)s stay because officers have already visited or "
                    "registered them.", removed=result.removed, kept=result.kept), "success")
        else:
            flash(_("Withdrawn: %(removed)s leads removed.", removed=result.removed), "success")
    return redirect(url_for("leads.batch", batch_id=batch_id))
