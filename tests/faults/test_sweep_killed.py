"""The scheduler killed mid-sweep (SIGKILL, no goodbye): the next run finishes the work and doubles nothing.

A real process (slow_sweep.py) commits its first batch, then is killed while its second batch is
written but not committed. PostgreSQL rolls that batch back and, as the process's sessions end,
releases the job's advisory lock; a new run takes the lock and revokes the rest, each card once.
"""
import signal
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal.clock import WIB
from portal.extensions import db
from portal.jobs import run_counts, run_job
from portal.jobs.locks import job_lock
from portal.models import BlacklistEntry, Card, JobRun, LedgerEntry, Wave
from portal.services.ledger import check_ledger
from tests.concurrency.helpers import issue_cards, portal_process, reaped, require_postgres, sessions, wait_until

pytestmark = pytest.mark.postgres

NOW = datetime(2021, 4, 20, 0, 5, tzinfo=WIB)
CARDS, BATCH = 200, 20
KILLED = "portal-sweep-killed"  # application_name of the doomed process's connections


def revoked() -> int:
    return db.session.scalar(select(func.count(Card.id)).where(Card.status == "revoked"))


def test_a_sweep_killed_mid_batch_is_finished_by_the_next_run_doubling_nothing(app):
    require_postgres("on SQLite the job lock is a lease row that outlives a killed holder until its TTL")
    cards = issue_cards(CARDS, NOW - timedelta(days=40))

    with reaped(portal_process("tests.faults.slow_sweep", NOW.isoformat(), str(BATCH), "60",
                               application_name=KILLED)) as (doomed,):
        # Its first batch committed, its second written and waiting for its commit:
        wait_until(lambda: revoked() >= BATCH and sessions(KILLED, state="idle in transaction"),
                   "the first batch to commit and the second to be in flight", timeout=30)
        with job_lock("sweep") as acquired:
            assert not acquired, "the sweeping process should hold the job's lock"
        doomed.send_signal(signal.SIGKILL)
        assert doomed.wait(timeout=10) == -signal.SIGKILL

    wait_until(lambda: not sessions(KILLED), "PostgreSQL to end the killed process's sessions")
    assert revoked() == BATCH  # the second batch was rolled back with the connection
    [crashed] = db.session.scalars(select(JobRun))
    assert (crashed.status, crashed.finished_at) == ("running", None)  # the crash stays visible

    again = run_job("sweep", "cli", NOW)
    assert again.status == "ok", "the dead process's lock should have been released"  # not "skipped"
    assert run_counts(again) == {"revoked": CARDS - BATCH, "returned": (CARDS - BATCH) * 1_000_000,
                                 "blacklisted": CARDS - BATCH}

    db.session.expire_all()
    assert set(db.session.scalars(select(Card.id).where(Card.status == "revoked"))) == set(cards)
    returns = db.session.execute(
        select(LedgerEntry.card_id, func.count()).where(LedgerEntry.kind == "return").group_by(LedgerEntry.card_id)
    ).all()
    assert len(returns) == CARDS and {n for _, n in returns} == {1}
    assert db.session.scalar(select(func.count(func.distinct(BlacklistEntry.nik)))) == CARDS
    assert db.session.scalar(select(func.count(BlacklistEntry.id))) == CARDS
    assert db.session.scalar(select(Wave.revoked_count)) == CARDS
    assert check_ledger().balanced
