"""`send_sms(to_e164, text)` and its backends, chosen by the `SMS_BACKEND` setting.

- `outbox` (default): the message is stored in the database; HP Simulasi shows it.
- `memory`: kept in a list on the app, for tests.
- `http`: POSTed as JSON to the gateway at `SMS_HTTP_URL`, with bounded retries.
The text of a message is never logged: it may carry a code.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime

import requests
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


def _http(to_e164: str, text: str) -> None:
    config = current_app.config
    url, token = config.get("SMS_HTTP_URL"), config.get("SMS_HTTP_TOKEN")
    if not url or not token:
        raise RuntimeError("SMS_BACKEND=http needs SMS_HTTP_URL and SMS_HTTP_TOKEN to be set")
    attempts = 1 + max(0, config["SMS_HTTP_RETRIES"])
    # A new Session per call: it reuses the connection across this call's retries and is closed
    # when done (no socket left open), and nothing is shared between threads or gunicorn's forked
    # workers. An OTP SMS is rare enough that a connection pool kept between calls buys nothing.
    with requests.Session() as http:
        for attempt in range(1, attempts + 1):
            if attempt > 1:
                time.sleep(config["SMS_HTTP_BACKOFF"] * 2 ** (attempt - 2))
            try:
                response = http.post(
                    url, json={"to": to_e164, "text": text}, headers={"Authorization": f"Bearer {token}"},
                    timeout=config["SMS_HTTP_TIMEOUT"],
                    allow_redirects=False,  # never hand the code on to wherever a redirect points
                )
            except (requests.ConnectionError, requests.Timeout) as exc:
                status, retry = type(exc).__name__, True  # ConnectTimeout, ReadTimeout, ConnectionError
            else:
                status = response.status_code
                if 200 <= status < 300:
                    return
                retry = status >= 500 or status == 429
            # Only these fields: the text carries a code, the URL or headers may carry the token.
            log.warning(
                "sms gateway failed",
                extra={"sms_backend": "http", "attempt": attempt, "status": status, "to_suffix": to_e164[-4:]},
            )
            if not retry:
                break
    raise SmsNotSent(f"SMS gateway failed after {attempt} attempt(s), last status {status}")


BACKENDS = {"outbox": _outbox, "memory": _memory, "http": _http}


def send_sms(to_e164: str, text: str) -> None:
    """Send `text` to `to_e164` with the configured backend; raise SmsNotSent if it fails."""
    name = current_app.config["SMS_BACKEND"]
    try:
        backend = BACKENDS[name]
    except KeyError:
        raise RuntimeError(f"unknown SMS_BACKEND {name!r}") from None
    backend(to_e164, text)
    log.info("sms sent", extra={"sms_backend": name, "to_suffix": to_e164[-4:]})


def messages_to(phones: list[str], limit: int = 20) -> list[SmsMessage]:
    """The outbox's latest messages to any of `phones`, newest first (for HP Simulasi)."""
    return list(
        db.session.scalars(
            select(SmsMessage).where(SmsMessage.to_phone.in_(phones))
            .order_by(SmsMessage.created_at.desc(), SmsMessage.id.desc()).limit(limit)
        )
    )


def mask_phone(e164: str) -> str:
    """`+6281234567890` → `+62 812-****-7890`: enough to recognise one's own number."""
    national = e164[3:] if e164.startswith("+62") else e164.lstrip("+")
    return f"+62 {national[:3]}-****-{national[-4:]}"
