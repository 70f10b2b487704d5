"""HP Simulasi: the demo phone, showing the SMS sent to the phones of the account in this session."""
from __future__ import annotations

from flask import render_template, session
from flask_login import current_user
from sqlalchemy import select

from portal.access import public
from portal.demo import bp
from portal.extensions import db
from portal.models import Card, User
from portal.services.accounts import pending_password_reset
from portal.services.sms import messages_to


def _session_phones() -> list[str]:
    """The phones of the logged-in account and its cards, or of the account waiting for
    activation or a password reset."""
    if current_user.is_authenticated:
        cards = db.session.scalars(select(Card.phone).where(Card.holder_nik == current_user.nik)).all()
        return list(dict.fromkeys([current_user.phone, *cards]))
    pending = session.get("activation") or {}
    if pending.get("user_id"):
        user = db.session.get(User, pending["user_id"])
        return [user.phone] if user else []
    # A reset in progress: in the demo, the visitor holds the phone of the account they named.
    challenge = pending_password_reset((session.get("reset") or {}).get("login", ""))
    return [challenge.phone] if challenge else []


@bp.get("/hp")
@public
def phone():
    """The demo phone; newest message first."""
    phones = _session_phones()
    return render_template("demo/phone.html", phones=phones, messages=messages_to(phones) if phones else [])
