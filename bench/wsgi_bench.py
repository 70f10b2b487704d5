"""The portal as gunicorn serves it (`wsgi:app`), plus two routes of the benchmarks' own.

`gunicorn -c gunicorn.conf.py bench.wsgi_bench:app`, from the repository's root. Settings come from
the environment as for `wsgi.py`; `BENCH_RATELIMIT=off` also turns Flask-Limiter off (the settings
have no environment variable for that).

- `GET /bench/bare`: "ok" from the same app, workers and hooks (request id, JSON request log,
  session check, security headers), without a template or a database: the yardstick that the
  catalogue's throughput is compared with. `/healthz` is not bare: it runs `SELECT 1`.
- `GET /bench/pid`: the worker's process id, so a bench can tell that every worker is up.

Two experiments, off unless asked, to measure the fix that bench/LOAD_NOTES.md proposes for
"database is locked" on SQLite under concurrent writers (they change the portal's behaviour, so
figures taken with them are not the portal's as it is):
- `BENCH_SQLITE_BEGIN=immediate` (`bench/load.py --sqlite-begin immediate`): requests other than
  GET/HEAD open their transaction with BEGIN IMMEDIATE instead of the portal's deferred BEGIN
  (portal/extensions.py `_sqlite_begin`);
- `BENCH_SQLITE_BUSY_MS=n` (`--sqlite-busy-ms n`): PRAGMA busy_timeout = n instead of 5000.
"""
from __future__ import annotations

import os

from portal import create_app

overrides = {"RATELIMIT_ENABLED": False} if os.environ.get("BENCH_RATELIMIT") == "off" else {}
app = create_app(overrides)

if os.environ.get("BENCH_SQLITE_BEGIN") == "immediate":
    from flask import has_request_context, request
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from portal import extensions

    event.remove(Engine, "begin", extensions._sqlite_begin)

    @event.listens_for(Engine, "begin")
    def _sqlite_begin_immediate(connection):
        if connection.dialect.name == "sqlite":
            writes = has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")
            # The write lock up front: a deferred transaction that has read and then writes cannot
            # wait for the lock (busy_timeout does not apply) and fails with "database is locked".
            connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")

if os.environ.get("BENCH_SQLITE_BUSY_MS"):
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    busy_ms = int(os.environ["BENCH_SQLITE_BUSY_MS"])

    @event.listens_for(Engine, "connect")
    def _sqlite_busy_timeout(dbapi_connection, connection_record):  # after the portal's own listener
        if type(dbapi_connection).__module__.startswith("sqlite3"):
            dbapi_connection.execute(f"PRAGMA busy_timeout = {busy_ms}")


@app.get("/bench/bare")
def bench_bare():
    return "ok"


@app.get("/bench/pid")
def bench_pid():
    return str(os.getpid())


bench_bare.access_rule = bench_pid.access_rule = "public"  # portal/access.py: every view names its rule
