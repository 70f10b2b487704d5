"""The SMS relay: what delivers the outbox (portal/services/sms.py) through the configured gateway.

It claims due rows in a short transaction (`FOR UPDATE SKIP LOCKED` on PostgreSQL; on SQLite,
which has one writer at a time, a guarded UPDATE per row), commits, calls the gateway with no
transaction or connection held, then records the outcome in another short transaction. A claim is
a lease (`SMS_RELAY_LEASE` seconds, far longer than a gateway call): two relays never hold one
message at once, and a relay that died mid-call leaves its messages to be tried again after it.
Once delivered by a gateway, or given up, a message's text (it carries a code) is erased; the text
is never logged.

It runs as the scheduler's `sms-relay` entry, as `flask sms relay`, and in `make run`'s embedded
scheduler. Not a `JOBS` entry: it runs every few seconds (SMS_RELAY_INTERVAL), so it neither writes a
`JobRun` row each time (the queue is its own record: `sms_messages.status`, `attempts`,
`last_error`) nor takes a job lock (the relay's claims already keep two relays off one message,
so several may run at once). It logs only when it moved something.
"""
from __future__ import annotations

import logging
import signal
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select, update

from portal import clock
from portal.extensions import db
from portal.logs import describe_error
from portal.models import SmsMessage, SmsStatus
from portal.services.sms import GATEWAYS, GatewayFailed, backend

log = logging.getLogger(__name__)

CLAIM_BATCH = 50  # messages one relay claims at once
_CLAIMABLE = (SmsStatus.QUEUED, SmsStatus.SENDING)  # "sending" only once its lease has run out


@dataclass(frozen=True)
class _Claimed:
    id: int
    to: str
    text: str
    attempt: int


def _claim(now: datetime, limit: int) -> list[_Claimed]:
    """Take up to `limit` due messages for this relay, in one short transaction (committed)."""
    lease = timedelta(seconds=current_app.config["SMS_RELAY_LEASE"])
    due = db.session.execute(
        select(SmsMessage.id, SmsMessage.to_phone, SmsMessage.body, SmsMessage.attempts)
        .where(SmsMessage.status.in_(_CLAIMABLE), SmsMessage.next_attempt_at <= now)
        .order_by(SmsMessage.next_attempt_at, SmsMessage.id).limit(limit)
        .with_for_update(skip_locked=True)  # PostgreSQL: another relay's rows are skipped, not waited for
    ).all()
    claimed = []
    for row in due:
        # Guarded: on SQLite (no row locks) a relay that read the same row loses here.
        taken = db.session.execute(
            update(SmsMessage)
            .where(SmsMessage.id == row.id, SmsMessage.status.in_(_CLAIMABLE), SmsMessage.attempts == row.attempts,
                   SmsMessage.next_attempt_at <= now)
            .values(status=SmsStatus.SENDING, attempts=row.attempts + 1, next_attempt_at=now + lease)
            .execution_options(synchronize_session=False)
        ).rowcount
        if taken == 1:
            claimed.append(_Claimed(row.id, row.to_phone, row.body, row.attempts + 1))
    db.session.commit()
    return claimed


def _record(message: _Claimed, now: datetime, failure: GatewayFailed | None) -> str:
    """Write one attempt's outcome (only if this relay still holds the claim); returns the status."""
    config = current_app.config
    if failure is None:
        values = {"status": SmsStatus.SENT, "sent_at": clock.now(), "body": "", "last_error": None,
                  "next_attempt_at": None}
    elif failure.retry and message.attempt < 1 + config["SMS_HTTP_RETRIES"]:
        wait = config["SMS_HTTP_BACKOFF"] * 2 ** (message.attempt - 1)
        values = {"status": SmsStatus.QUEUED, "next_attempt_at": now + timedelta(seconds=wait),
                  "last_error": failure.reason}
    else:  # given up: the code in it is of no use to anyone any more
        values = {"status": SmsStatus.FAILED, "body": "", "last_error": failure.reason, "next_attempt_at": None}
    db.session.execute(
        update(SmsMessage)
        .where(SmsMessage.id == message.id, SmsMessage.status == SmsStatus.SENDING,
               SmsMessage.attempts == message.attempt)
        .values(**values).execution_options(synchronize_session=False)
    )
    db.session.commit()
    return values["status"]


def relay_due(limit: int = CLAIM_BATCH) -> dict[str, int]:
    """Deliver the queued messages that are due, through the configured gateway.

    Needs an app context; commits `db.session` (its own short transactions, none held during a
    gateway call). Returns counts {"sent", "retrying", "failed"} (empty keys left out).
    """
    name = backend()
    if name == "outbox":
        return {}
    gateway = GATEWAYS[name]
    db.session.commit()  # start from no open transaction (SQLite: a read would block the claim)
    counts: dict[str, int] = {}
    while True:
        claimed = _claim(clock.real_now(), limit)  # committed: no transaction, the connection back in the pool
        for message in claimed:
            failure = None
            try:
                gateway(message.to, message.text)
            except GatewayFailed as error:
                failure = error
                # Only these fields: the text carries a code, the URL or headers may carry the token.
                log.warning("sms gateway failed", extra={
                    "sms_backend": name, "attempt": message.attempt, "status": error.reason,
                    "to_suffix": message.to[-4:]})
            status = _record(message, clock.real_now(), failure)
            counts[status] = counts.get(status, 0) + 1
            if status == SmsStatus.FAILED:
                log.error("sms given up", extra={"sms_backend": name, "attempt": message.attempt,
                                                 "to_suffix": message.to[-4:]})
        if len(claimed) < limit:
            return {("retrying" if key == SmsStatus.QUEUED else str(key)): value for key, value in counts.items()}



def relay_once(app: Flask) -> dict[str, int]:
    """One pass in a fresh app context (its own database session); errors are logged, not raised."""
    with app.app_context():
        try:
            counts = relay_due()
        except Exception as error:  # the database down, a misconfiguration: try again next time
            log.error("SMS relay could not run: %s", describe_error(error))
            return {}
    if counts:
        log.info("sms relay: %s", ", ".join(f"{key}={value}" for key, value in sorted(counts.items())))
    return counts


sms_cli = AppGroup("sms", help="The SMS outbox: relay queued messages to the gateway.")


@sms_cli.command("relay")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
def relay_command(once: bool) -> None:
    """Deliver queued SMS every SMS_RELAY_INTERVAL seconds until interrupted (or once)."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = current_app._get_current_object()
    if once:
        counts = relay_once(app)
        click.echo(", ".join(f"{key}={value}" for key, value in sorted(counts.items())) or "nothing to send")
        return
    stop = threading.Event()
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: stop.set()) if in_main_thread else None
    click.echo("SMS relay running (Ctrl+C to stop).")
    try:
        while not stop.is_set():
            started = time.monotonic()
            relay_once(app)
            stop.wait(max(0.0, app.config["SMS_RELAY_INTERVAL"] - (time.monotonic() - started)))
    except KeyboardInterrupt:
        pass
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)
    click.echo("SMS relay stopped.")
