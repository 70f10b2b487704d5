from flask_babel import lazy_gettext as _l
from wtforms import StringField

from portal.forms import PortalForm, max_length, required


class CodeCheckForm(PortalForm):
    """`GET /sertifikat?kode=…`: anyone checks a verification code."""

    class Meta:
        csrf = False  # a GET look-up changes nothing, and its address may be shared

    kode = StringField(_l("Verification code"), [required(), max_length(40)])
