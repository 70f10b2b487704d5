"""Kirim ulang kode: the button beside every SMS code form (activation, password reset, payment).

It lives with its form (`ResendForm`, in auth/forms.py). Activation and payment answer with
`resend_and_report`; the password reset answers from its session instead, the same for a known
and an unknown account (portal/auth/recovery.py).
"""
from __future__ import annotations

from flask import flash
from flask_babel import lazy_gettext as _l

from portal import clock
from portal.auth.forms import ResendForm
from portal.models import OtpChallenge
from portal.services.otp import Message, resend_code
from portal.unit_of_work import unit_of_work

NEW_CODE_SENT = _l("A new code has been sent.")


def resend_and_report(challenge: OtpChallenge, message: Message) -> None:
    """Handle a `Kirim ulang kode` press: resend in one unit of work, and flash the outcome."""
    if not ResendForm().validate_on_submit():
        return
    with unit_of_work() as work:
        resend_code(challenge, message, clock.now())
    if work.done:
        flash(NEW_CODE_SENT, "success")
