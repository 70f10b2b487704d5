"""The one clock. Every "now" in the portal comes from here, in UTC; WIB is for people.

Tests move time with time-machine; the demo clock (a later issue) adds an offset here.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")


def now() -> datetime:
    """The current instant, timezone-aware, in UTC."""
    return datetime.now(UTC)


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


def days_after(moment: datetime, days: int) -> date:
    """The WIB calendar date `days` days after the WIB date of `moment`."""
    return today_wib(moment) + timedelta(days=days)
