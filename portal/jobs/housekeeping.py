"""Housekeeping as a job: batches of portal/services/housekeeping.py, each its own transaction.

Idempotent: a second run finds nothing left. Short transactions keep row locks brief and memory
bounded by one batch of ids. What is kept for the audit is explained in the service's docstring.
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app

from portal.jobs.batches import committed
from portal.services.housekeeping import RemovedAccounts, delete_dead_challenges, delete_stale_accounts
from portal.services.throttle import forget_unknown_logins

BATCH_SIZE = 500


def clean_up(now: datetime, batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """Delete dead OTP challenges over 24 hours old, and accounts left unactivated over 7 days.

    Returns the counts: `challenges` (dead ones), `accounts`, and the `account_challenges` and
    `profiles` removed with those accounts, and `unknown_logins`: the password back-off counts of
    logins naming no account, with no failure for two days. SMS outbox rows are never touched.
    """
    max_failures = current_app.config["OTP_MAX_FAILURES"]
    counts = {"challenges": 0, "accounts": 0, "account_challenges": 0, "profiles": 0,
              "unknown_logins": committed(lambda: forget_unknown_logins(now))}
    while removed := committed(lambda: delete_dead_challenges(now, max_failures, batch_size)):
        counts["challenges"] += removed
    while True:
        batch: RemovedAccounts = committed(lambda: delete_stale_accounts(now, batch_size))
        if not batch.accounts:
            return counts
        counts["accounts"] += batch.accounts
        counts["account_challenges"] += batch.challenges
        counts["profiles"] += batch.profiles
