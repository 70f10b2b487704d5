"""SMS: `send_sms(to_e164, text)` queues a message in the outbox; the relay delivers it.

A request never waits on a gateway. `send_sms` writes the message to the `sms_messages` table in
the caller's transaction (so a rolled-back request sends nothing), and the relay
(portal/jobs/relay.py: run by the scheduler, `flask sms relay`, or the demo's embedded scheduler)
delivers it through the backend chosen by `SMS_BACKEND`, with the gateways below:

- `outbox` (default, the demo): the table IS the phone. HP Simulasi reads it; nothing leaves, and
  a message is delivered the moment it is written.
- `http`: POSTed as JSON to the gateway at `SMS_HTTP_URL` with a bearer token. A failed attempt
  (a 5xx, a 429, a timeout, a refused connection) is tried again later with exponential back-off
  (`SMS_HTTP_BACKOFF` seconds, doubled each time), up to `1 + SMS_HTTP_RETRIES` attempts; a 4xx
  or a redirect gives up at once.
- `memory`: kept in a list on the app, for tests (the tests' phone).

The text of a message is never logged: it may carry a code.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

import requests
from flask import current_app
from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.models import SmsMessage, SmsStatus

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SentSms:
    to: str
    text: str
    at: datetime


class GatewayFailed(Exception):
    """One delivery attempt failed; `retry` says whether another attempt may succeed."""

    def __init__(self, reason: str, retry: bool):
        super().__init__(reason)
        self.reason, self.retry = reason, retry


def _memory(to_e164: str, text: str) -> None:
    current_app.extensions.setdefault("sms_memory", []).append(SentSms(to_e164, text, clock.now()))


def _http(to_e164: str, text: str) -> None:
    config = current_app.config
    url, token = config.get("SMS_HTTP_URL"), config.get("SMS_HTTP_TOKEN")
    if not url or not token:
        raise RuntimeError("SMS_BACKEND=http needs SMS_HTTP_URL and SMS_HTTP_TOKEN to be set")
    try:
        response = requests.post(
            url, json={"to": to_e164, "text": text}, headers={"Authorization": f"Bearer {token}"},
            timeout=config["SMS_HTTP_TIMEOUT"],
            allow_redirects=False,  # never hand the code on to wherever a redirect points
        )
    except (requests.ConnectionError, requests.Timeout) as exc:
        raise GatewayFailed(type(exc).__name__, retry=True) from None  # ConnectTimeout, ReadTimeout, ...
    status = response.status_code
    if not 200 <= status < 300:
        raise GatewayFailed(f"HTTP {status}", retry=status >= 500 or status == 429)


# The gateways the relay delivers through; `outbox` has none: the table is the phone.
GATEWAYS = {"memory": _memory, "http": _http}


def backend() -> str:
    """The configured SMS_BACKEND, checked."""
    name = current_app.config["SMS_BACKEND"]
    if name != "outbox" and name not in GATEWAYS:
        raise RuntimeError(f"unknown SMS_BACKEND {name!r}")
    return name


def delivery_state(now: datetime) -> dict:
    """The columns of a new outbox row: with the `outbox` backend the row is the delivery (sent);
    otherwise it waits for the relay, due at once (wall-clock). For every writer of the outbox."""
    if backend() == "outbox":
        return {"status": SmsStatus.SENT, "attempts": 0, "next_attempt_at": None, "sent_at": now}
    return {"status": SmsStatus.QUEUED, "attempts": 0, "next_attempt_at": clock.real_now(), "sent_at": None}


def send_sms(to_e164: str, text: str) -> None:
    """Queue `text` for `to_e164` in the caller's transaction (flushed, not committed)."""
    now = clock.now()
    db.session.add(SmsMessage(to_phone=to_e164, body=text, created_at=now, **delivery_state(now)))
    db.session.flush()
    log.info("sms queued", extra={"sms_backend": current_app.config["SMS_BACKEND"], "to_suffix": to_e164[-4:]})


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
