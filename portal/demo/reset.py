"""`flask demo reset`: every table emptied and the demo world seeded again, in one transaction.

Demo mode only (the command checks; production refuses DEMO_MODE altogether). A failure part-way
rolls everything back: the old world stays rather than half a new one.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, text

from portal.extensions import db


def empty_every_table() -> dict[str, int]:
    """Delete every row of every model's table, children before parents, identities restarted on
    PostgreSQL (SQLite reuses ids by itself). Returns the rows each non-empty table held.
    Does not commit. Alembic's own table is not a model's and keeps the schema's version."""
    tables = list(reversed(db.metadata.sorted_tables))
    counts = {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in tables}
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.expunge_all()  # every object the session held is now a deleted row
    return {name: n for name, n in counts.items() if n}


def reset_demo(now: datetime) -> tuple[dict[str, int], dict[str, int]]:
    """Empty the database, put the demo clock back to real time, and seed the demo world at `now`,
    which must be real time (`clock.real_now()`): the moved clock is gone with the reset. Returns
    (rows deleted per table, rows created per kind). Flushes; the caller commits."""
    from portal.demo.seed import seed_demo
    from portal.services.democlock import load_demo_clock

    deleted = empty_every_table()
    load_demo_clock()  # its row went with the tables: zero, real time, as on a fresh seed
    return deleted, seed_demo(now)
