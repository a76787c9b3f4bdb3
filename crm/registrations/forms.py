"""The forms of registration, rates, targets and reconciliation; each field's rule is checked again in the domain."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import TextInput

from crm.auth.forms import REQUIRED, TOO_LONG
from crm.i18n import rupiah
from crm.labels import KIND_LABELS, MONTH_NAMES, SECTOR_LABELS
from crm.models import Payer, Programme
from crm.registrations.contributions import MINIMUM_DECLARED_INCOME, PROGRAMME_LABELS
from crm.registrations.registering import PAYER_LABELS

NOT_A_DATE = _l("Enter a date.")
NOT_A_NUMBER = _l("Enter a number.")
class WholeNumberField(IntegerField):
    """A whole number as people type it: `1.000.000`, `Rp 1,000,000` and `1000000` are all one million.

    A text input (with a numeric keypad on phones): a number input would refuse the dots."""

    widget = TextInput()

    def __init__(self, *args, render_kw=None, **kwargs):
        super().__init__(*args, render_kw={"inputmode": "numeric", **(render_kw or {})}, **kwargs)

    def process_formdata(self, valuelist):
        if not valuelist or not valuelist[0].strip():
            self.data = None
            return
        digits = "".join(ch for ch in valuelist[0] if ch.isdigit())
        if not digits:
            self.data = None
            raise ValueError(str(NOT_A_NUMBER))
        self.data = int(digits)


class DayField(DateField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(NOT_A_DATE)) from None


class NumberField(DecimalField):
    def process_formdata(self, valuelist):
        if valuelist:
            valuelist = [valuelist[0].replace(",", ".").strip()]
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(NOT_A_NUMBER)) from None


class RegistrationForm(FlaskForm):
    domain_fields = {"programmes": "jkm"}  # the programme rule's message, under the programme boxes
    kpj = StringField(_l("Participant number (KPJ)"), description=_l("11 digits, from the participant card."),
                      validators=[DataRequired(REQUIRED)], render_kw={"inputmode": "numeric", "autocomplete": "off"})
    registered_on = DayField(_l("Registration date"), validators=[InputRequired(REQUIRED)])
    jkk = BooleanField(PROGRAMME_LABELS[Programme.JKK], default=True)
    jkm = BooleanField(PROGRAMME_LABELS[Programme.JKM], default=True)
    jht = BooleanField(PROGRAMME_LABELS[Programme.JHT])
    declared_income = WholeNumberField(
        _l("Declared monthly income (Rp)"), validators=[InputRequired(REQUIRED)],
        description=_l("At least %(minimum)s.", minimum=rupiah(MINIMUM_DECLARED_INCOME)),
        render_kw={"autocomplete": "off"})
    payer = SelectField(_l("Who pays"), choices=[(p.value, label) for p, label in PAYER_LABELS.items()],
                        default=Payer.WORKER.value)
    sponsor_name = StringField(_l("Sponsor's name"), description=_l("When a company or other sponsor pays."),
                               validators=[Optional(), Length(max=160, message=TOO_LONG)])

    def chosen_programmes(self) -> frozenset[Programme]:
        return frozenset(p for p, f in ((Programme.JKK, self.jkk), (Programme.JKM, self.jkm),
                                        (Programme.JHT, self.jht)) if f.data)


class RateForm(FlaskForm):
    programme = SelectField(_l("Programme"), choices=[(p.value, label) for p, label in PROGRAMME_LABELS.items()])
    kind = SelectField(_l("Kind"), choices=[(k.value, label) for k, label in KIND_LABELS.items()])
    value = NumberField(_l("Value"), places=4, description=_l("A percentage (1 = 1%) or rupiah."),
                         validators=[InputRequired(REQUIRED), NumberRange(min=0, message=_l("Cannot be negative."))])
    effective_from = DayField(_l("In force from"), validators=[InputRequired(REQUIRED)])
    effective_to = DayField(_l("In force until (inclusive)"), validators=[Optional()],
                             description=_l("Empty: until further notice."))
    sector_group = SelectField(_l("Sector group"), choices=[("", _l("Every sector"))]
                               + [(s.value, label) for s, label in SECTOR_LABELS.items()])
    payer = SelectField(_l("Payer"), choices=[("", _l("Every payer"))]
                        + [(p.value, label) for p, label in PAYER_LABELS.items()])
    payer_excluded = BooleanField(_l("Every payer except this one"))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=255, message=TOO_LONG)],
                       description=_l("For example the regulation, such as PP 50/2025."))


class TargetForm(FlaskForm):
    year = WholeNumberField(_l("Year"), validators=[InputRequired(NOT_A_NUMBER)])
    participants = WholeNumberField(_l("Active participants to reach"), validators=[InputRequired(NOT_A_NUMBER)])
    baseline = WholeNumberField(_l("Active participants at the start of the year"),
                            validators=[InputRequired(NOT_A_NUMBER)])


class SplitForm(FlaskForm):
    kecamatan = SelectField(_l("Kecamatan"), choices=[], coerce=str, validate_choice=False)
    officer = SelectField(_l("Officer"), choices=[], coerce=str, validate_choice=False)
    month = SelectField(_l("Month"), choices=[("", "—")] + [(str(i), name) for i, name in enumerate(MONTH_NAMES, 1)],
                        validate_choice=False)
    registrations = WholeNumberField(_l("Registrations expected"), validators=[InputRequired(NOT_A_NUMBER)])


class ReconciliationForm(FlaskForm):
    file = FileField(_l("Participant export (CSV or XLSX)"), validators=[
        FileRequired(_l("Choose a file.")),
        FileAllowed(["csv", "xlsx"], _l("Only CSV or XLSX files."))])
    statuses_on = DayField(_l("Statuses as of"), validators=[Optional()], description=_l(
        "The day the export was made. Lapses are dated from the file's status-date column; when it has none, "
        "from this day."))
