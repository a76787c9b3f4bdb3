"""The form of assigning many prospects at once."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms.validators import InputRequired, Optional

from crm.auth.forms import REQUIRED


class ReassignForm(FlaskForm):
    kecamatan = SelectField(_l("Kecamatan"), coerce=int, validators=[Optional()])
    desa = SelectField(_l("Desa"), coerce=int, validators=[Optional()])
    only_new = SelectField(_l("Which prospects"), choices=[("1", _l("Untouched leads only")),
                                                           ("0", _l("All open prospects"))])
    officer = SelectField(_l("Assign to"), coerce=int, validators=[InputRequired(REQUIRED)])
