"""Daftar → Nomor Kartu Prakerja → Kirim OTP → Kode OTP → Verifikasi → Pembayaran Berhasil."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from portal import clock
from portal.access import participant_required
from portal.auth.forms import ResendForm
from portal.auth.resend import resend_and_report
from portal.limits import card_tries_limit, otp_limit, payment_phone_limit
from portal.models import OtpPurpose
from portal.prakerja import bp
from portal.prakerja.forms import CardForm, PaymentCodeForm
from portal.services.cards import card_status
from portal.services.learning import enrollment_for
from portal.services.otp import find_challenge, seconds_until_resend
from portal.services.purchases import (
    CardRefused,
    PriceChanged,
    bound_price,
    complete_purchase,
    latest_card_of,
    offering_for_registration,
    payment_of,
    payment_sms,
    start_payment,
)
from portal.unit_of_work import unit_of_work


@bp.route("/daftar/<int:offering_id>", methods=["GET", "POST"])
@participant_required
@otp_limit
@card_tries_limit
@payment_phone_limit
def register(offering_id: int):
    """Daftar at an offering: the card number, checked before any SMS is sent."""
    offering = offering_for_registration(offering_id) or abort(404)
    form = CardForm()
    card = latest_card_of(current_user)
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            challenge = start_payment(current_user, offering, form.card_number.data, clock.now())
        if work.done:
            return redirect(url_for("prakerja.verify", challenge_id=challenge.id))
        if isinstance(work.error, CardRefused):  # the card was identified: show its status beside the refusal
            card = work.error.card
    status = card_status(card, clock.now()) if card else None
    return render_template("prakerja/register.html", form=form, offering=offering, status=status)


def _payment_or_404(challenge_id: int):
    challenge = find_challenge(challenge_id, current_user.id, OtpPurpose.CARD_PAYMENT) or abort(404)
    card, offering = payment_of(challenge)
    return challenge, card, offering or abort(404)


@bp.route("/verifikasi/<int:challenge_id>", methods=["GET", "POST"])
@participant_required
@otp_limit
def verify(challenge_id: int):
    """Kode OTP → Verifikasi: the purchase happens here, in one transaction."""
    challenge, card, offering = _payment_or_404(challenge_id)
    form = PaymentCodeForm()
    if form.validate_on_submit():
        # A wrong code's failure count is kept (OtpRejected.keeps_writes); any other refusal
        # spends nothing, not even the code.
        with unit_of_work(form) as work:
            enrollment = complete_purchase(current_user, challenge, form.code.data, clock.now())
        if work.done:
            return redirect(url_for("prakerja.paid", enrollment_id=enrollment.id))
    now, price = clock.now(), bound_price(challenge)
    changed = PriceChanged(price, offering.price) if offering.price != price else None
    return render_template("prakerja/verify.html", form=form, resend_form=ResendForm(), challenge=challenge,
                           status=card_status(card, now), offering=offering, wait=seconds_until_resend(challenge, now),
                           price=offering.price if price is None else price, changed=changed)


@bp.post("/verifikasi/<int:challenge_id>/kirim-ulang")
@participant_required
@otp_limit
@payment_phone_limit
def resend(challenge_id: int):
    """Kirim ulang kode for a payment."""
    challenge, _card, offering = _payment_or_404(challenge_id)
    price = bound_price(challenge)
    if offering.price != price:  # a new SMS would name a price this code cannot pay
        flash(str(PriceChanged(price, offering.price).message), "error")
        return redirect(url_for("prakerja.register", offering_id=offering.id))
    resend_and_report(challenge, payment_sms(offering, price))
    return redirect(url_for("prakerja.verify", challenge_id=challenge_id))


@bp.get("/berhasil/<int:enrollment_id>")
@participant_required
def paid(enrollment_id: int):
    """Pembayaran Berhasil, with the way to the portfolio."""
    enrollment = enrollment_for(current_user, enrollment_id) or abort(404)
    return render_template("prakerja/paid.html", enrollment=enrollment)
