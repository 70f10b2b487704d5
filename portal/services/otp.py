"""One-time codes sent by SMS: account activation, password reset, and (later) card payment.

A code comes from `secrets`, lives 10 minutes, is used once, and dies after 5 wrong tries. A resend
("Kirim ulang kode") needs 60 s since the last send, is allowed 5 sends per challenge, replaces the
code and its lifetime, and never resets the failure count. Only an HMAC of the code, keyed with a
key derived from SECRET_KEY and bound to the challenge id, is stored; comparison is constant-time.
Every state change is a guarded UPDATE, so two requests racing on one challenge cannot both win.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from portal.extensions import db
from portal.models import OtpChallenge, User
from portal.services import DomainError
from portal.services.sms import send_sms

CODE_DIGITS = 6
Message = Callable[[str], str]  # code -> SMS text


class TooManyCodes(DomainError):
    """The account asked for too many new codes in the last hour."""


class OtpRejected(DomainError):
    """A code was refused. The failure count it may have raised is committed, not rolled back."""

    keeps_writes = True  # else every guess would be free


def _settings():
    cfg = current_app.config
    return cfg["OTP_LIFETIME"], cfg["OTP_MAX_FAILURES"], cfg["OTP_MAX_SENDS"], cfg["OTP_RESEND_INTERVAL"]


def otp_minutes() -> int:
    """A code's lifetime in whole minutes, as the SMS and the pages say it."""
    return int(current_app.config["OTP_LIFETIME"].total_seconds() // 60)


def _code_hash(challenge_id: int, code: str) -> str:
    key = hmac.new(current_app.config["SECRET_KEY"].encode(), b"otp-code", hashlib.sha256).digest()
    return hmac.new(key, f"{challenge_id}:{code}".encode(), hashlib.sha256).hexdigest()


def _new_code() -> str:
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def start_challenge(
    user: User, purpose: str, phone: str, message: Message, now: datetime, subject: str = ""
) -> OtpChallenge:
    """Create a challenge for `user` and send its first code to `phone`.

    The SMS is queued in the caller's transaction (the relay sends it). Raises TooManyCodes past
    OTP_MAX_CHALLENGES_PER_HOUR new challenges of one purpose for one account.
    """
    lifetime, *_ = _settings()
    _refuse_too_many_codes(user, purpose, now)
    challenge = OtpChallenge(
        purpose=purpose, user_id=user.id, subject=subject, phone=phone, code_hash="",
        created_at=now, expires_at=now + lifetime, last_sent_at=now, send_count=1, failed_attempts=0,
    )
    db.session.add(challenge)
    db.session.flush()  # the id is part of the hash
    code = _new_code()
    challenge.code_hash = _code_hash(challenge.id, code)
    db.session.flush()
    send_sms(phone, message(code))
    return challenge


def _refuse_too_many_codes(user: User, purpose: str, now: datetime) -> None:
    """Each new challenge brings fresh sends and tries: cap how many one account may start."""
    cap = current_app.config["OTP_MAX_CHALLENGES_PER_HOUR"]
    started = db.session.scalar(
        select(func.count(OtpChallenge.id)).where(
            OtpChallenge.user_id == user.id, OtpChallenge.purpose == purpose,
            OtpChallenge.created_at > now - timedelta(hours=1),
        )
    )
    if started >= cap:
        raise TooManyCodes(_l("Too many codes were requested. Try again in an hour."))


def find_challenge(challenge_id: int | None, user_id: int | None, purpose: str) -> OtpChallenge | None:
    """The challenge with this id if it belongs to this user and purpose, else None."""
    if challenge_id is None or user_id is None:
        return None
    return db.session.scalar(
        select(OtpChallenge).where(
            OtpChallenge.id == challenge_id, OtpChallenge.user_id == user_id, OtpChallenge.purpose == purpose
        )
    )


def seconds_until_resend(challenge: OtpChallenge, now: datetime) -> int:
    """How long the user must still wait before `Kirim ulang kode` is allowed (0 = now)."""
    _, _, _, interval = _settings()
    return max(0, int((challenge.last_sent_at + interval - now).total_seconds() + 0.999))


def resend_code(challenge: OtpChallenge, message: Message, now: datetime) -> None:
    """Send a fresh code for `challenge`, replacing the old one; the failure count stays."""
    lifetime, max_failures, max_sends, interval = _settings()
    if challenge.consumed_at is not None:
        raise DomainError(_l("This code has already been used."))
    if challenge.failed_attempts >= max_failures:
        raise DomainError(_l("Too many wrong codes. Start again to get a new code."))
    if challenge.send_count >= max_sends:
        raise DomainError(_l("The code cannot be sent again: the limit of %(n)d sends is reached.", n=max_sends))
    wait = seconds_until_resend(challenge, now)
    if wait:
        raise DomainError(_l("Wait %(s)d seconds before asking for a new code.", s=wait))
    code = _new_code()
    done = db.session.execute(
        update(OtpChallenge)
        .where(
            OtpChallenge.id == challenge.id,
            OtpChallenge.consumed_at.is_(None),
            OtpChallenge.failed_attempts < max_failures,
            OtpChallenge.send_count < max_sends,
            OtpChallenge.last_sent_at <= now - interval,
        )
        .values(
            code_hash=_code_hash(challenge.id, code), last_sent_at=now, expires_at=now + lifetime,
            send_count=OtpChallenge.send_count + 1,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:
        raise DomainError(_l("The code was just sent. Wait a moment before asking again."))
    db.session.refresh(challenge)
    send_sms(challenge.phone, message(code))


def verify_code(challenge: OtpChallenge, code: str, now: datetime) -> None:
    """Consume `challenge` if `code` is its current code; raise OtpRejected otherwise.

    A wrong code raises the failure count (the caller commits it); the fifth kills the challenge.
    """
    _, max_failures, _, _ = _settings()
    if challenge.consumed_at is not None:
        raise OtpRejected(_l("This code has already been used."), "code")
    if challenge.failed_attempts >= max_failures:
        raise OtpRejected(_l("Too many wrong codes. Start again to get a new code."), "code")
    if now >= challenge.expires_at:
        raise OtpRejected(_l("The code has expired. Press “Kirim ulang kode” for a new one."), "code")
    live = (
        OtpChallenge.id == challenge.id,
        OtpChallenge.consumed_at.is_(None),
        OtpChallenge.failed_attempts < max_failures,
    )
    if not hmac.compare_digest(challenge.code_hash, _code_hash(challenge.id, code.strip())):
        db.session.execute(
            update(OtpChallenge).where(*live)
            .values(failed_attempts=OtpChallenge.failed_attempts + 1)
            .execution_options(synchronize_session=False)
        )
        db.session.refresh(challenge)
        left = max_failures - challenge.failed_attempts
        if left <= 0:
            raise OtpRejected(_l("Wrong code, and no tries are left. Start again to get a new code."), "code")
        raise OtpRejected(_l("Wrong code. %(n)d tries left.", n=left), "code")
    consumed = db.session.execute(
        update(OtpChallenge).where(*live, OtpChallenge.expires_at > now)
        .values(consumed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if consumed != 1:
        raise OtpRejected(_l("This code has already been used."), "code")
    db.session.refresh(challenge)
