from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from crm.auth.accounts import MIN_PASSWORD_LENGTH
from crm.models import Role

# WTForms ships no Indonesian messages, so its validators get ours.
REQUIRED = _l("This field is required.")
TOO_LONG = _l("At most %(max)d characters.")
NOT_AN_EMAIL = _l("This is not a valid email address.")

ROLE_LABELS = {
    Role.ADMIN: _l("Administrator"),
    Role.MANAGER: _l("Manager"),
    Role.OFFICER: _l("Field officer"),
    Role.LIAISON: _l("Agency liaison"),
}


class LoginForm(FlaskForm):
    login = StringField(_l("Email or username"), validators=[DataRequired(REQUIRED)])
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED)])
    remember = BooleanField(_l("Keep me signed in on this device"))


class UserForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(REQUIRED), Length(max=120, message=TOO_LONG)])
    email = EmailField(_l("Email"), validators=[Optional(), Email(NOT_AN_EMAIL), Length(max=254, message=TOO_LONG)])
    username = StringField(_l("Username"), validators=[Optional(), Length(max=64, message=TOO_LONG)])
    # No role is chosen for the admin: a new account is not an administrator by default.
    role = SelectField(_l("Role"), choices=[("", _l("— choose a role —"))]
                       + [(role.value, label) for role, label in ROLE_LABELS.items()],
                       validators=[InputRequired(_l("Choose the role."))])
    agency = SelectField(_l("Agency (liaisons)"), choices=[], validate_choice=False)
    kecamatan = SelectMultipleField(_l("Kecamatan covered (officers)"), choices=[], coerce=int,
                                    widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
                                    validate_choice=False)
    password = PasswordField(
        _l("Password"),
        description=_l("At least %(n)d characters. Leave empty to generate one.", n=MIN_PASSWORD_LENGTH),
        validators=[Optional()],
    )

    def for_existing_user(self) -> "UserForm":
        """On editing, an empty password keeps the current one (nothing is generated)."""
        self.password.label.text = _l("New password")
        self.password.description = _l("At least %(n)d characters. Leave empty to keep the current password.",
                                       n=MIN_PASSWORD_LENGTH)
        return self


class PasswordChangeForm(FlaskForm):
    domain_fields = {"password": "new_password"}  # where the password rule's message lands
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(REQUIRED)])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(REQUIRED)])
    confirm = PasswordField(_l("Repeat the new password"), validators=[
        DataRequired(REQUIRED), EqualTo("new_password", message=_l("The passwords differ."))])
