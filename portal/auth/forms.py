from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, StringField, SubmitField, TelField
from wtforms.validators import EqualTo, Regexp

from portal.forms import PortalForm, max_length, required
from portal.services.otp import CODE_DIGITS

# Every form that takes an SMS code.
CODE_FIELD = [
    required(), Regexp(rf"^\s*\d{{{CODE_DIGITS}}}\s*$", message=_l("The code is %(n)d digits.", n=CODE_DIGITS)),
]


class RegisterForm(PortalForm):
    nik = StringField("NIK", [required(), max_length(16)])
    full_name = StringField(_l("Full name"), [required(), max_length(120)])
    mother_maiden_name = StringField(_l("Mother's maiden name"), [required(), max_length(120)])
    email = EmailField(_l("Email"), [required(), max_length(254)])
    phone = TelField(_l("Mobile number"), [required(), max_length(20)])
    password = PasswordField(_l("Password"), [required(), max_length(128)])
    confirm = PasswordField(
        _l("Repeat password"), [required(), EqualTo("password", message=_l("The passwords do not match."))]
    )
    submit = SubmitField(_l("Register now"))


class ActivationForm(PortalForm):
    code = StringField(_l("OTP code"), CODE_FIELD)
    submit = SubmitField(_l("Activate now"))


class ResendForm(PortalForm):
    resend = SubmitField(_l("Resend code"))


class LoginForm(PortalForm):
    login = StringField(_l("NIK or Email"), [required(), max_length(254)])
    password = PasswordField(_l("Password"), [required(), max_length(128)])
    submit = SubmitField(_l("Log in"))


class ForgotForm(PortalForm):
    login = StringField(_l("NIK or Email"), [required(), max_length(254)])
    submit = SubmitField(_l("Send code"))


class ResetForm(PortalForm):
    code = StringField(_l("OTP code"), CODE_FIELD)
    password = PasswordField(_l("New password"), [required(), max_length(128)])
    confirm = PasswordField(
        _l("Repeat new password"), [required(), EqualTo("password", message=_l("The passwords do not match."))]
    )
    submit = SubmitField(_l("Save new password"))


class ClaimStartForm(PortalForm):
    submit = SubmitField(_l("Claim this NIK"))


class ClaimCodeForm(PortalForm):
    code = StringField(_l("OTP code"), CODE_FIELD)
    submit = SubmitField(_l("Verify"))


class CodeLoginForm(PortalForm):
    """Masuk dengan kode SMS, step 1: the account to send a code to."""

    login = StringField(_l("NIK or Email"), [required(), max_length(254)])
    submit = SubmitField(_l("Send login code"))


class CodeLoginVerifyForm(PortalForm):
    """Masuk dengan kode SMS, step 2: the code from the phone."""

    code = StringField(_l("OTP code"), CODE_FIELD)
    submit = SubmitField(_l("Log in"))
