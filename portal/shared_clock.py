"""How every process of the demo follows the one `DemoClock` row: `portal.clock` re-reads it at most once a
second through `stored_offset`, on a pooled connection of its own (see portal/services/democlock.py for
what moves it)."""
from __future__ import annotations

from datetime import timedelta

from flask import Flask
from sqlalchemy.engine import Engine

from portal import clock
from portal.extensions import db
from portal.models import DemoClock

ROW_ID = 1  # the single row

_READ_OFFSET = f"SELECT offset_seconds FROM {DemoClock.__tablename__} WHERE id = {ROW_ID}"


def stored_offset(engine: Engine) -> timedelta:
    """The offset in the row, read on a pooled connection of its own, outside any transaction of the
    session's. The DB-API connection itself, not SQLAlchemy's: on SQLite a SQLAlchemy transaction outside
    a GET request begins IMMEDIATE (portal/extensions.py), so even this read would wait for the write
    lock, which the calling thread's own session may hold."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(_READ_OFFSET)
        row = cursor.fetchone()
        cursor.close()
        raw.rollback()  # PostgreSQL began a transaction for the SELECT; SQLite (autocommit) began none
    finally:
        raw.close()  # back to the pool
    return timedelta(seconds=row[0] if row and row[0] else 0)


def follow_demo_clock(app: Flask) -> None:
    """Make this process's clock follow the stored offset (re-read at most once a second)."""
    with app.app_context():
        engine = db.engine
    clock.share_offset(lambda: stored_offset(engine))
