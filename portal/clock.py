"""The one clock. Every "now" in the portal comes from here, in UTC; WIB is for people.

Tests move time with time-machine. In demo mode the presenter can move the portal's time with
an offset (kept in the database, loaded at start; see portal/services/democlock.py); it is
always zero otherwise.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")
_offset = timedelta(0)


def now() -> datetime:
    """The current instant, timezone-aware, in UTC (plus the demo offset, if any)."""
    return datetime.now(UTC) + _offset


def real_now() -> datetime:
    """Wall-clock UTC now, without the demo offset: for what must not move with the demo clock
    (session timeouts, job leases, the scheduler's timetable)."""
    return now() - _offset


def offset() -> timedelta:
    """How far the demo clock is moved from real time."""
    return _offset


def set_offset(value: timedelta) -> None:
    """Move the portal's time (demo mode only; the caller checks and persists it)."""
    global _offset
    _offset = value


def to_wib(moment: datetime) -> datetime:
    """The same instant on a Jakarta wall clock."""
    return moment.astimezone(WIB)


def today_wib(moment: datetime | None = None) -> date:
    """The calendar date in Jakarta at `moment` (default: now)."""
    return to_wib(moment or now()).date()


def end_of_day_wib(day: date) -> datetime:
    """23:59:59 WIB on `day`, as a UTC instant: the programme's deadlines end there."""
    last_second = datetime.combine(day, time(23, 59, 59), tzinfo=WIB)
    return last_second.astimezone(UTC)
