"""Two scheduler processes started together: each card revoked once, each reminder sent once.

Two real processes (job_process.py), each with its own connections, run the sweep and then the
reminders through `run_job`, released at one moment. The job lock (a PostgreSQL advisory lock) lets
one of them work at a time: the other's run is "skipped", or comes after and finds nothing left.
Which process does the work is not asserted; the invariants are, and that no two runs of a job overlap.
"""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal.clock import WIB
from portal.extensions import db
from portal.jobs import run_counts
from portal.models import BlacklistEntry, Card, JobRun, LedgerEntry, ReminderSent, SmsMessage, Wave
from portal.services.cards import days_left
from portal.services.ledger import check_ledger
from tests.concurrency.helpers import issue_cards, portal_process, reaped, wait_ready

pytestmark = pytest.mark.postgres

NOW = datetime(2021, 4, 20, 9, 0, tzinfo=WIB)  # the 09:00 WIB reminders run
EXPIRED, DUE = 300, 50


def runs_of(job: str) -> list[JobRun]:
    return list(db.session.scalars(select(JobRun).where(JobRun.job == job).order_by(JobRun.started_at)))


def assert_one_at_a_time(runs: list[JobRun]) -> None:
    """Runs that were not skipped held the lock in turn: each ended before the next began."""
    worked = [run for run in runs if run.status != "skipped"]
    for before, later in zip(worked, worked[1:], strict=False):
        assert before.finished_at <= later.started_at, f"{before.job} ran twice at once: {before.holder} {later.holder}"


def test_two_scheduler_processes_revoke_each_card_once_and_remind_once(app):
    expired = issue_cards(EXPIRED, NOW - timedelta(days=40))
    due = issue_cards(DUE, NOW - timedelta(days=23), first=EXPIRED + 1)
    assert days_left(db.session.get(Card, due[0]), NOW) == 7  # due their 7-day reminder today
    due_phones = set(db.session.scalars(select(Card.phone).where(Card.id.in_(due))))

    with reaped(*(portal_process("tests.concurrency.job_process", NOW.isoformat(), "sweep", "reminders",
                                 application_name=f"portal-scheduler-{n}") for n in (1, 2))) as schedulers:
        for scheduler in schedulers:
            wait_ready(scheduler)
        for scheduler in schedulers:  # both start their jobs at this moment
            scheduler.stdin.write("go\n")
            scheduler.stdin.flush()
        finished = [scheduler.communicate(timeout=60) for scheduler in schedulers]
        for scheduler, (_, errors) in zip(schedulers, finished, strict=True):
            assert scheduler.returncode == 0, errors[-3000:]
    db.session.expire_all()

    # Each expired card revoked once: one return of its balance, one blacklist entry, counted once.
    assert set(db.session.scalars(select(Card.id).where(Card.status == "revoked"))) == set(expired)
    returns = dict(db.session.execute(
        select(LedgerEntry.card_id, func.count()).where(LedgerEntry.kind == "return").group_by(LedgerEntry.card_id)
    ).all())
    assert set(returns) == set(expired) and set(returns.values()) == {1}
    assert db.session.scalar(select(func.count(func.distinct(BlacklistEntry.nik)))) == EXPIRED
    assert db.session.scalar(select(func.count(BlacklistEntry.id))) == EXPIRED
    assert db.session.scalar(select(Wave.revoked_count)) == EXPIRED

    # Each due card reminded once: one reminders_sent row, one SMS in the outbox.
    reminded = db.session.execute(select(ReminderSent.card_id, ReminderSent.days_before)).all()
    assert sorted(reminded) == [(card_id, 7) for card_id in sorted(due)]
    phones = list(db.session.scalars(select(SmsMessage.to_phone)))
    reminded_phones = [phone for phone in phones if phone in due_phones]
    assert len(reminded_phones) == DUE and set(reminded_phones) == due_phones
    # And each revoked holder told once (the sweep's SMS), nobody else.
    expired_phones = set(db.session.scalars(select(Card.phone).where(Card.id.in_(expired))))
    told = [phone for phone in phones if phone not in due_phones]
    assert len(told) == EXPIRED and set(told) == expired_phones

    for job, count, total in (("sweep", "revoked", EXPIRED), ("reminders", "sent", DUE)):
        runs = runs_of(job)
        assert len(runs) == 2 and {run.status for run in runs} <= {"ok", "skipped"}, [r.status for r in runs]
        assert sum(run_counts(run).get(count, 0) for run in runs) == total
        assert_one_at_a_time(runs)
    assert check_ledger().balanced
