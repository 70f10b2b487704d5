"""The one clock. Every "now" in the portal comes from here, in UTC; WIB is for people.

Tests move time with time-machine. In demo mode the presenter can move the portal's time with an
offset, forward or back (the April 2021 scenario stands years in the past). The offset is kept in the
database and shared by every process of the demo: a process that reads it (`share_offset`) re-reads it
at most once a second, so a change made by another process shows within about a second and a burst of
`now()` calls costs one query. Without a shared source (production) the offset is zero and `now()`
pays one `is None` test.
"""
from __future__ import annotations

import logging
import time as _time
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")
REFRESH_SECONDS = 1.0  # how stale a process's view of the shared offset may be

log = logging.getLogger(__name__)

_offset = timedelta(0)
_source: Callable[[], timedelta] | None = None
_next_read = 0.0  # time.monotonic() after which the source is read again


def now() -> datetime:
    """The current instant, timezone-aware, in UTC (plus the demo offset, if any)."""
    if _source is not None:
        _read_source_if_due()
    return datetime.now(UTC) + _offset


def real_now() -> datetime:
    """Wall-clock UTC now, without the demo offset: for what must not move with the demo clock
    (session timeouts, job leases, the scheduler's timetable)."""
    return datetime.now(UTC)


def offset() -> timedelta:
    """How far the demo clock is moved from real time (negative: the portal stands in the past)."""
    if _source is not None:
        _read_source_if_due()
    return _offset


def set_offset(value: timedelta) -> None:
    """Move the portal's time in this process (demo mode only; the caller checks and persists it).
    The shared source is not read for the next second: the change may not be committed yet."""
    global _offset, _next_read
    _offset = value
    _next_read = _time.monotonic() + REFRESH_SECONDS


def share_offset(source: Callable[[], timedelta] | None) -> None:
    """Follow a shared offset: `source()` returns the stored one and is called at most once per
    REFRESH_SECONDS (and at once now). None stops following (the offset stays as last read)."""
    global _source, _next_read
    _source, _next_read = source, 0.0
    if source is not None:
        _read_source_if_due()


def refresh() -> None:
    """Read the shared offset now, whatever the last read (after this process changed it)."""
    global _next_read
    _next_read = 0.0
    if _source is not None:
        _read_source_if_due()


def _read_source_if_due() -> None:
    global _next_read, _offset
    moment = _time.monotonic()
    source = _source
    if source is None or moment < _next_read:
        return
    _next_read = moment + REFRESH_SECONDS  # set first: a failing source is not hammered
    try:
        _offset = source()
    except Exception as error:  # the database away for a moment: keep the last known time
        log.warning("Demo clock not read, keeping the last offset: %s", error)


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


def midnight_wib(day: date) -> datetime:
    """00:00:00 WIB at the start of `day`, as a UTC instant."""
    return datetime.combine(day, time.min, tzinfo=WIB).astimezone(UTC)
