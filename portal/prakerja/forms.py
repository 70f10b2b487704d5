from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField
from wtforms.validators import Regexp

from portal.forms import PortalForm, max_length, required


class CardForm(PortalForm):
    card_number = StringField(_l("Kartu Prakerja number"), [required(), max_length(25)])
    submit = SubmitField(_l("Send OTP"))


class PaymentCodeForm(PortalForm):
    code = StringField(_l("OTP code"), [required(), Regexp(r"^\s*\d{6}\s*$", message=_l("The code is 6 digits."))])
    submit = SubmitField(_l("Verify"))
