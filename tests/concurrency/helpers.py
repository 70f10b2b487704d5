"""What the PostgreSQL race and fault tests share.

- `run_together`: start jobs at one moment, each in its own thread, app context and connection.
- `hold_row` + `release_when_waiting`: make a race certain instead of likely. The test locks the
  contested row from a connection of its own, waits until every racer is blocked on that lock
  (pg_stat_activity), then lets go: all of them were in flight, uncommitted, at the same time.
- `issue_cards`: many cards through the real service, one commit.
- `portal_process`: a script of tests/ in a process of its own, on the test's database.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Connection, select, text

from portal.extensions import db
from portal.models import Wave
from portal.services.cards import issue_card
from tests.factories import MOTHER, create_wave

REPO = Path(__file__).resolve().parents[2]
RACERS = "portal-racer"  # application_name of the racing threads' connections
# Enough connections for 50 racers at once (the default pool holds 5 + 10 overflow).
WIDE_POOL = {"pool_size": 60, "max_overflow": 0, "pool_pre_ping": True, "connect_args": {"application_name": RACERS}}


def require_postgres(why: str = "SQLite runs one writer at a time and has no row locks") -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip(f"needs PostgreSQL (TEST_DATABASE_URL): {why}")


def run_together(app, jobs: list[Callable], meanwhile: Callable[[Callable[[], int]], None] | None = None,
                 timeout: float = 30):
    """Start every job at the same moment, each in its own app context (session, connection), and
    commit what it did; a job that raises is rolled back and its exception is its outcome.

    `meanwhile(finished)` runs in the calling thread while the jobs run (e.g. `release_when_waiting`);
    `finished()` says how many jobs have ended so far.
    """
    barrier = threading.Barrier(len(jobs))
    outcomes: list = [None] * len(jobs)
    ended: list[int] = []

    def worker(i: int, job: Callable) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout)
                outcomes[i] = job()
                db.session.commit()
            except Exception as refused:  # DomainError is a fair loss; anything else fails the test's checks
                db.session.rollback()
                outcomes[i] = refused
            finally:
                db.session.remove()
                ended.append(i)

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    try:
        if meanwhile is not None:
            meanwhile(lambda: len(ended))
    finally:
        for thread in threads:
            thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a racer hung"
    return outcomes


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def sessions(application_name: str, engine=None, **where: str) -> list[int]:
    """Backend pids of this database's sessions named `application_name` (and in `state`, waiting on `wait`)."""
    sql = ("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
           "AND application_name = :name")
    if "state" in where:
        sql += " AND state = :state"
    if "wait" in where:
        sql += " AND wait_event_type = :wait"
    with (engine or db.engine).connect() as conn:
        return list(conn.scalars(text(sql), {"name": application_name, **where}))


def lock_waiters(application_name: str = RACERS, engine=None) -> int:
    """How many of these sessions are blocked on a lock right now (a row lock, here)."""
    return len(sessions(application_name, engine, wait="Lock"))


def hold_row(model, row_id: int) -> Connection:
    """Lock one row FOR UPDATE from a connection of the test's own; `commit()` it to let go."""
    holder = db.engine.connect()
    holder.execute(select(model.id).where(model.id == row_id).with_for_update())
    return holder


def release_when_waiting(holder: Connection, waiters: int) -> Callable[[Callable[[], int]], None]:
    """For `run_together(meanwhile=...)`: once `waiters` racers block on the held row, release it.
    (A racer that ended before it got there, e.g. with an error, is not waited for.)"""
    engine = db.engine  # the test's, captured here: the racers' threads use their own

    def release(finished: Callable[[], int]) -> None:
        try:
            wait_until(lambda: lock_waiters(engine=engine) + finished() >= waiters,
                       f"{waiters} racers to block on the row")
        finally:
            holder.commit()
            holder.close()

    return release


def nik(i: int) -> str:
    """A valid NIK (Jakarta Pusat, born 12 July 200x) for serial `i` (1..9999)."""
    return f"31710212070{i:05d}"


def issue_cards(count: int, accepted_at: datetime, first: int = 1, wave_number: int = 13) -> list[int]:
    """`count` cards accepted at `accepted_at`, each to its own NIK and phone; returns their ids."""
    if db.session.scalar(select(Wave.id).where(Wave.number == wave_number)) is None:
        create_wave(number=wave_number, quota=10_000)
    ids = [issue_card(nik(i), f"Peserta {i}", f"+6281200{i:06d}", wave_number, accepted_at, accepted_at,
                      mother=MOTHER).id
           for i in range(first, first + count)]
    db.session.commit()
    return ids


def portal_process(module: str, *args: str, application_name: str, **env: str) -> subprocess.Popen:
    """`python -m <module> args...` from the repository root, on the test's database (PORTAL_TEST_DB_URI),
    its connections named `application_name`. Use it in a `with` block: the pipes get closed."""
    environment = {
        **os.environ, **env, "PORTAL_TEST_DB_URI": db.engine.url.render_as_string(hide_password=False),
        "PORTAL_APP_NAME": application_name,
    }
    return subprocess.Popen([sys.executable, "-m", module, *args], cwd=REPO, env=environment, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def process_app_settings() -> dict:
    """create_app settings for a script run by `portal_process` (read from its environment)."""
    return {
        "PORTAL_ENV": "test", "SQLALCHEMY_DATABASE_URI": os.environ["PORTAL_TEST_DB_URI"], "SMS_BACKEND": "outbox",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True,
                                      "connect_args": {"application_name": os.environ["PORTAL_APP_NAME"]}},
    }


@contextmanager
def reaped(*processes: subprocess.Popen) -> Iterator[tuple[subprocess.Popen, ...]]:
    """Kill whatever is still running on the way out (a failed test), close the pipes, reap."""
    try:
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
            for pipe in (process.stdin, process.stdout, process.stderr):
                with suppress(OSError):
                    pipe.close()
            process.wait(timeout=10)


def wait_ready(process: subprocess.Popen) -> None:
    """Read the script's "ready" line; if it died instead, fail with its stderr."""
    line = process.stdout.readline()
    if line.strip() != "ready":
        process.wait(timeout=10)
        raise AssertionError(f"the process did not start: {line!r} {process.stderr.read()[-3000:]}")
