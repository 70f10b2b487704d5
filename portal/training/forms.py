from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField

from portal.forms import max_length, required
from portal.regions import PROVINCES
from portal.services.participants import EDUCATION_LEVELS


class ParticipantForm(FlaskForm):
    education = SelectField(
        _l("Last education"), [required()], choices=[("", _l("Choose…")), *EDUCATION_LEVELS.items()]
    )
    province = SelectField(_l("Province"), [required()], choices=[("", _l("Choose…")), *PROVINCES.items()])
    regency = StringField(_l("Regency/City"), [required(), max_length(80)])
    address = TextAreaField(_l("Address"), [required(), max_length(500)])
    submit = SubmitField(_l("Save"))
