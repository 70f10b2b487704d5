"""Request limits (Flask-Limiter), sized in the settings: per address, per account, per phone.

Keys that name a person (a login typed, a phone number) are stored as an HMAC keyed by SECRET_KEY,
so the counters in Redis hold no NIK, email or phone number.
"""
from __future__ import annotations

import hashlib
import hmac

from flask import current_app, request, session
from flask_limiter.util import get_remote_address
from flask_login import current_user

from portal import clock
from portal.extensions import db, limiter
from portal.models import AccountClaim, OtpPurpose, User
from portal.services import DomainError
from portal.services.accounts import normalise_phone, phone_for_login
from portal.services.claims import open_claim
from portal.services.otp import find_challenge
from portal.services.purchases import latest_card_of


def _setting(name: str):
    return lambda: current_app.config[name]


def _pseudonym(kind: str, value: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return f"{kind}:{hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:32]}"


def _code_went_out(response) -> bool:
    # The page moved on: a code was sent (or, for an unknown account in a reset, seemed to be).
    return 300 <= response.status_code < 400


def _phone_key(phone: str | None) -> str:
    # No phone to name (unknown account, nothing pending): count the address instead.
    return _pseudonym("phone", phone) if phone else f"ip:{get_remote_address()}"


def _registration_phone() -> str:
    typed = request.form.get("phone", "")
    try:
        return _phone_key(normalise_phone(typed))
    except DomainError:
        return _phone_key(typed.strip())


def _activation_phone() -> str:
    user_id = (session.get("activation") or {}).get("user_id")
    user = db.session.get(User, user_id) if user_id else None
    return _phone_key(user.phone if user else None)


def _phone_of_login(login: str) -> str:
    phone = phone_for_login(login) if len(login) <= 254 and login.isprintable() else None
    # An unknown account is counted by the login typed, as a known one is by its phone, so the 429
    # comes after the same number of tries for both and does not tell them apart.
    return _pseudonym("phone", phone) if phone else _pseudonym("login", login.strip().lower())


def _reset_phone() -> str:
    login = request.form.get("login") if request.endpoint == "auth.forgot" else None
    if login is None:  # Kirim ulang kode: the login kept in the session
        login = (session.get("reset") or {}).get("login", "")
    return _phone_of_login(login)


def _code_login_phone() -> str:
    return _phone_of_login(request.form.get("login", ""))


def _payment_phone() -> str:
    if not current_user.is_authenticated:
        return _phone_key(None)
    challenge_id = (request.view_args or {}).get("challenge_id")
    if challenge_id is not None:
        challenge = find_challenge(challenge_id, current_user.id, OtpPurpose.CARD_PAYMENT)
        return _phone_key(challenge.phone if challenge else None)
    card = latest_card_of(current_user)  # a code only ever goes to the holder's own card's phone
    return _phone_key(card.phone if card else None)


def _pending_claim() -> AccountClaim | None:
    # The claim the view would act on: an ended one is gone for the limits too.
    return open_claim((session.get("claim") or {}).get("claim_id"), clock.now())


def _claim_phone() -> str:
    claim = _pending_claim()  # the card's registered phone: the claim's code goes there
    return _phone_key(claim.card_phone if claim else None)


def _claim_nik() -> str:
    claim = _pending_claim()
    user = db.session.get(User, claim.user_id) if claim else None
    return _pseudonym("nik", user.nik) if user else f"ip:{get_remote_address()}"


def _account() -> str:
    return f"user:{current_user.id}" if current_user.is_authenticated else f"ip:{get_remote_address()}"


# Per address, generous for carrier-grade NAT (portal/config.py). Per account, wrong passwords meet
# the back-off of portal/services/throttle.py instead of a limit here: a limit keyed by the login
# typed would let anyone keep the owner out by typing the owner's NIK.
login_limit = limiter.limit(_setting("RATELIMIT_LOGIN"), methods=["POST"])
# Every page that sends or checks an SMS code.
otp_limit = limiter.limit(_setting("RATELIMIT_OTP"), methods=["POST"])


def _otp_phone_limit(key_func):
    # One scope for every page that sends a code: registration, reset and payment share the count.
    return limiter.shared_limit(
        _setting("RATELIMIT_OTP_PHONE"), scope="otp-phone", key_func=key_func, methods=["POST"],
        deduct_when=_code_went_out,
    )


registration_phone_limit = _otp_phone_limit(_registration_phone)
activation_phone_limit = _otp_phone_limit(_activation_phone)
reset_phone_limit = _otp_phone_limit(_reset_phone)
code_login_phone_limit = _otp_phone_limit(_code_login_phone)
payment_phone_limit = _otp_phone_limit(_payment_phone)
claim_phone_limit = _otp_phone_limit(_claim_phone)
# Every step of Klaim NIK ini, per NIK claimed, from any address and any claim.
claim_nik_limit = limiter.shared_limit(_setting("RATELIMIT_CLAIM_NIK"), scope="claim-nik", key_func=_claim_nik,
                                      methods=["POST"])
# Kartu Prakerja numbers typed at Daftar, per account (from any address).
card_tries_limit = limiter.limit(_setting("RATELIMIT_CARD_TRIES"), key_func=_account, methods=["POST"])
