"""Housekeeping as a job: batches of portal/services/housekeeping.py, each its own transaction.

Idempotent: a second run finds nothing left. Short transactions keep row locks brief and memory
bounded by one batch of ids. What is kept for the audit is explained in the service's docstring.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from flask import current_app
from sqlalchemy.exc import OperationalError

from portal.extensions import db
from portal.services.housekeeping import RemovedAccounts, delete_dead_challenges, delete_stale_accounts

BATCH_SIZE = 500
SQLITE_RETRIES = 5
T = TypeVar("T")


def _committed(batch: Callable[[], T]) -> T:
    """Run one batch and commit it. On SQLite, a transaction that read before writing fails at once
    ("database is locked") if another process writes meanwhile; the batch's DELETEs are guarded by
    their conditions, so running it again is safe."""
    for attempt in range(SQLITE_RETRIES):
        try:
            result = batch()
            db.session.commit()
            return result
        except OperationalError:
            db.session.rollback()
            if db.engine.dialect.name != "sqlite" or attempt == SQLITE_RETRIES - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def clean_up(now: datetime, batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """Delete dead OTP challenges over 24 hours old, and accounts left unactivated over 7 days.

    Returns the counts: `challenges` (dead ones), `accounts`, and the `account_challenges` and
    `profiles` removed with those accounts. SMS outbox rows are never touched.
    """
    max_failures = current_app.config["OTP_MAX_FAILURES"]
    counts = {"challenges": 0, "accounts": 0, "account_challenges": 0, "profiles": 0}
    while removed := _committed(lambda: delete_dead_challenges(now, max_failures, batch_size)):
        counts["challenges"] += removed
    while True:
        batch: RemovedAccounts = _committed(lambda: delete_stale_accounts(now, batch_size))
        if not batch.accounts:
            return counts
        counts["accounts"] += batch.accounts
        counts["account_challenges"] += batch.challenges
        counts["profiles"] += batch.profiles
