from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, SubmitField, TextAreaField

from portal.forms import PortalForm, choices, max_length, required
from portal.regions import PROVINCES
from portal.services.participants import EDUCATION_LEVELS


class ParticipantForm(PortalForm):
    education = SelectField(
        _l("Last education"), [required()], choices=choices(EDUCATION_LEVELS.items(), _l("Choose…"))
    )
    province = SelectField(_l("Province"), [required()], choices=choices(PROVINCES.items(), _l("Choose…")))
    regency = StringField(_l("Regency/City"), [required(), max_length(80)])
    address = TextAreaField(_l("Address"), [required(), max_length(500)])
    submit = SubmitField(_l("Save"))
