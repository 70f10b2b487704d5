"""Whose SMS this browser session may read on HP Simulasi, the full page and beside an OTP form."""
from __future__ import annotations

from flask import session
from flask_login import current_user
from sqlalchemy import select

from portal.extensions import db
from portal.models import Card, SmsMessage, User
from portal.services.accounts import pending_password_reset
from portal.services.code_login import pending_code_login
from portal.services.sms import messages_to

BESIDE_LIMIT = 5  # beside a form, the newest few are enough: the code just sent is the first


def _card_phones(user: User):
    return select(Card.phone).where(Card.holder_nik == user.nik)


def _visitor_phones() -> list[str]:
    """Not logged in: the phone of the account waiting for activation, a password reset or a code login."""
    pending = session.get("activation") or {}
    if pending.get("user_id"):
        user = db.session.get(User, pending["user_id"])
        return [user.phone] if user else []
    # A reset in progress: in the demo, the visitor holds the phone of the account they named.
    challenge = pending_password_reset((session.get("reset") or {}).get("login", ""))
    if challenge is None and session.get("code_login"):  # Masuk dengan kode SMS, likewise
        pending = session["code_login"]
        challenge = pending_code_login(pending.get("login", ""), pending.get("browser", ""))
    return [challenge.phone] if challenge else []


def session_phones() -> list[str]:
    """The phones of the logged-in account and its cards, or of the account waiting for
    activation or a password reset."""
    if current_user.is_authenticated:
        cards = db.session.scalars(_card_phones(current_user)).all()
        return list(dict.fromkeys([current_user.phone, *cards]))
    return _visitor_phones()


def messages_beside_form(phone: str | None) -> tuple[list[str], list[SmsMessage]]:
    """HP Simulasi next to an OTP form: the phones shown and their newest messages.

    `phone` is the one the page's code went to; it is shown only if it is one of `session_phones()`
    (None: all of them). A logged-in account's rule rides along in the messages' own statement, so
    the verify page pays one statement for the phone, not two.
    """
    if phone is None:
        phones = session_phones()
        return phones, messages_to(phones, limit=BESIDE_LIMIT) if phones else []
    query = select(SmsMessage).where(SmsMessage.to_phone == phone)
    if current_user.is_authenticated:
        if phone != current_user.phone:
            query = query.where(SmsMessage.to_phone.in_(_card_phones(current_user)))
    elif phone not in _visitor_phones():
        return [], []
    newest = query.order_by(SmsMessage.created_at.desc(), SmsMessage.id.desc()).limit(BESIDE_LIMIT)
    return [phone], list(db.session.scalars(newest))
