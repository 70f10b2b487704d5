from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField

from portal.auth.forms import CODE_FIELD
from portal.forms import PortalForm, max_length, required


class CardForm(PortalForm):
    card_number = StringField(_l("Kartu Prakerja number"), [required(), max_length(25)])
    submit = SubmitField(_l("Send OTP"))


class PaymentCodeForm(PortalForm):
    code = StringField(_l("OTP code"), CODE_FIELD)
    submit = SubmitField(_l("Verify"))
