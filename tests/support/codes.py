"""Where the journey's codes come from: the phone a code was sent to, whatever the SMS backend.

A code source answers two questions: `mark(phone)`, a marker of what the phone has received so
far (taken before the form that sends a code), and `code_after(phone, mark)`, the code in the
first message after that marker. Three sources, one per backend:

- `MemoryCodes(app)`: the `memory` backend (the tests' default), in-process: it runs the SMS
  relay (`deliver`) before it reads, as the scheduler would;
- `OutboxCodes()`: the `outbox` backend's table (SmsMessage), in-process, in an app context;
- `tests.support.sms_gateway.SmsGateway`: the `http` backend, for a real server.

bench/load.py reads the outbox of a server's database asynchronously with the same two methods.
"""
from __future__ import annotations

import re
from typing import Protocol

CODE = re.compile(r"(?<![\d.])\d{6}(?!\d)")  # six digits, not part of a longer number or an amount


class NoCode(AssertionError):
    """The message has no single code, or none arrived."""


def code_in(text: str) -> str:
    """The one 6-digit code in an SMS text."""
    codes = CODE.findall(text)
    if len(codes) != 1:
        raise NoCode(f"an SMS with {len(codes)} six-digit codes in it, expected one")
    return codes[0]


def deliver(app) -> list:
    """Run the SMS relay once for `app` (what its scheduler does every few seconds) and return
    what the `memory` backend's phone holds. Runs in `app`'s current context if it is the one
    pushed, else in a context of its own (after ending the current one's transaction)."""
    from flask import current_app, has_app_context

    from portal.extensions import db
    from portal.jobs.relay import relay_due

    if has_app_context() and current_app._get_current_object() is app:
        relay_due()
    else:
        if has_app_context():
            db.session.commit()
        with app.app_context():
            relay_due()
    return app.extensions.get("sms_memory", [])


class Codes(Protocol):
    def mark(self, phone: str) -> int: ...

    def code_after(self, phone: str, mark: int) -> str: ...


class MemoryCodes:
    """The `memory` SMS backend's list on the app, after a run of the relay (no waiting)."""

    def __init__(self, app):
        self.app = app

    def _texts(self, phone: str) -> list[str]:
        return [message.text for message in deliver(self.app) if message.to == phone]

    def mark(self, phone: str) -> int:
        return len(self._texts(phone))

    def code_after(self, phone: str, mark: int) -> str:
        texts = self._texts(phone)
        if len(texts) <= mark:
            raise NoCode(f"no SMS sent to {phone} since the code was asked for")
        return code_in(texts[mark])


class OutboxCodes:
    """The `outbox` SMS backend's table, read through the current app context's session."""

    def mark(self, phone: str) -> int:
        from sqlalchemy import func, select

        from portal.extensions import db
        from portal.models import SmsMessage

        return db.session.scalar(select(func.coalesce(func.max(SmsMessage.id), 0))
                                 .where(SmsMessage.to_phone == phone))

    def code_after(self, phone: str, mark: int) -> str:
        from sqlalchemy import select

        from portal.extensions import db
        from portal.models import SmsMessage

        body = db.session.scalar(select(SmsMessage.body).where(SmsMessage.to_phone == phone, SmsMessage.id > mark)
                                 .order_by(SmsMessage.id).limit(1))
        if body is None:
            raise NoCode(f"no SMS to {phone} in the outbox since the code was asked for")
        return code_in(body)
