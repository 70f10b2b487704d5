"""The job lock: one holder at a time, so two schedulers (or a button beside one) never both act."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, text, update

from portal import clock as portal_clock
from portal.extensions import db
from portal.jobs import run_job
from portal.jobs.locks import advisory_key, job_lock, process_name
from portal.models import JobLease, JobRun
from tests.jobs import fake_job, in_thread


def try_lock(name: str = "x") -> bool:
    with job_lock(name) as acquired:
        return acquired


def lease_row(name: str = "x") -> tuple:
    # Read on a connection of its own, closed at once: on SQLite a read left open in the test's
    # session would hold up the lease's release (a commit on another connection).
    with db.engine.connect() as conn:
        return tuple(conn.execute(select(JobLease.holder, JobLease.expires_at).where(JobLease.name == name)).one())


@pytest.fixture
def sqlite_only(app):
    if db.engine.dialect.name == "postgresql":
        pytest.skip("lease rows are the SQLite lock")


@pytest.fixture
def postgres_only(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")


def test_a_held_lock_refuses_others_until_released(app):
    with job_lock("x") as first:
        assert first
        assert in_thread(app, try_lock) is False
        assert in_thread(app, lambda: try_lock("y")) is True  # each job has its own lock
    assert in_thread(app, try_lock) is True


def test_the_lock_is_released_when_the_block_fails(app):
    with pytest.raises(RuntimeError), job_lock("x"):
        raise RuntimeError("crash")
    assert in_thread(app, try_lock) is True


def test_a_job_whose_lock_is_held_is_skipped_and_not_run(app, monkeypatch):
    calls = fake_job(monkeypatch)
    with job_lock("x"):
        assert in_thread(app, lambda: run_job("x", "scheduled").status) == "skipped"
    assert calls == []
    run = db.session.scalar(select(JobRun))
    assert (run.status, run.counts, run.error) == ("skipped", "{}", None)
    assert run.finished_at == run.started_at


def test_the_job_lock_keeps_a_second_scheduler_idle(app, monkeypatch):
    """Two schedulers fire the same job at the same moment: one runs it, the other is turned away."""
    turned_away = threading.Event()

    def slow(now):
        turned_away.wait(timeout=5)  # hold the lock until the other one has been refused
        return {"done": 1}

    calls = fake_job(monkeypatch, function=slow)
    start = threading.Barrier(2)
    statuses = []

    def scheduler():
        with app.app_context():
            start.wait()
            status = run_job("x", "scheduled").status
            statuses.append(status)
            if status == "skipped":
                turned_away.set()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(statuses) == ["ok", "skipped"] and len(calls) == 1
    assert sorted(db.session.scalars(select(JobRun.status))) == ["ok", "skipped"]


def test_the_advisory_key_is_stable():
    """Every process, old or new, must compute the same key, or two could hold "the" lock."""
    assert advisory_key("sweep") == -367796733791176676
    assert advisory_key("reminders") != advisory_key("sweep")


def test_an_expired_lease_is_taken_over(sqlite_only, clock):
    """A holder that crashed cannot give its lease back; the TTL frees it."""
    db.session.add(JobLease(name="x", holder="crashed:4242/0", expires_at=portal_clock.now() + timedelta(minutes=30)))
    db.session.commit()
    assert try_lock() is False
    clock.shift(timedelta(minutes=31))
    with job_lock("x", ttl=timedelta(minutes=10)) as acquired:
        assert acquired
        holder, expires_at = lease_row()
        assert holder.startswith(process_name() + "/")
        assert expires_at == portal_clock.now() + timedelta(minutes=10)
    assert lease_row() == (None, None)


def test_a_lease_is_given_back_only_by_its_holder(sqlite_only):
    with job_lock("x") as acquired:
        assert acquired
        # It overran its TTL and another process took the lease meanwhile.
        db.session.execute(update(JobLease).where(JobLease.name == "x").values(holder="other:1/0"))
        db.session.commit()
    assert lease_row()[0] == "other:1/0"


def test_the_advisory_lock_goes_with_its_connection(postgres_only, app):
    """If the holding process dies, PostgreSQL ends its session and the lock with it."""
    holder = db.engine.connect()
    assert holder.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": advisory_key("x")})
    assert try_lock() is False
    holder.invalidate()  # closes the connection for real, as a dying process would
    holder.close()
    assert try_lock() is True


def test_no_advisory_lock_outlives_its_block(postgres_only, app):
    """Pooled connections are reused: one still holding a lock would block that job for good."""
    held = text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")
    with job_lock("x") as acquired:
        assert acquired and db.session.scalar(held) == 1
    assert db.session.scalar(held) == 0
