"""The sweep as a job: batches of `revoke_batch`, each its own transaction."""
from __future__ import annotations

from datetime import datetime

from portal.jobs.batches import committed
from portal.services.revocation import RevokedBatch, revoke_batch

# Each batch pays a commit (a WAL fsync) and a few round trips whatever its size; 5,000 cards make those a
# small share of it (bench/sweep.py). A batch still holds SQLite's one write lock for well under a second,
# and on PostgreSQL it locks only its own expired cards. Memory: 5,000 ids.
BATCH_SIZE = 5000


def revoke_expired_cards(now: datetime, batch_size: int = BATCH_SIZE) -> dict[str, int]:
    """Revoke every card past its deadline with no purchase, `batch_size` per transaction.

    Idempotent: a second run finds nothing left. Memory stays bounded by one batch of ids.
    """
    total = RevokedBatch()
    while True:
        batch = committed(lambda: revoke_batch(now, batch_size))
        total += batch
        if batch.cards == 0:
            break
    return {"revoked": total.cards, "returned": total.returned, "blacklisted": total.blacklisted}
