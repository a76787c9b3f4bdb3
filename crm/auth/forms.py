from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from crm.auth.accounts import MIN_PASSWORD_LENGTH
from crm.models import Role

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.MANAGER: _l("Manager"),
    Role.OFFICER: _l("Field officer"),
    Role.LIAISON: _l("Agency liaison"),
}


class LoginForm(FlaskForm):
    login = StringField(_l("Email or username"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember = BooleanField(_l("Keep me signed in on this device"))


class UserForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=120)])
    email = EmailField(_l("Email"), validators=[Optional(), Email(), Length(max=254)])
    username = StringField(_l("Username"), validators=[Optional(), Length(max=64)])
    role = SelectField(_l("Role"), choices=[(role.value, label) for role, label in ROLE_LABELS.items()])
    agency = SelectField(_l("Agency (liaisons)"), choices=[], validate_choice=False)
    kecamatan = SelectMultipleField(_l("Kecamatan covered (officers)"), choices=[], coerce=int,
                                    validate_choice=False)
    password = PasswordField(
        _l("Password"),
        description=_l("At least %(n)d characters. Leave empty to generate one.", n=MIN_PASSWORD_LENGTH),
        validators=[Optional()],
    )


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired()])
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("new_password", message=_l("The passwords differ."))])
