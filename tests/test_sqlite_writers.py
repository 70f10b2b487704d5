"""SQLite: two requests that read, then write, at the same time both succeed (BEGIN IMMEDIATE).

Without it, the one that read first could not write after the other committed ("database is
locked" at once, whatever busy_timeout says): bench/load.py saw most purchases fail that way.
"""
import threading

import pytest
from sqlalchemy import text

from portal.extensions import db
from tests.factories import create_wave


def _read_then_write(app, errors: list, read: threading.Event | None = None, wait: threading.Event | None = None):
    try:
        with app.test_request_context("/prakerja/verifikasi/1", method="POST"), db.engine.connect() as conn:
            with conn.begin():
                # Any counter will do; cards_issued, because a CHECK keeps revoked_count within the cards issued.
                conn.execute(text("SELECT cards_issued FROM waves")).all()
                if read:
                    read.set()
                if wait:
                    wait.wait(timeout=1)  # the other writer goes first if it can
                conn.execute(text("UPDATE waves SET cards_issued = cards_issued + 1"))
    except Exception as error:  # the test reports whatever went wrong
        errors.append(error)


def test_two_writers_that_read_first_both_succeed(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's locking; PostgreSQL has row locks")
    create_wave(number=13)
    db.session.commit()
    errors: list = []
    first_read, second_done = threading.Event(), threading.Event()

    def second():
        first_read.wait(timeout=5)
        _read_then_write(app, errors)
        second_done.set()

    threads = [threading.Thread(target=_read_then_write, args=(app, errors, first_read, second_done)),
               threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert db.session.scalar(text("SELECT cards_issued FROM waves")) == 2


def test_read_only_requests_take_no_write_lock(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's locking")
    statements: list[str] = []
    with app.test_request_context("/pelatihan/", method="GET"), db.engine.connect() as conn:
        conn.connection.dbapi_connection.set_trace_callback(statements.append)
        with conn.begin():
            conn.execute(text("SELECT 1"))
    assert statements[0] == "BEGIN"
