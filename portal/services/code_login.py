"""Masuk dengan kode SMS: the owner logs in with a code sent to the account's phone.

The path nobody else can block: the password back-off does not apply to it, and a code proves
the phone, so it also clears that back-off. The code is bound to the browser that asked for it (a
random key kept in its session, stored here as a hash in the challenge's subject), so a stranger
who types the owner's NIK can neither use the owner's code nor spend its tries. Every answer is
the same for a known and an unknown account.
"""
from __future__ import annotations

import hashlib
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.extensions import db
from portal.models import OtpChallenge, OtpPurpose, User
from portal.services.accounts import _find_by_login
from portal.services.otp import OtpRejected, TooManyCodes, otp_minutes, start_challenge, verify_code
from portal.services.throttle import clear_failures

WRONG_CODE = _l("The code is wrong or no longer valid. Ask for a new code if you need one.")


def login_sms(code: str) -> str:
    return _("SIMULATION Sisnaker: your login code is %(code)s. Valid %(minutes)d minutes. Never share this code.",
             code=code, minutes=otp_minutes())


def _subject(browser_key: str) -> str:
    return "browser:" + hashlib.sha256(browser_key.encode()).hexdigest()


def start_code_login(login: str, browser_key: str, now: datetime) -> OtpChallenge | None:
    """Send a login code to the phone of the account named by `login`, bound to `browser_key`.

    Returns None for an unknown account, or one that asked for too many codes this hour; the
    caller answers the same either way.
    """
    user = _find_by_login(login)
    if user is None:
        return None
    try:
        return start_challenge(user, OtpPurpose.LOGIN, user.phone, login_sms, now, subject=_subject(browser_key))
    except TooManyCodes:
        return None


def pending_code_login(login: str, browser_key: str) -> OtpChallenge | None:
    """The newest login challenge this browser asked for the account named by `login`, if any."""
    user = _find_by_login(login) if login and browser_key else None
    if user is None:
        return None
    return db.session.scalar(
        select(OtpChallenge)
        .where(OtpChallenge.user_id == user.id, OtpChallenge.purpose == OtpPurpose.LOGIN,
               OtpChallenge.subject == _subject(browser_key))
        .order_by(OtpChallenge.created_at.desc(), OtpChallenge.id.desc()).limit(1)
    )


def log_in_with_code(login: str, browser_key: str, code: str, now: datetime) -> User:
    """The account whose code this is; its password back-off is cleared. Raises OtpRejected.

    One message for every refusal (wrong, expired, used, no tries left, unknown account), so the
    answers do not tell whether the account exists; a wrong code's count is kept all the same.
    """
    challenge = pending_code_login(login, browser_key)
    if challenge is None:
        raise OtpRejected(WRONG_CODE, "code")
    try:
        verify_code(challenge, code, now)
    except OtpRejected:
        raise OtpRejected(WRONG_CODE, "code") from None
    user = db.session.get(User, challenge.user_id)
    clear_failures(user)
    if user.activated_at is None:  # the code proved the phone, as activation would have
        user.activated_at = now
    db.session.flush()
    return user
