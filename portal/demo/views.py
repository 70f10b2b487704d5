"""HP Simulasi: the demo phone, showing the SMS sent to the phone of the account in this session."""
from __future__ import annotations

from flask import render_template, session
from flask_login import current_user

from portal.extensions import db
from portal.models import OtpChallenge, User
from portal.demo import bp
from portal.services.sms import messages_to


def _session_phone() -> str | None:
    """The phone of the logged-in account, or of the account waiting for activation or a reset."""
    if current_user.is_authenticated:
        return current_user.phone
    pending = session.get("activation") or {}
    if pending.get("user_id"):
        user = db.session.get(User, pending["user_id"])
        return user.phone if user else None
    reset = session.get("reset") or {}
    if reset.get("challenge_id"):
        challenge = db.session.get(OtpChallenge, reset["challenge_id"])
        return challenge.phone if challenge else None
    return None


@bp.get("/hp")
def phone():
    """The demo phone; newest message first."""
    number = _session_phone()
    return render_template("demo/phone.html", number=number, messages=messages_to(number) if number else [])
