"""gunicorn settings: `gunicorn -c gunicorn.conf.py wsgi:app` (the Procfile's `web:`).

Every number can be changed from the environment; README, "Running in production".
Workers never start the job scheduler: that is the Procfile's `scheduler:` process.
"""
from __future__ import annotations

import os

from gunicorn import glogging

MAX_DEFAULT_WORKERS = 8


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use (containers, taskset)
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _bind() -> list[str]:
    """GUNICORN_BIND (comma-separated), else every interface on the platform's PORT, else loopback
    for a reverse proxy on the same host."""
    if os.environ.get("GUNICORN_BIND"):
        return [address.strip() for address in os.environ["GUNICORN_BIND"].split(",") if address.strip()]
    if os.environ.get("PORT"):
        return [f"0.0.0.0:{int(os.environ['PORT'])}"]
    return ["127.0.0.1:8000"]


def _workers() -> int:
    """WEB_CONCURRENCY, else 2 x cores + 1, at most MAX_DEFAULT_WORKERS: every worker keeps its own
    database pool, so past a few per host PostgreSQL connections grow faster than throughput;
    add hosts instead."""
    if os.environ.get("WEB_CONCURRENCY"):
        return max(1, int(os.environ["WEB_CONCURRENCY"]))
    return min(2 * _cores() + 1, MAX_DEFAULT_WORKERS)


bind = _bind()
workers = _workers()
# Threads cover the time a request waits on PostgreSQL, Redis or the SMS gateway.
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# The worker's heartbeat: a gthread worker keeps beating while a request is slow (an SMS gateway's
# 3 tries x 5 s), so only a stuck process is killed and restarted after this many seconds.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))  # let a purchase finish on deploy
# Behind a load balancer, set this above the balancer's idle timeout, or it may reuse a closed connection.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))

# Not preloaded: each worker imports the app after the fork, so it opens its own database pool and
# Redis connection (nothing the master opened is shared by several processes), and a HUP reloads the
# workers with the new code, which a preloaded master would keep serving.
preload_app = False

# The client's address and scheme come from X-Forwarded-* through ProxyFix (TRUSTED_PROXIES in
# portal/config.py), one setting for every server. gunicorn trusts no forwarding header itself.
forwarded_allow_ips = ""
secure_scheme_headers: dict[str, str] = {}

# The app logs every request itself (portal/logs.py: JSON, path without the query string). gunicorn's
# access log would print the query string, where codes and NIKs may travel: off.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()


class JsonLogger(glogging.Logger):
    """gunicorn's own messages (workers booting, timing out) as JSON lines, like the app's."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        from portal.logs import JsonFormatter

        for handler in self.error_log.handlers + self.access_log.handlers:
            handler.setFormatter(JsonFormatter())


logger_class = JsonLogger


def post_fork(server, worker) -> None:
    """With preload_app turned on (here or `--preload`), the master built the app and its engine:
    drop the inherited pool so this worker opens its own connections (SQLAlchemy's advice for fork)."""
    if not server.cfg.preload_app:
        return
    from portal.extensions import db

    app = server.app.wsgi()
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)  # close=False: the sockets still belong to the master
