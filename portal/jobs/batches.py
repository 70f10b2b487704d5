"""One committed batch at a time, for the jobs that work through many rows."""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import OperationalError

from portal.extensions import db

SQLITE_RETRIES = 5
T = TypeVar("T")


def committed(batch: Callable[[], T]) -> T:
    """Run one batch and commit it. On SQLite, a transaction that read before writing fails at once
    ("database is locked") if another writer got in first; every batch's statements are guarded by
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
