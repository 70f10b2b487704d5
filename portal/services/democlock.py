"""The demo clock: the presenter moves the portal's time forward to show a card being revoked live.

The offset lives in the one `DemoClock` row, so it survives a restart, and in `portal.clock`, which
every "now" reads. Demo mode only: the admin routes that call this 404 otherwise, and production
refuses DEMO_MODE altogether. The offset is process-global: the demo runs in one process.
"""
from __future__ import annotations

import math
from datetime import datetime, timedelta

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, inspect, select

from portal import clock
from portal.extensions import db
from portal.models import Card, CardStatus, DemoClock
from portal.services import DomainError
from portal.services.cards import open_deadline_after

ROW_ID = 1  # the single row


def _row() -> DemoClock:
    row = db.session.get(DemoClock, ROW_ID)
    if row is None:
        row = DemoClock(id=ROW_ID, offset_seconds=0)
        db.session.add(row)
    return row


def _persist(row: DemoClock, seconds: int) -> timedelta:
    row.offset_seconds = seconds
    db.session.flush()
    offset = timedelta(seconds=seconds)
    clock.set_offset(offset)
    return offset


def move_demo_clock(step: timedelta) -> timedelta:
    """Move the portal's time by `step` from where it is now; return the new offset. Flushes.

    The offset never goes negative: the portal never pretends to be earlier than real time, because
    accounts, cards and codes stamped in real time would then lie in its future and deadlines and
    code lifetimes would count backwards. Going back means `reset_demo_clock`, to real time.
    """
    row = _row()
    seconds = (row.offset_seconds or 0) + math.ceil(step.total_seconds())  # whole seconds, never short
    if seconds < 0:
        raise DomainError(_l("The demo clock cannot go back before real time."))
    return _persist(row, seconds)


def move_demo_clock_past_next_deadline(now: datetime) -> timedelta | None:
    """Move time to the first second after the nearest open purchase deadline (00:00:00 WIB the
    next day), so the next sweep revokes that card. None (nothing moved) if no card is waiting."""
    deadline = db.session.scalar(
        select(func.min(Card.deadline_at)).where(
            Card.status == CardStatus.ACTIVE, Card.first_purchase_at.is_(None),
            Card.deadline_at > open_deadline_after(now),
        )
    )
    if deadline is None:
        return None
    return move_demo_clock(deadline + timedelta(seconds=1) - now)


def reset_demo_clock() -> None:
    """Back to real time: offset zero. Flushes."""
    _persist(_row(), 0)


def load_demo_clock() -> timedelta:
    """Set `portal.clock`'s offset from the stored row (zero if there is none); return it."""
    row = db.session.get(DemoClock, ROW_ID)
    offset = timedelta(seconds=row.offset_seconds if row and row.offset_seconds else 0)
    clock.set_offset(offset)
    return offset


def register_demo_clock(app: Flask) -> None:
    """At start-up in demo mode: load the stored offset. A database not migrated yet (no table,
    e.g. before `flask db upgrade`) means real time, not a crash."""
    with app.app_context():
        if inspect(db.engine).has_table(DemoClock.__tablename__):
            load_demo_clock()
        else:
            clock.set_offset(timedelta(0))
