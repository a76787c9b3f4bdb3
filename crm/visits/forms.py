import uuid

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
from crm.labels import CHANNEL_LABELS, CONTACT_OUTCOME_LABELS, DECLINE_LABELS, OUTCOME_LABELS
from crm.models import ContactChannel, ContactOutcome, DeclineReason, Outcome, PositionSource
from crm.visits.contacts import ContactReport, TemplateDetails
from crm.visits.recording import VisitReport

REQUIRED = _l("This field is required.")
CHOOSE_OUTCOME = _l("Choose the outcome of the visit.")


class VisitForm(FlaskForm):
    prospect_id = HiddenField()
    client_uuid = HiddenField()
    outcome = RadioField(_l("Outcome"), choices=[(o.value, label) for o, label in OUTCOME_LABELS.items()],
                         validators=[InputRequired(CHOOSE_OUTCOME)])
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
