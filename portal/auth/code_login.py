"""Masuk dengan kode SMS: log in with a code sent to the account's phone (no password needed).

The path a stranger cannot block: the password back-off does not apply to it and nothing keyed by
the login typed limits it. It answers the same for an unknown account, like Kendala Masuk ke Akun?.
"""
from __future__ import annotations

import secrets

from flask import flash, redirect, render_template, session, url_for
from flask_babel import gettext as _

from portal import clock
from portal.access import public
from portal.auth import bp
from portal.auth.forms import CodeLoginForm, CodeLoginVerifyForm
from portal.auth.views import start_session
from portal.limits import code_login_phone_limit, otp_limit
from portal.services import code_login
from portal.unit_of_work import unit_of_work


def _pending() -> tuple[str, str]:
    # The session keeps what was typed and a random key of this browser, the same shape for known and
    # unknown accounts (the signed cookie is readable); the code is bound to the key.
    pending = session.get("code_login") or {}
    return pending.get("login", ""), pending.get("browser", "")


@bp.route("/masuk/kode-sms", methods=["GET", "POST"])
@public
@otp_limit
@code_login_phone_limit
def code_login_start():
    """Step 1: NIK or email; a code goes to the account's phone. The same answer for an unknown one."""
    form = CodeLoginForm()
    if form.validate_on_submit():
        browser = secrets.token_urlsafe(24)
        with unit_of_work(form) as work:
            code_login.start_code_login(form.login.data, browser, clock.now())
        if work.done:
            session["code_login"] = {"login": form.login.data.strip(), "browser": browser}
            flash(_("If the account exists, a login code has been sent by SMS to its registered phone."), "info")
            return redirect(url_for("auth.code_login_verify"))
    return render_template("auth/code_login.html", form=form)


@bp.route("/masuk/kode-sms/verifikasi", methods=["GET", "POST"])
@public
@otp_limit
def code_login_verify():
    """Step 2: the code. A wrong one counts (OtpRejected.keeps_writes); the right one logs in."""
    login, browser = _pending()
    if not login:
        return redirect(url_for("auth.code_login_start"))
    form = CodeLoginVerifyForm()
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            user = code_login.log_in_with_code(login, browser, form.code.data, clock.now())
        if work.done:
            return start_session(user)
    return render_template("auth/code_login_verify.html", form=form)
