"""Deadline reminders: 7, 3 and 1 days before, on WIB days, once each; a gateway down only delays the SMS."""
import re
import threading
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from portal import clock as portal_clock
from portal.clock import WIB
from portal.extensions import db
from portal.jobs.relay import relay_due
from portal.jobs.reminders import send_deadline_reminders
from portal.models import Card, ReminderSent, SmsMessage
from portal.services.reminders import due_reminders, record_and_text
from tests.factories import create_card, mark_bought

ACCEPTED = datetime(2021, 3, 9, 3, 0, tzinfo=UTC)  # Selasa, 9 Maret 2021 10.00 WIB
DEADLINE_DAY = datetime(2021, 4, 8).date()  # wave 13's: Kamis, 8 April 2021 23.59 WIB
DEADLINE_TEXT = "Kamis, 8 April 2021 23.59 WIB"


def _card(n: int = 1, accepted_at: datetime = ACCEPTED) -> Card:
    return create_card(nik=f"327301450895{n:04d}", phone=f"+62812345600{n:02d}", accepted_at=accepted_at)


def _days_before(days: int, at: time = time(12)) -> datetime:
    """A WIB wall-clock time `days` calendar days before the deadline's day."""
    return datetime.combine(DEADLINE_DAY - timedelta(days=days), at, tzinfo=WIB)


def _run(clock, when: datetime) -> dict[str, int]:
    clock.move_to(when)
    return send_deadline_reminders(portal_clock.now())


def _rows() -> int:
    return db.session.scalar(select(func.count(ReminderSent.id)))


def test_reminders_go_out_on_the_7th_3rd_and_1st_wib_day_before_the_deadline(app, clock, sms):
    card = _card()
    assert card.deadline_at == datetime(2021, 4, 8, 16, 59, 59, tzinfo=UTC)
    sent_on = [days for days in range(10, -1, -1) if _run(clock, _days_before(days))["sent"]]
    assert sent_on == [7, 3, 1]
    texts = [m.text for m in sms.sent]
    assert len(texts) == 3 and all(m.to == card.phone for m in sms.sent)
    for days, text in zip((7, 3, 1), texts, strict=True):
        assert DEADLINE_TEXT in text
        assert re.search(rf"\b{days}\b", text)
        assert "SIMULA" in text  # SIMULATION / SIMULASI: the honesty rule
    assert sorted(db.session.scalars(select(ReminderSent.days_before))) == [1, 3, 7]


@pytest.mark.parametrize(("when", "expected"), [
    (datetime(2021, 3, 31, 16, 59, 59, tzinfo=UTC), 0),  # Rabu 31 Maret 23.59.59 WIB: still 8 days
    (datetime(2021, 3, 31, 17, 0, tzinfo=UTC), 1),  # Kamis 1 April 00.00 WIB, though 31 March in UTC
    (datetime(2021, 4, 1, 16, 59, 59, tzinfo=UTC), 1),  # Kamis 1 April 23.59.59 WIB
    (datetime(2021, 4, 1, 17, 0, tzinfo=UTC), 0),  # Jumat 2 April 00.00 WIB: 6 days
])
def test_the_day_is_the_wib_day_not_the_utc_day(app, clock, sms, when, expected):
    _card()
    assert _run(clock, when) == {"sent": expected}


@pytest.mark.parametrize("days", [8, 6, 5, 4, 2, 0])
def test_no_reminder_on_other_days(app, clock, sms, days):
    _card()
    assert _run(clock, _days_before(days)) == {"sent": 0}
    assert sms.sent == [] and _rows() == 0


def test_a_missed_day_is_not_made_up_later_with_a_wrong_count(app, clock, sms):
    _card()  # the job did not run on day 7 (the server was down)
    assert _run(clock, _days_before(6))["sent"] == 0
    assert _run(clock, _days_before(3))["sent"] == 1
    assert re.search(r"\b3\b", sms.sent[-1].text)


def test_cards_that_bought_or_were_revoked_get_nothing(app, clock, sms):
    bought, revoked, open_card = _card(1), _card(2), _card(3)
    mark_bought(bought, ACCEPTED + timedelta(days=2))
    revoked.status = "revoked"
    db.session.commit()
    assert _run(clock, _days_before(7)) == {"sent": 1}
    assert [m.to for m in sms.sent] == [open_card.phone]


def test_each_reminder_is_sent_once_even_if_the_job_runs_twice(app, clock, sms):
    _card()
    assert _run(clock, _days_before(7, time(8))) == {"sent": 1}
    assert _run(clock, _days_before(7, time(20))) == {"sent": 0}
    assert len(sms.sent) == 1 and _rows() == 1


def test_a_gateway_down_delays_the_sms_never_the_reminder(app, clock, make_app):
    """The reminder and its SMS are queued together; the relay retries the SMS when the gateway is back."""
    card = _card()
    clock.move_to(_days_before(1))
    down = make_app(SMS_BACKEND="http", SMS_HTTP_URL="http://127.0.0.1:9/sms", SMS_HTTP_TOKEN="t",
                    SMS_HTTP_RETRIES=1, SMS_HTTP_TIMEOUT=1, SMS_HTTP_BACKOFF=0)
    with down.app_context():
        assert send_deadline_reminders(portal_clock.now()) == {"sent": 1}
        assert relay_due() == {"retrying": 1}  # the gateway is down: the SMS waits in the queue
        assert _rows() == 1
    assert send_deadline_reminders(portal_clock.now()) == {"sent": 0}  # queued once, never twice
    [queued] = db.session.scalars(select(SmsMessage)).all()
    assert (queued.to_phone, queued.status, queued.attempts) == (card.phone, "queued", 1)


def test_batches_cover_every_card(app, clock, sms):
    for n in range(1, 6):
        _card(n)
    clock.move_to(_days_before(3))
    assert send_deadline_reminders(portal_clock.now(), batch_size=2) == {"sent": 5}
    assert send_deadline_reminders(portal_clock.now(), batch_size=2) == {"sent": 0}
    assert len(sms.sent) == 5 and _rows() == 5


def test_a_reminder_recorded_meanwhile_by_another_run_is_not_sent_again(app, clock):
    card = _card()
    clock.move_to(_days_before(7))
    now = portal_clock.now()
    [due] = due_reminders(now, 10)
    assert (due.card_id, due.days_before, due.deadline_at) == (card.id, 7, card.deadline_at)
    db.session.add(ReminderSent(card_id=card.id, days_before=7, sent_at=now))  # the other run
    db.session.commit()
    assert record_and_text(due.card_id, due.days_before, due.deadline_at, now) is None
    db.session.rollback()
    assert _rows() == 1


def test_a_card_that_bought_meanwhile_is_not_reminded(app, clock):
    card = _card()
    clock.move_to(_days_before(7))
    [due] = due_reminders(portal_clock.now(), 10)
    mark_bought(card, portal_clock.now())
    db.session.commit()
    assert record_and_text(due.card_id, due.days_before, due.deadline_at, portal_clock.now()) is None


def test_two_runs_at_once_send_each_reminder_once(app, clock, sms):
    cards = [_card(n) for n in range(1, 9)]
    clock.move_to(_days_before(7))
    barrier, results = threading.Barrier(2), []

    def run():
        with app.app_context():
            barrier.wait()
            try:
                results.append(send_deadline_reminders(portal_clock.now(), batch_size=3))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sum(r["sent"] for r in results) == len(cards) and len(results) == 2
    assert sorted(m.to for m in sms.sent) == sorted(c.phone for c in cards)
    assert _rows() == len(cards)


def test_the_job_runner_records_the_counts(app, clock, sms):
    from portal.jobs import run_counts, run_job

    _card()
    clock.move_to(_days_before(7, time(9)))
    run = run_job("reminders", "manual")
    assert run.status == "ok" and run_counts(run) == {"sent": 1}
    db.session.rollback()  # end the read above: on SQLite it would block the lease's commit (as the admin view does)
    assert run_counts(run_job("reminders", "manual")) == {"sent": 0}
