"""The forms of events: planning one, the public sign-up, and adding someone at the event.

Each field's rule is the domain's (crm/events/planning.py, crm/events/signups.py); the forms only read values.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from crm.auth.forms import REQUIRED, TOO_LONG
from crm.events.consent import PURPOSE
from crm.events.planning import KIND_LABELS
from crm.registrations.forms import WholeNumberField

NOT_A_MOMENT = _l("Enter a date and a time.")


class MomentField(DateTimeLocalField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(str(NOT_A_MOMENT)) from None


class EventForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(REQUIRED), Length(max=160, message=TOO_LONG)])
    kind = SelectField(_l("Kind"), choices=[(kind.value, label) for kind, label in KIND_LABELS.items()])
    starts_at = MomentField(_l("Starts"), validators=[InputRequired(NOT_A_MOMENT)])
    ends_at = MomentField(_l("Ends"), validators=[InputRequired(NOT_A_MOMENT)])
    desa_id = SelectField(_l("Desa"), coerce=int, validators=[InputRequired(REQUIRED)])
    latitude = DecimalField(_l("Pin: latitude"), places=6, validators=[Optional(), NumberRange(-90, 90)],
                            description=_l("Optional: where exactly, when known (e.g. −7.701100)."))
    longitude = DecimalField(_l("Pin: longitude"), places=6, validators=[Optional(), NumberRange(-180, 180)])
    agency_id = SelectField(_l("Partner agency"), coerce=int, validators=[Optional()])
    officer_ids = SelectMultipleField(_l("Officers present"), coerce=int, validators=[Optional()],
                                      widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    expected_attendees = WholeNumberField(_l("Expected attendees"), validators=[Optional()])
    signup_cap = WholeNumberField(_l("Sign-ups taken before the rest are held for review"),
                                  validators=[Optional()],
                                  description=_l("Empty: the usual cap. Answers beyond it wait for an officer."))


class CapForm(FlaskForm):
    signup_cap = WholeNumberField(_l("Sign-ups taken before the rest are held for review"),
                                  validators=[InputRequired(REQUIRED)])


class SignupForm(FlaskForm):
    """The public form: Indonesian, six fields, and a honeypot people never see."""

    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED)],
                       render_kw={"autocomplete": "name", "maxlength": 160})
    nik = StringField("NIK", description=_l("16 digits, on your KTP."),
                      render_kw={"inputmode": "numeric", "autocomplete": "off", "maxlength": 24})
    phone = StringField(_l("Phone number"), description=_l("Fill in the NIK, the phone number, or both."),
                        render_kw={"inputmode": "tel", "autocomplete": "tel", "maxlength": 24})
    desa_id = SelectField(_l("Desa"), coerce=int, validators=[InputRequired(REQUIRED)])
    occupation = StringField(_l("Occupation"), validators=[Optional(), Length(max=120, message=TOO_LONG)],
                             render_kw={"maxlength": 120})
    consent = BooleanField(PURPOSE.agreement, validators=[DataRequired(_l("Tick the box to agree, or we cannot "
                                                                          "contact you."))])
    website = StringField(_l("Leave this empty"), render_kw={"autocomplete": "off", "tabindex": "-1"})


class AttendeeForm(FlaskForm):
    """Someone met at the event, in three fields (their desa is the event's)."""

    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED)], render_kw={"autocomplete": "off"})
    phone = StringField(_l("Phone number"), render_kw={"inputmode": "tel", "autocomplete": "off"})
    nik = StringField("NIK", render_kw={"inputmode": "numeric", "autocomplete": "off"})
