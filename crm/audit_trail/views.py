"""The admins' view of the audit trail: search it, export it."""

import csv
import io
from datetime import date

from flask import Blueprint, Response, render_template, request, stream_with_context
from flask_babel import gettext as _

from crm.audit_trail import describe, trail
from crm.auth.access import allow
from crm.i18n import local_timezone
from crm.models import Role

bp = Blueprint("audit", __name__)


def _criteria() -> trail.TrailFilter:
    def day(name):
        try:
            return date.fromisoformat(request.args.get(name, ""))
        except ValueError:
            return None

    return trail.TrailFilter(actor=request.args.get("actor", ""), action=request.args.get("action", ""),
                             entity=request.args.get("entity", ""), entity_id=request.args.get("entity_id", ""),
                             since=day("since"), until=day("until"))


@bp.get("/audit")
@allow(Role.ADMIN)
def index():
    criteria = _criteria()
    result = trail.search(criteria, local_timezone(), request.args.get("page", 1, type=int))
    actions, entities = trail.known_values()
    return render_template("audit/index.html", result=result, criteria=criteria, actions=actions, entities=entities,
                           describe=describe.sentence, action_labels=describe.ACTION_LABELS,
                           entity_labels=describe.ENTITY_LABELS)


@bp.get("/audit/export.csv")
@allow(Role.ADMIN)
def export():
    criteria = _criteria()
    # Labelled for people; the stored codes kept beside the sentence for machines. Translated here: the
    # language is settled (and kept) while the request's user is still loaded.
    header = [_("When"), _("Who"), _("Sign-in"), _("What happened"), _("Action code"), _("Record code"),
              _("Record id"), _("From")]

    # The rows are read while the response is sent, after the view has returned: they keep its context.
    @stream_with_context
    def rows():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        tz = local_timezone()
        writer.writerow(header)
        for event, actor in trail.all_matching(criteria, tz):
            writer.writerow([event.at.astimezone(tz).strftime("%Y-%m-%d %H.%M.%S"), actor.name if actor else "",
                             actor.login if actor else "", describe.sentence(event, actor), event.action,
                             event.entity, event.entity_id or "", event.ip or ""])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()

    return Response(rows(), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="sasar-audit.csv"'})
