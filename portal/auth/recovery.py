"""Kendala Masuk ke Akun?: a new password with a code sent by SMS to the account's phone."""
from __future__ import annotations

from flask import flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal import clock
from portal.access import public
from portal.auth import bp
from portal.auth.forms import ForgotForm, ResendForm, ResetForm
from portal.auth.resend import resend_and_report
from portal.limits import otp_limit, reset_phone_limit
from portal.services import accounts
from portal.services.otp import seconds_until_resend
from portal.unit_of_work import unit_of_work


def _pending_reset():
    # The session keeps only what the visitor typed, the same for known and unknown accounts
    # (the signed cookie is readable); the challenge is looked up from it on each request.
    return accounts.pending_password_reset((session.get("reset") or {}).get("login", ""))


@bp.route("/kendala-masuk", methods=["GET", "POST"])
@public
@otp_limit
@reset_phone_limit
def forgot():
    """Step 1: NIK or email. The answer is the same whether the account exists or not."""
    form = ForgotForm()
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            accounts.start_password_reset(form.login.data, clock.now())
        if work.done:
            session["reset"] = {"login": form.login.data.strip()}
            flash(_("If the account exists, a code has been sent by SMS to its registered phone."), "info")
            return redirect(url_for("auth.reset"))
    return render_template("auth/forgot.html", form=form)


@bp.route("/kendala-masuk/kata-sandi-baru", methods=["GET", "POST"])
@public
@otp_limit
def reset():
    """Step 2: the code and a new password. A reset ends every other session of the account."""
    if "reset" not in session:
        return redirect(url_for("auth.forgot"))
    challenge = _pending_reset()
    form = ResetForm()
    if form.validate_on_submit():
        if challenge is None:  # unknown account: answer as a wrong code would
            form.code.errors = [_("Wrong code.")]
        else:
            with unit_of_work(form) as work:  # a wrong code's failure count is kept (OtpRejected.keeps_writes)
                accounts.reset_password(challenge, form.code.data, form.password.data, clock.now())
            if work.done:
                session.pop("reset", None)
                flash(_("Your password has been changed. Log in with the new password."), "success")
                return redirect(url_for("auth.login"))
    wait = seconds_until_resend(challenge, clock.now()) if challenge else 0
    return render_template("auth/reset.html", form=form, resend_form=ResendForm(), wait=wait)


@bp.post("/kendala-masuk/kirim-ulang")
@public
@otp_limit
@reset_phone_limit
def resend_reset():
    """Kirim ulang kode for a password reset; the answer does not tell whether the account exists."""
    resend_and_report(_pending_reset(), accounts.reset_sms, sent=_l("If the account exists, a new code has been sent."))
    return redirect(url_for("auth.reset"))
