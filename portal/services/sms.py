"""`send_sms(to_e164, text)` and its backends, chosen by the `SMS_BACKEND` setting.

- `outbox` (default): the message is stored in the database; HP Simulasi shows it.
- `memory`: kept in a list on the app, for tests.
The text of a message is never logged: it may carry a code.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.models import SmsMessage

log = logging.getLogger(__name__)


class SmsNotSent(Exception):
    """The gateway did not accept the message; the caller must consume nothing."""


@dataclass(frozen=True)
class SentSms:
    to: str
    text: str
    at: datetime


def _outbox(to_e164: str, text: str) -> None:
    db.session.add(SmsMessage(to_phone=to_e164, body=text, created_at=clock.now()))
    db.session.flush()


def _memory(to_e164: str, text: str) -> None:
    current_app.extensions.setdefault("sms_memory", []).append(SentSms(to_e164, text, clock.now()))


BACKENDS = {"outbox": _outbox, "memory": _memory}


def send_sms(to_e164: str, text: str) -> None:
    """Send `text` to `to_e164` with the configured backend; raise SmsNotSent if it fails."""
    name = current_app.config["SMS_BACKEND"]
    try:
        backend = BACKENDS[name]
    except KeyError:
        raise RuntimeError(f"unknown SMS_BACKEND {name!r}") from None
    backend(to_e164, text)
    log.info("sms sent", extra={"sms_backend": name, "to_suffix": to_e164[-4:]})


def messages_to(phone: str, limit: int = 20) -> list[SmsMessage]:
    """The outbox's latest messages to `phone`, newest first (for HP Simulasi)."""
    return list(
        db.session.scalars(
            select(SmsMessage).where(SmsMessage.to_phone == phone)
            .order_by(SmsMessage.created_at.desc(), SmsMessage.id.desc()).limit(limit)
        )
    )


def mask_phone(e164: str) -> str:
    """`+6281234567890` → `+62 812-****-7890`: enough to recognise one's own number."""
    national = e164[3:] if e164.startswith("+62") else e164.lstrip("+")
    return f"+62 {national[:3]}-****-{national[-4:]}"
