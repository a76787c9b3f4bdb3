import uuid

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from crm.errors import Invalid
from crm.i18n import number
from crm.models import ContactChannel, ContactOutcome, DeclineReason, Outcome, PositionSource, Visit
from crm.visits.contacts import ContactReport, TemplateDetails
from crm.visits.recording import VisitReport

OUTCOME_LABELS = {
    Outcome.INTERESTED: _l("Met — interested"),
    Outcome.NOT_INTERESTED: _l("Met — not interested"),
    Outcome.NOT_AT_HOME: _l("Not at home"),
    Outcome.MOVED_AWAY: _l("Moved away"),
    Outcome.WRONG_ADDRESS: _l("Wrong address"),
    Outcome.REGISTERED: _l("Registered on the spot"),
}
DECLINE_LABELS = {
    DeclineReason.CANNOT_AFFORD: _l("Cannot afford it"),
    DeclineReason.ALREADY_COVERED: _l("Already covered"),
    DeclineReason.DOES_NOT_TRUST: _l("Does not trust it"),
    DeclineReason.ASK_FAMILY: _l("Must ask family first"),
    DeclineReason.OTHER: _l("Other reason"),
}
CHANNEL_LABELS = {ContactChannel.PHONE: _l("By phone"), ContactChannel.WHATSAPP: _l("By WhatsApp")}
CONTACT_OUTCOME_LABELS = {
    ContactOutcome.INTERESTED: _l("Answered — interested"),
    ContactOutcome.NOT_INTERESTED: _l("Answered — not interested"),
    ContactOutcome.NO_ANSWER: _l("No answer"),
    ContactOutcome.WRONG_NUMBER: _l("Wrong number"),
}
FLAG_LABELS = {
    "far": _l("Far from the prospect's place"),
    "poor_fix": _l("Imprecise position"),
    "no_fix": _l("No position"),
}
REQUIRED = _l("This field is required.")


def _km(metres: float) -> str:
    return number(metres / 1000, 1)


def flag_text(visit: Visit) -> str:
    """Why a visit is flagged, with the figures that made it so: "3,2 km from the centre of Desa Kilensari;
    limit 2,5 km", "Imprecise position: ±900 m"."""
    if visit.flag_reason == "poor_fix" and visit.accuracy_m is not None:
        return _("Imprecise position: ±%(accuracy)s m", accuracy=number(visit.accuracy_m))
    if visit.flag_reason != "far" or visit.distance_m is None or visit.distance_limit_m is None:
        return str(FLAG_LABELS.get(visit.flag_reason, ""))
    figures = {"distance": _km(visit.distance_m), "limit": _km(visit.distance_limit_m)}
    desa, kecamatan = visit.prospect.desa, visit.prospect.kecamatan
    if visit.distance_from == "desa" and desa is not None:
        if desa.is_kelurahan:
            return _("%(distance)s km from the centre of Kelurahan %(place)s; limit %(limit)s km",
                     place=desa.name, **figures)
        return _("%(distance)s km from the centre of Desa %(place)s; limit %(limit)s km", place=desa.name, **figures)
    if visit.distance_from == "kecamatan" and kecamatan is not None:
        return _("%(distance)s km from the centre of Kecamatan %(place)s; limit %(limit)s km",
                 place=kecamatan.name, **figures)
    return _("%(distance)s km from where an earlier visit found them; limit %(limit)s km", **figures)


class VisitForm(FlaskForm):
    prospect_id = HiddenField()
    client_uuid = HiddenField()
    outcome = RadioField(_l("Outcome"), choices=[(o.value, label) for o, label in OUTCOME_LABELS.items()],
                         validators=[InputRequired(REQUIRED)])
    decline_reason = SelectField(_l("Why not interested?"),
                                 choices=[("", "—")] + [(r.value, label) for r, label in DECLINE_LABELS.items()],
                                 validators=[Optional()])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])
    next_follow_up = DateField(_l("Next follow-up"), validators=[Optional()])
    latitude = FloatField(_l("Latitude"), validators=[Optional(), NumberRange(-90, 90)])
    longitude = FloatField(_l("Longitude"), validators=[Optional(), NumberRange(-180, 180)])
    accuracy_m = FloatField(_l("Accuracy (m)"), validators=[Optional(), NumberRange(min=0)])
    position_source = HiddenField(default=PositionSource.MANUAL.value)

    def report(self, prospect_id: int) -> VisitReport:
        """What the officer reported; the hidden values come back as sent, so a tampered one is refused."""
        try:
            client_uuid = uuid.UUID(self.client_uuid.data or "")
            source = PositionSource(self.position_source.data) if self.position_source.data else None
        except ValueError:
            raise Invalid(_l("The form has a value Sasar cannot read.")) from None
        return VisitReport(
            prospect_id=prospect_id, client_uuid=client_uuid, outcome=Outcome(self.outcome.data),
            decline_reason=DeclineReason(self.decline_reason.data) if self.decline_reason.data else None,
            notes=self.notes.data, next_follow_up=self.next_follow_up.data, latitude=self.latitude.data,
            longitude=self.longitude.data, accuracy_m=self.accuracy_m.data, position_source=source)


class ReassignForm(FlaskForm):
    kecamatan = SelectField(_l("Kecamatan"), coerce=int, validators=[Optional()])
    desa = SelectField(_l("Desa"), coerce=int, validators=[Optional()])
    only_new = SelectField(_l("Which prospects"), choices=[("1", _l("Untouched leads only")),
                                                           ("0", _l("All open prospects"))])
    officer = SelectField(_l("Assign to"), coerce=int, validators=[InputRequired(REQUIRED)])


class ContactForm(FlaskForm):
    """A call or WhatsApp message just made: the outcome is the button tapped."""

    channel = RadioField(_l("How"), choices=[(c.value, label) for c, label in CHANNEL_LABELS.items()],
                         default=ContactChannel.PHONE.value, validators=[InputRequired(REQUIRED)])
    outcome = RadioField(_l("Outcome"), choices=[(o.value, label) for o, label in CONTACT_OUTCOME_LABELS.items()],
                         validators=[InputRequired(REQUIRED)])
    decline_reason = SelectField(_l("Why not interested?"),
                                 choices=[("", "—")] + [(r.value, label) for r, label in DECLINE_LABELS.items()],
                                 validators=[Optional()])

    def report(self, prospect_id: int) -> ContactReport:
        return ContactReport(
            prospect_id=prospect_id, channel=ContactChannel(self.channel.data),
            outcome=ContactOutcome(self.outcome.data),
            decline_reason=DeclineReason(self.decline_reason.data) if self.decline_reason.data else None)


class MessageTemplateForm(FlaskForm):
    title = StringField(_l("Title"), validators=[InputRequired(REQUIRED), Length(max=80)])
    body = TextAreaField(_l("Message"), validators=[InputRequired(REQUIRED), Length(max=1000)],
                         description=_l("Placeholders: {petugas} the officer's name, {nama} the prospect's name, "
                                        "{cabang} the branch, {hari} the planned day."))
    active = BooleanField(_l("Offered to officers"), default=True)

    def details(self) -> TemplateDetails:
        return TemplateDetails(title=self.title.data or "", body=self.body.data or "", active=bool(self.active.data))
