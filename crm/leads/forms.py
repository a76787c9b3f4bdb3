"""Forms of the liaison portal: sending a list, correcting how its columns are read."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from crm.leads.mapping import FIELD_LABELS, LeadField


class UploadForm(FlaskForm):
    """A file, or rows pasted from a spreadsheet; staff choose the agency the list comes from."""

    agency = SelectField(_l("Agency"), choices=[], validate_choice=False)
    # No check of the file name here: the import reads the content, and says what it is if it is no list.
    file = FileField(_l("Spreadsheet (CSV, Excel or LibreOffice)"))
    sheet = StringField(_l("Sheet (workbooks only, if not the first)"), validators=[Optional(), Length(max=120)])
    pasted = TextAreaField(_l("…or paste rows copied from Excel, with the title row"),
                           validators=[Optional(), Length(max=2_000_000)], render_kw={"rows": 6})


def field_choices() -> list[tuple[str, str]]:
    return [("", str(_l("— not used —")))] + [(lead_field.value, str(label))
                                                for lead_field, label in FIELD_LABELS.items()]


def mapping_from_form(form_data, columns: int) -> list[LeadField | None]:
    """The mapping chosen in the preview's column table (`column-0`, `column-1`, …)."""
    known = {lead_field.value for lead_field in LeadField}
    mapping = []
    for index in range(columns):
        value = form_data.get(f"column-{index}", "")
        mapping.append(LeadField(value) if value in known else None)
    return mapping
