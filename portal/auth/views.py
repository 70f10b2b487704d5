"""Account views. Each validates a form, calls one service, commits once, and redirects (PRG)."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from portal import clock
from portal.access import public
from portal.auth import bp
from portal.auth.claim import offer_claim_page
from portal.auth.forms import ActivationForm, LoginForm, RegisterForm, ResendForm
from portal.auth.resend import resend_and_report
from portal.extensions import db
from portal.limits import activation_phone_limit, login_limit, otp_limit, registration_phone_limit
from portal.models import OtpPurpose, User
from portal.redirects import safe_next
from portal.services import accounts
from portal.services.claims import NikTaken
from portal.services.otp import find_challenge, seconds_until_resend
from portal.services.sessions import end_sessions
from portal.services.throttle import LoginThrottled, PasswordLoginClosed
from portal.unit_of_work import unit_of_work


def _pending_activation():
    pending = session.get("activation") or {}
    user = db.session.get(User, pending["user_id"]) if pending.get("user_id") else None
    challenge = find_challenge(pending.get("challenge_id"), pending.get("user_id"), OtpPurpose.ACTIVATION)
    return user, challenge


@bp.route("/buat-akun", methods=["GET", "POST"])
@public
@otp_limit  # each new account is a new phone to send a code to
@registration_phone_limit
def register():
    """Buat Akun: create an inactive account and send the activation code by SMS."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = RegisterForm()
    if form.validate_on_submit():
        with unit_of_work(form, handled=NikTaken) as work:  # the claim offer is kept: NikTaken.keeps_writes
            user, challenge = accounts.register_account(
                form.nik.data.strip(), form.full_name.data, form.mother_maiden_name.data, form.email.data,
                form.phone.data, form.password.data, clock.now(),
            )
        if isinstance(work.error, NikTaken):
            return offer_claim_page(form, work.error)
        if work.done:
            session["activation"] = {"user_id": user.id, "challenge_id": challenge.id}
            flash(_("Your account is created. Enter the code we sent by SMS to activate it."), "success")
            return redirect(url_for("auth.activate"))
    return render_template("auth/register.html", form=form)


@bp.route("/aktivasi", methods=["GET", "POST"])
@public
@otp_limit
def activate():
    """Aktivasi: the 6-digit code sent to the new account's phone."""
    user, challenge = _pending_activation()
    if user is None or challenge is None:
        flash(_("There is no account waiting for activation. Log in to get a new code."), "info")
        return redirect(url_for("auth.login"))
    form = ActivationForm()
    if form.validate_on_submit():
        with unit_of_work(form) as work:  # a wrong code's failure count is kept (OtpRejected.keeps_writes)
            accounts.activate_account(user, challenge, form.code.data, clock.now())
        if work.done:
            session.pop("activation", None)
            flash(_("Your account is active. Log in with your NIK or email."), "success")
            return redirect(url_for("auth.login"))
    return render_template(
        "auth/activate.html", form=form, resend_form=ResendForm(), challenge=challenge, user=user,
        wait=seconds_until_resend(challenge, clock.now()),
    )


@bp.post("/aktivasi/kirim-ulang")
@public
@otp_limit
@activation_phone_limit
def resend_activation():
    """Kirim ulang kode for activation."""
    user, challenge = _pending_activation()
    if user is None or challenge is None:
        return redirect(url_for("auth.login"))
    resend_and_report(challenge, accounts.activation_sms)
    return redirect(url_for("auth.activate"))


@bp.route("/masuk", methods=["GET", "POST"])
@public
@login_limit
def login():
    """Masuk by NIK or email; one message for an unknown account and a wrong password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    backed_off = False
    if form.validate_on_submit():
        # A wrong password's failure count (and its back-off) is kept: LoginRefused.keeps_writes.
        with unit_of_work(form, handled=accounts.AccountNotActivated) as work:
            user = accounts.authenticate(form.login.data, form.password.data, clock.now())
        if isinstance(work.error, accounts.AccountNotActivated):
            return _restart_activation(work.error.user, form)
        if work.done:
            return start_session(user)
        backed_off = isinstance(work.error, LoginThrottled | PasswordLoginClosed)
    return _login_page(form, backed_off)


def start_session(user: User):
    """Log `user` in on a fresh session and go on to `next` (password or SMS code alike)."""
    target = safe_next(request.args.get("next"))
    _fresh_session()  # nothing from before the login carries over
    login_user(user)
    session["since"] = session["seen"] = clock.real_now().timestamp()  # see auth/sessions.py
    flash(_("Welcome, %(name)s.", name=user.full_name), "success")
    return redirect(target or url_for("main.index"))


def _fresh_session() -> None:
    """Empty the session, keeping only the visitor's language."""
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale


def _login_page(form: LoginForm, backed_off: bool = False):
    demo_accounts = None
    if current_app.config["DEMO_MODE"]:
        from portal.demo.people import DEMO_PASSWORD, demo_logins

        demo_accounts = {"password": DEMO_PASSWORD, "logins": demo_logins(clock.now())}
    return render_template("auth/login.html", form=form, demo_accounts=demo_accounts, backed_off=backed_off)


def _restart_activation(user: User, form: LoginForm):
    with unit_of_work(form) as work:  # refused when too many codes were asked for in the last hour
        challenge = accounts.restart_activation(user, clock.now())
    if not work.done:
        return _login_page(form)
    session["activation"] = {"user_id": user.id, "challenge_id": challenge.id}
    flash(_("Your account is not activated yet. We sent a new code to your phone."), "warning")
    return redirect(url_for("auth.activate"))


@bp.post("/keluar")
@public
def logout():
    """Keluar: the session ends on the server too, so a copied cookie dies with it (on every device
    of the account: the login cookie names the account's session version, not one browser)."""
    if current_user.is_authenticated:
        with unit_of_work():
            end_sessions(current_user.id)
    logout_user()
    _fresh_session()
    flash(_("You have logged out."), "info")
    return redirect(url_for("main.index"))
