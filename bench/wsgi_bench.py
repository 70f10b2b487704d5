"""The portal as gunicorn serves it (`wsgi:app`), plus two routes of the benchmarks' own.

`gunicorn -c gunicorn.conf.py bench.wsgi_bench:app`, from the repository's root. Settings come from
the environment as for `wsgi.py`; `BENCH_RATELIMIT=off` also turns Flask-Limiter off (the settings
have no environment variable for that).

- `GET /bench/bare`: "ok" from the same app, workers and hooks (request id, JSON request log,
  session check, security headers), without a template or a database: the yardstick that the
  catalogue's throughput is compared with. `/healthz` is not bare: it runs `SELECT 1`.
- `GET /bench/pid`: the worker's process id, so a bench can tell that every worker is up.
"""
from __future__ import annotations

import os

from portal import create_app

overrides = {"RATELIMIT_ENABLED": False} if os.environ.get("BENCH_RATELIMIT") == "off" else {}
app = create_app(overrides)

@app.get("/bench/bare")
def bench_bare():
    return "ok"


@app.get("/bench/pid")
def bench_pid():
    return str(os.getpid())


bench_bare.access_rule = bench_pid.access_rule = "public"  # portal/access.py: every view names its rule
