"""Klaim NIK ini: Buat Akun found the identity right but the NIK taken; the card's phone decides.

The pending claim's id is kept in the session; the claim itself (what the holder typed) is in the
database. Each page validates a form, calls one service in the unit of work, and redirects.
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from portal import clock
from portal.access import public
from portal.auth import bp
from portal.auth.forms import ClaimCodeForm, ClaimStartForm, ResendForm
from portal.auth.resend import resend_and_report
from portal.forms import show_domain_error
from portal.limits import claim_nik_limit, claim_phone_limit, otp_limit
from portal.services import claims
from portal.services.claims import NikTaken, claim_challenge, open_claim, phone_tail
from portal.services.otp import seconds_until_resend
from portal.unit_of_work import unit_of_work


def offer_claim_page(form, taken: NikTaken):
    """Buat Akun's answer to a NIK that has an account: the claim page, or why there is none."""
    if taken.claim is None:  # no card, so no phone to prove the holder: the refusal says what to do
        show_domain_error(form, taken)
        return render_template("auth/register.html", form=form)
    session["claim"] = {"claim_id": taken.claim.id}
    return redirect(url_for("auth.claim"))


def _pending():
    return open_claim((session.get("claim") or {}).get("claim_id"), clock.now())


def _ended():
    session.pop("claim", None)
    flash(str(claims.CLAIM_GONE), "info")
    return redirect(url_for("auth.register"))


@bp.get("/buat-akun/klaim")
@public
def claim():
    """The offer (what a claim does, where the code goes), then the code form once it was sent."""
    pending = _pending()
    if pending is None:
        return _ended()
    challenge = claim_challenge(pending)
    return render_template(
        "auth/claim.html", start_form=ClaimStartForm(), form=ClaimCodeForm(), resend_form=ResendForm(),
        challenge=challenge, tail=phone_tail(pending.card_phone),
        wait=seconds_until_resend(challenge, clock.now()) if challenge else 0,
    )


@bp.post("/buat-akun/klaim/kirim")
@public
@otp_limit
@claim_nik_limit
@claim_phone_limit
def send_claim_code():
    """Klaim NIK ini: send the code to the card's registered phone."""
    pending = _pending()
    if pending is None:
        return _ended()
    form = ClaimStartForm()
    if form.validate_on_submit():
        with unit_of_work() as work:
            claims.send_claim_code(pending, request.remote_addr or "", clock.now())
        if work.done:
            flash(_("The code was sent to the phone registered on your Kartu Prakerja."), "success")
    return redirect(url_for("auth.claim"))


@bp.post("/buat-akun/klaim/kode")
@public
@otp_limit
@claim_nik_limit
def verify_claim():
    """The code from the card's phone: the account moves to the holder."""
    pending = _pending()
    if pending is None:
        return _ended()
    challenge = claim_challenge(pending)
    form = ClaimCodeForm()
    if challenge is not None and form.validate_on_submit():
        with unit_of_work(form) as work:  # a wrong code's failure count is kept (OtpRejected.keeps_writes)
            user, activation = claims.complete_claim(pending, form.code.data, request.remote_addr or "",
                                                     clock.now())
        if work.done:
            session.pop("claim", None)
            if activation is not None:
                session["activation"] = {"user_id": user.id, "challenge_id": activation.id}
                flash(_("The account of your NIK is yours now. Enter the code we sent to your own phone to "
                        "activate it."), "success")
                return redirect(url_for("auth.activate"))
            flash(_("The account of your NIK is yours now. Log in with your NIK or email."), "success")
            return redirect(url_for("auth.login"))
    return render_template(
        "auth/claim.html", start_form=ClaimStartForm(), form=form, resend_form=ResendForm(),
        challenge=challenge, tail=phone_tail(pending.card_phone),
        wait=seconds_until_resend(challenge, clock.now()) if challenge else 0,
    )


@bp.post("/buat-akun/klaim/kirim-ulang")
@public
@otp_limit
@claim_nik_limit
@claim_phone_limit
def resend_claim_code():
    """Kirim ulang kode for a claim."""
    pending = _pending()
    if pending is None:
        return _ended()
    challenge = claim_challenge(pending)
    if challenge is not None:
        resend_and_report(challenge, claims.claim_sms)
    return redirect(url_for("auth.claim"))
