"""The job lock: one holder at a time, across processes and hosts, independent of the job's commits.

PostgreSQL: a session-level advisory lock on a dedicated connection. Session-level, not
`pg_try_advisory_xact_lock`, because the jobs commit per batch and an xact lock would end with the
first commit. If the process dies, PostgreSQL ends the session and so releases the lock.

Any other database (SQLite, the demo): a lease row in `job_leases`, taken with a guarded UPDATE.
A crashed holder cannot give it back, so a lease expires after its TTL.
"""
from __future__ import annotations

import hashlib
import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import insert, or_, text, update
from sqlalchemy.exc import IntegrityError

from portal import clock
from portal.extensions import db
from portal.models import JobLease

DEFAULT_TTL = timedelta(minutes=30)
_leases = JobLease.__table__


def process_name() -> str:
    """`host:pid` of this process, as recorded on job runs (fits the 120-character columns)."""
    return f"{socket.gethostname()[:100]}:{os.getpid()}"


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for `pg_advisory_lock`: the same in every process, on every host."""
    digest = hashlib.sha256(f"portal.jobs:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def job_lock(name: str, ttl: timedelta = DEFAULT_TTL) -> Iterator[bool]:
    """Hold the lock of job `name` for the block: yields True if acquired, False if another holds it.

    Needs an app context. The lock lives on its own connection and transactions, so the job may
    commit or roll back its session as often as it likes without letting go of it. Never waits.
    `ttl` applies to SQLite leases only (PostgreSQL frees the lock when the holder's session ends).
    """
    chosen = _advisory_lock(name) if db.engine.dialect.name == "postgresql" else _lease(name, ttl)
    with chosen as acquired:
        yield acquired


@contextmanager
def _advisory_lock(name: str) -> Iterator[bool]:
    key = advisory_key(name)
    # AUTOCOMMIT: the lock is held by the session, so no transaction needs to stay open
    # ("idle in transaction") for as long as the job runs.
    conn = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    acquired = False
    try:
        acquired = bool(conn.scalar(text("SELECT pg_try_advisory_lock(CAST(:key AS bigint))"), {"key": key}))
        yield acquired
    finally:
        try:
            if acquired:
                conn.scalar(text("SELECT pg_advisory_unlock(CAST(:key AS bigint))"), {"key": key})
        except Exception:
            # A connection that may still hold the lock must never go back to the pool for reuse.
            conn.invalidate()
        conn.close()


@contextmanager
def _lease(name: str, ttl: timedelta) -> Iterator[bool]:
    # A token per acquisition, not just host:pid: two threads of one process (the embedded
    # scheduler beside the admin's button) must not give back each other's lease.
    me = f"{process_name()}/{uuid.uuid4().hex[:12]}"
    acquired = _take_lease(name, me, ttl)
    try:
        yield acquired
    finally:
        if acquired:
            _give_back_lease(name, me)


def _take_lease(name: str, me: str, ttl: timedelta) -> bool:
    now = clock.real_now()  # leases run on real time, not the demo clock
    with db.engine.connect() as conn, conn.begin():
        try:
            with conn.begin_nested():  # the row may exist already, or another process makes it now
                conn.execute(insert(_leases).values(name=name, holder=None, expires_at=None))
        except IntegrityError:
            pass
        # The database decides who wins: only a free or expired lease is taken.
        taken = conn.execute(
            update(_leases)
            .where(_leases.c.name == name, or_(_leases.c.holder.is_(None), _leases.c.expires_at < now))
            .values(holder=me, expires_at=now + ttl)
        )
        return taken.rowcount == 1


def _give_back_lease(name: str, me: str) -> None:
    # Only if still ours: after an overrun past the TTL another process may hold it now.
    with db.engine.begin() as conn:
        conn.execute(
            update(_leases).where(_leases.c.name == name, _leases.c.holder == me).values(holder=None, expires_at=None)
        )
