"""Kirim ulang kode: the button beside every SMS code form (activation, password reset, payment).

It lives with its form (`ResendForm`, in auth/forms.py) and two of its three pages; the payment
page borrows it.
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


def resend_and_report(challenge: OtpChallenge | None, message: Message, sent=NEW_CODE_SENT) -> None:
    """Handle a `Kirim ulang kode` press: resend in one unit of work, and flash the outcome.

    With no challenge (an unknown account in a reset) nothing is sent but `sent` is still said.
    """
    if not ResendForm().validate_on_submit():
        return
    if challenge is None:
        flash(sent, "info")
        return
    with unit_of_work() as work:
        resend_code(challenge, message, clock.now())
    if work.done:
        flash(sent, "success")
