"""A real portal for the browser tests: migrated, seeded with the demo world, served by gunicorn.

One worker (the demo clock's offset is per process, as in `make run`), four threads. The database
is a fresh SQLite file, or a fresh PostgreSQL database next to TEST_DATABASE_URL's on the
PostgreSQL leg, so the browser tests run on both like the rest of the suite.
"""
from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 30  # seconds for gunicorn to answer /healthz


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def _database(workdir: Path):
    """A database URL of our own: SQLite in `workdir`, or `<test db>_e2e` on PostgreSQL."""
    base = os.environ.get("TEST_DATABASE_URL", "")
    if not base.startswith("postgresql"):
        yield f"sqlite:///{workdir / 'e2e.sqlite3'}"
        return
    url = make_url(base).set(drivername="postgresql+psycopg")
    name = f"{url.database}_e2e"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


class LiveServer:
    def __init__(self, url: str, env: dict[str, str], log: Path):
        self.url = url
        self.env = env
        self.log = log

    def flask(self, *args: str) -> str:
        """Run a `flask --app wsgi …` command against the server's database; return its output."""
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout


def _environment(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RATELIMIT_", "SMS_", "FLASK_"))}
    env.update({
        "PORTAL_ENV": "demo",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_hex(32),
        "SMS_BACKEND": "outbox",  # the codes appear on HP Simulasi, as in a demo
        # Every test logs in from 127.0.0.1: per-address limits would throttle the suite, not a person.
        "RATELIMIT_LOGIN": "1000 per minute",
        "RATELIMIT_OTP": "1000 per minute",
        "LOG_JSON": "false",
        "LOG_LEVEL": "WARNING",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "4",
    })
    return env


def _wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer within {START_TIMEOUT} s:\n{log.read_text()}")


@contextmanager
def live_server(workdir: Path):
    """Migrate, seed the demo world, serve; stop the server and drop its database afterwards."""
    with _database(workdir) as database_url:
        port = _free_port()
        env = _environment(database_url)
        env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
        server = LiveServer(f"http://127.0.0.1:{port}", env, workdir / "gunicorn.log")
        server.flask("db", "upgrade")
        server.flask("demo", "seed")
        with server.log.open("w") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )
        try:
            _wait_until_up(server.url, process, server.log)
            yield server
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
