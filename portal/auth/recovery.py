"""Kendala Masuk ke Akun?: a new password with a code sent by SMS to the account's phone.

A known account and an unknown one must not be told apart, by page, message, session or time.
So everything step 2 says comes from what the session recorded, the same for both: when the last
code was (or seemed to be) sent, and how many codes this visitor has had refused. The signed
cookie is readable: it holds {"login": str, "sent_at": int, "tries": int} for both kinds. The code
is proven before anything about the account is judged (accounts.reset_password), and no request
waits on the SMS gateway (the code is queued; portal/services/sms.py).
"""
from __future__ import annotations

import math
from datetime import datetime

from flask import current_app, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _

from portal import clock
from portal.access import public
from portal.auth import bp
from portal.auth.forms import ForgotForm, ResendForm, ResetForm
from portal.limits import otp_limit, reset_phone_limit
from portal.services import accounts
from portal.services.otp import OtpRejected
from portal.unit_of_work import unit_of_work


def _record_sent(login: str, now: datetime, tries: int) -> None:
    session["reset"] = {"login": login, "sent_at": int(now.timestamp()), "tries": tries}


def _since_sent(pending: dict, now: datetime) -> float:
    return now.timestamp() - pending.get("sent_at", 0)


def _wait(pending: dict, now: datetime) -> int:
    """Seconds before Kirim ulang kode is allowed, from the session (the same for both kinds)."""
    interval = current_app.config["OTP_RESEND_INTERVAL"].total_seconds()
    return max(0, math.ceil(interval - _since_sent(pending, now)))


def _tries_left(pending: dict) -> int:
    return current_app.config["OTP_MAX_FAILURES"] - pending.get("tries", 0)


def _refused_before_checking(pending: dict, now: datetime) -> str | None:
    """What the session alone says of a code, before any account is looked at."""
    if _tries_left(pending) <= 0:
        return _("Too many wrong codes. Start again to get a new code.")
    if _since_sent(pending, now) >= current_app.config["OTP_LIFETIME"].total_seconds():
        return _("The code has expired. Press “Kirim ulang kode” for a new one.")
    return None


def _wrong_code(pending: dict) -> str:
    left = _tries_left(pending)
    if left <= 0:
        return _("Wrong code, and no tries are left. Start again to get a new code.")
    return _("Wrong code. %(n)d tries left.", n=left)


@bp.route("/kendala-masuk", methods=["GET", "POST"])
@public
@otp_limit
@reset_phone_limit
def forgot():
    """Step 1: NIK or email. The answer is the same whether the account exists or not."""
    form = ForgotForm()
    if form.validate_on_submit():
        now = clock.now()
        with unit_of_work(form) as work:
            accounts.start_password_reset(form.login.data, now)
        if work.done:
            _record_sent(form.login.data.strip(), now, tries=0)
            flash(_("If the account exists, a code has been sent by SMS to its registered phone."), "info")
            return redirect(url_for("auth.reset"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/kendala-masuk/kata-sandi-baru", methods=["GET", "POST"])
@public
@otp_limit
def reset():
    """Step 2: the code and a new password. A reset ends every other session of the account."""
    pending = session.get("reset")
    if not isinstance(pending, dict) or "login" not in pending:
        return redirect(url_for("auth.forgot"))
    now = clock.now()
    form = ResetForm()
    if form.validate_on_submit():
        refusal = _refused_before_checking(pending, now)
        if refusal:
            form.code.errors = [refusal]
        else:
            # A wrong code's failure count is kept (OtpRejected.keeps_writes); a weak password
            # after a right code rolls back, the code unspent.
            with unit_of_work(form, handled=OtpRejected) as work:
                accounts.reset_password(pending["login"], form.code.data, form.password.data, now)
            if work.done:
                session.pop("reset", None)
                flash(_("Your password has been changed. Log in with the new password."), "success")
                return redirect(url_for("auth.login"))
            if isinstance(work.error, OtpRejected):  # known or unknown, wrong or dead: one answer
                pending = {**pending, "tries": pending.get("tries", 0) + 1}
                session["reset"] = pending
                form.code.errors = [_wrong_code(pending)]
    return render_template("auth/reset.html", form=form, resend_form=ResendForm(), wait=_wait(pending, now))


@bp.post("/kendala-masuk/kirim-ulang")
@public
@otp_limit
@reset_phone_limit
def resend_reset():
    """Kirim ulang kode for a password reset; the answer does not tell whether the account exists."""
    pending = session.get("reset")
    if not isinstance(pending, dict) or "login" not in pending:
        return redirect(url_for("auth.forgot"))
    if ResendForm().validate_on_submit():
        now = clock.now()
        wait = _wait(pending, now)
        if wait:
            flash(_("Wait %(s)d seconds before asking for a new code.", s=wait), "error")
        else:
            with unit_of_work() as work:
                accounts.resend_password_reset(pending["login"], now)
            if work.done:
                _record_sent(pending["login"], now, tries=pending.get("tries", 0))  # a resend never resets the tries
                flash(_("If the account exists, a new code has been sent."), "info")
    return redirect(url_for("auth.reset"))
