"""SMS reminders 7, 3 and 1 days before the purchase deadline, to cards that have bought nothing.

A reminder is due on one WIB calendar day only: the day whose date is exactly `days_before` days
before the WIB date of the deadline. A card whose 7-day day passed while the job did not run (the
server was down) never gets a late "7 days left" that would state a wrong number; its next
reminder is the 3-day one, on its own day. "Sent once" is a `reminders_sent` row, unique per card
and `days_before`: the row is the proof, and the database, not the process, decides who sends.
"""
from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import NamedTuple

from flask_babel import ngettext
from sqlalchemy import Integer, exists, insert, literal, select, union_all
from sqlalchemy.exc import IntegrityError

from portal.clock import WIB, today_wib
from portal.extensions import db
from portal.formatting import wib
from portal.models import Card, CardStatus, ReminderSent
from portal.models.types import UTCDateTime

REMINDER_DAYS = (7, 3, 1)


class DueReminder(NamedTuple):
    card_id: int
    phone: str
    deadline_at: datetime
    days_before: int


def _wib_day_window(now: datetime, days_ahead: int) -> tuple[datetime, datetime]:
    """[00:00, 24:00) WIB of the day `days_ahead` after today in WIB, as UTC (WIB has no DST)."""
    start = datetime.combine(today_wib(now) + timedelta(days=days_ahead), time.min, tzinfo=WIB).astimezone(UTC)
    return start, start + timedelta(days=1)


def _still_open():
    return Card.status == CardStatus.ACTIVE, Card.first_purchase_at.is_(None)


def _due_on(now: datetime, days_before: int, after_card_id: int):
    """Cards whose deadline falls on the WIB day `days_before` days from today, not yet reminded."""
    start, end = _wib_day_window(now, days_before)
    return select(
        Card.id.label("card_id"), Card.phone.label("phone"), Card.deadline_at.label("deadline_at"),
        literal(days_before, Integer).label("days_before"),
    ).where(
        *_still_open(),
        Card.deadline_at >= start, Card.deadline_at < end,  # a range on the indexed column
        Card.id > after_card_id,
        ~exists().where(ReminderSent.card_id == Card.id, ReminderSent.days_before == days_before),
    )


def due_reminders(now: datetime, limit: int, after_card_id: int = 0) -> list[DueReminder]:
    """Reminders to send at `now`: up to `limit`, by card id, of cards with id > `after_card_id`.

    Active cards with no purchase whose deadline's WIB date is exactly 7, 3 or 1 days after
    today's WIB date, without a `reminders_sent` row for that card and day count. One statement
    (a UNION ALL of three range scans on `cards.deadline_at`). A card's deadline is on one day,
    so it appears at most once: the card id alone is a cursor for the next batch.
    """
    due = union_all(*(_due_on(now, days, after_card_id) for days in REMINDER_DAYS)).subquery()
    rows = db.session.execute(select(due).order_by(due.c.card_id).limit(limit))
    return [DueReminder(*row) for row in rows]


def reminder_text(days_before: int, deadline_at: datetime) -> str:
    """The SMS, in the current locale, with the deadline as a WIB wall-clock time."""
    return ngettext(
        "SIMULATION Prakerja: %(num)d day left to buy your first training. Deadline: %(deadline)s. "
        "After it the card is revoked.",
        "SIMULATION Prakerja: %(num)d days left to buy your first training. Deadline: %(deadline)s. "
        "After it the card is revoked.",
        days_before, deadline=wib(deadline_at),
    )


def record_and_text(card_id: int, days_before: int, deadline_at: datetime, now: datetime) -> str | None:
    """Record the reminder as sent (flush, in a savepoint) and return its text; None if not to send.

    None when another process already recorded it (the unique constraint refuses the row; on
    PostgreSQL the INSERT first waits for that process to commit or roll back), or when the card
    bought or was revoked since it was found due (the INSERT ... SELECT is guarded). The caller
    sends the SMS and commits, or rolls back if the SMS fails, so the reminder is due again.
    """
    still_due = select(literal(card_id, Integer), literal(days_before, Integer), literal(now, UTCDateTime())).where(
        Card.id == card_id, *_still_open()
    )
    try:
        with db.session.begin_nested():
            recorded = db.session.execute(
                insert(ReminderSent).from_select(["card_id", "days_before", "sent_at"], still_due)
                # SQLAlchemy keeps the row count of an INSERT only when asked (psycopg: -1 otherwise)
                .execution_options(preserve_rowcount=True)
            ).rowcount
    except IntegrityError:
        return None
    if recorded != 1:
        return None
    return reminder_text(days_before, deadline_at)
