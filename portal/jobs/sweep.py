"""The sweep as a job: batches of `revoke_batch`, each its own transaction."""
from __future__ import annotations

import time
from datetime import datetime

from sqlalchemy.exc import OperationalError

from portal.extensions import db
from portal.services.revocation import RevokedBatch, revoke_batch

BATCH_SIZE = 1000
SQLITE_RETRIES = 5


def _one_batch(now: datetime, batch_size: int) -> RevokedBatch:
    """One committed batch. SQLite refuses a second writer outright ("database is locked") when
    two transactions read before writing; the guarded statements make a retry safe."""
    for attempt in range(SQLITE_RETRIES):
        try:
            batch = revoke_batch(now, batch_size)
            db.session.commit()
            return batch
        except OperationalError:
            db.session.rollback()
            if db.engine.dialect.name != "sqlite" or attempt == SQLITE_RETRIES - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def revoke_expired_cards(now: datetime, batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """Revoke every card past its deadline with no purchase, `batch_size` per transaction.

    Idempotent: a second run finds nothing left. Memory stays bounded by one batch of ids.
    """
    total = RevokedBatch()
    while True:
        batch = _one_batch(now, batch_size)
        total += batch
        if batch.cards == 0:
            break
    return {"revoked": total.cards, "returned": total.returned, "blacklisted": total.blacklisted}
