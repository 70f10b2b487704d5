"""The demo clock: the presenter (or a scenario) puts the portal's time where the story needs it.

The offset from real time lives in the one `DemoClock` row, so it survives a restart and every
process of the demo (the embedded scheduler, the CLI, gunicorn workers) reads the same one:
`register_demo_clock` makes `portal.clock` follow the row, re-reading it at most once a second. Demo
mode only: the admin routes that call this 404 otherwise, and production refuses DEMO_MODE altogether.

The offset may be negative: a scenario stands in April 2021 (`set_demo_time`). The presenter's
controls only move the time forward, except back to the scenario's start or back to real time, since
cards, payments and revocations stamped at the portal's time would otherwise lie in its future.
"""
from __future__ import annotations

import math
from datetime import datetime, timedelta

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, inspect, select

from portal import clock, labels
from portal.extensions import db
from portal.formatting import wib
from portal.models import Card, CardStatus, DemoClock, Wave
from portal.services import DomainError
from portal.services.audit import Actor, record
from portal.services.cards import deadline_for, open_deadline_after
from portal.shared_clock import ROW_ID, follow_demo_clock

STEPS = {"1d": timedelta(days=1), "7d": timedelta(days=7)}  # the presenter's fixed steps
JUST_BEFORE_MIDNIGHT = timedelta(seconds=30)  # 23:59:30 WIB: half a minute to watch midnight come


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


def _offset_to(moment: datetime) -> int:
    """Whole seconds from real time to `moment`, rounded to the nearest."""
    return round((moment - clock.real_now()).total_seconds())


def set_demo_time(moment: datetime, start: bool = False) -> timedelta:
    """The portal's time becomes `moment` now, then runs on in real time; return the offset. Flushes.

    Any moment, past or future: this is for a scenario that builds its world stamped at `moment`.
    `start=True` also remembers `moment` as the scenario's start, where `back_to_start` returns.
    """
    row = _row()
    if start:
        row.start_at = moment
    return _persist(row, _offset_to(moment))


def move_demo_clock(step: timedelta) -> timedelta:
    """Move the portal's time forward by `step` from where it is now; return the new offset. Flushes.

    Only forward: what happened at the portal's time (a card bought, a card revoked) must not lie in
    its future. Going back means `back_to_start` or `reset_demo_clock`.
    """
    if step <= timedelta(0):
        raise DomainError(_l("The demo clock only moves forward; go back to the scenario's start or to real time."))
    row = _row()
    seconds = (row.offset_seconds or 0) + math.ceil(step.total_seconds())  # whole seconds, never short
    return _persist(row, seconds)


def jump_demo_clock_to(moment: datetime, now: datetime) -> timedelta:
    """Move the portal's time forward to `moment` (a later instant than `now`). Flushes."""
    if moment <= now:
        raise DomainError(
            _l("That moment has already passed on the portal's clock; the demo clock only moves forward."))
    return move_demo_clock(moment - now)


def next_midnight_wib(now: datetime) -> datetime:
    """00:00:00 WIB of the day after today (WIB)."""
    return clock.midnight_wib(clock.today_wib(now) + timedelta(days=1))


def wave_deadline(wave: Wave) -> datetime | None:
    """The last second (23:59:59 WIB) in which wave `wave`'s cards may buy a first training, in UTC.

    From the wave's acceptance day (no card is read); None for a wave with no cards yet.
    """
    return deadline_for(wave.accepted_on) if wave.cards_issued else None


def waves_with_deadline_ahead(now: datetime) -> list[tuple[Wave, datetime]]:
    """The waves whose deadline day's 23:59:30 WIB is still ahead of `now`, by wave number."""
    waves = db.session.scalars(select(Wave).order_by(Wave.number))
    found = []
    for wave in waves:
        deadline = wave_deadline(wave)
        if deadline is not None and just_before_deadline(deadline) > now:
            found.append((wave, deadline))
    return found


def just_before_deadline(deadline: datetime) -> datetime:
    """23:59:30 WIB on the deadline's day: half a minute before the sweep may revoke."""
    return deadline + timedelta(seconds=1) - JUST_BEFORE_MIDNIGHT


def jump_to_wave_deadline(wave_number: int, now: datetime) -> datetime:
    """Move the portal's time to 23:59:30 WIB on wave `wave_number`'s deadline day; return that moment.
    Refused for an unknown wave, a wave with no cards, or a deadline day already past."""
    wave = db.session.scalar(select(Wave).where(Wave.number == wave_number))
    if wave is None:
        raise DomainError(_l("There is no wave %(n)d.", n=wave_number), "wave")
    deadline = wave_deadline(wave)
    if deadline is None:
        raise DomainError(_l("Wave %(n)d has no cards, so no deadline.", n=wave_number), "wave")
    target = just_before_deadline(deadline)
    if target <= now:
        raise DomainError(_l("Wave %(n)d's deadline has already passed on the portal's clock.", n=wave_number), "wave")
    jump_demo_clock_to(target, now)
    return target


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


def scenario_start() -> datetime | None:
    """The scenario's starting moment, if a scenario set one."""
    row = db.session.get(DemoClock, ROW_ID)
    return row.start_at if row else None


def back_to_start() -> datetime:
    """Back to the scenario's start (the one way back in time besides real time). Flushes.
    What happened since stays: rebuild the scenario to replay it from scratch."""
    start = scenario_start()
    if start is None:
        raise DomainError(_l("No scenario has set a starting moment; the clock can only go back to real time."))
    set_demo_time(start)
    return start


def reset_demo_clock() -> None:
    """Back to real time: offset zero (the scenario's start is kept). Flushes."""
    _persist(_row(), 0)


def use_demo_clock_control(actor: Actor, control: str, now: datetime, wave_number: int | None = None) -> bool:
    """One of the presenter's controls (labels.DEMO_CLOCK_CONTROL, or "wave" with `wave_number`), written
    to the audit log in words: which control, the portal's time before and after. Flushes. False when
    nothing moved ("deadline" with no card waiting); a refusal raises DomainError and moves nothing."""
    if control == "wave":
        jump_to_wave_deadline(wave_number, now)
        words = labels.WAVE_DEADLINE_CONTROL % {"n": wave_number}
    else:
        if control == "midnight":
            jump_demo_clock_to(next_midnight_wib(now), now)
        elif control in STEPS:
            move_demo_clock(STEPS[control])
        elif control == "deadline":
            if move_demo_clock_past_next_deadline(now) is None:
                return False
        elif control == "start":
            back_to_start()
        elif control == "reset":
            reset_demo_clock()
        else:
            raise ValueError(f"unknown demo clock control {control!r}")
        words = labels.DEMO_CLOCK_CONTROL[control]
    record(actor, "demo_clock.move", "demo_clock", now, control=str(words), before=wib(now), after=wib(clock.now()))
    return True


def load_demo_clock() -> timedelta:
    """Set `portal.clock`'s offset from the stored row (zero if there is none); return it."""
    seconds = db.session.scalar(select(DemoClock.offset_seconds).where(DemoClock.id == ROW_ID))
    offset = timedelta(seconds=seconds or 0)
    clock.set_offset(offset)
    return offset


def register_demo_clock(app: Flask) -> None:
    """At start-up in demo mode: load the stored offset and follow it. A database not migrated yet
    (no table, e.g. before `flask db upgrade`) means real time, not a crash."""
    with app.app_context():
        if inspect(db.engine).has_table(DemoClock.__tablename__):
            load_demo_clock()
        else:
            clock.share_offset(None)
            clock.set_offset(timedelta(0))
            return
    follow_demo_clock(app)  # after the app context: its session, and so its transaction, has ended
