"""What every page that sends an SMS code shares: the failure message and `Kirim ulang kode`."""
from __future__ import annotations

from flask import flash
from flask_babel import lazy_gettext as _l

from portal import clock
from portal.auth.forms import ResendForm
from portal.extensions import db
from portal.models import OtpChallenge
from portal.services import DomainError
from portal.services.otp import Message, resend_code
from portal.services.sms import SmsNotSent

SMS_NOT_SENT = _l("The SMS could not be sent. Nothing was saved; please try again.")
NEW_CODE_SENT = _l("A new code has been sent.")


def resend_and_report(challenge: OtpChallenge | None, message: Message, sent=NEW_CODE_SENT) -> None:
    """Handle a `Kirim ulang kode` press: resend, commit once, and flash the outcome.

    With no challenge (an unknown account in a reset) nothing is sent but `sent` is still said.
    """
    if not ResendForm().validate_on_submit():
        return
    if challenge is not None:
        try:
            resend_code(challenge, message, clock.now())
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
            return
        except SmsNotSent:
            db.session.rollback()
            flash(SMS_NOT_SENT, "error")
            return
        db.session.commit()
    flash(sent, "success" if challenge is not None else "info")
