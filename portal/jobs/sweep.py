"""The sweep as a job: batches of `revoke_batch`, each its own transaction."""
from __future__ import annotations

from datetime import datetime

from portal.jobs.batches import committed
from portal.services.revocation import RevokedBatch, revoke_batch

BATCH_SIZE = 1000


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
