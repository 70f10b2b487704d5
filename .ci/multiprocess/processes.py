"""The processes and stores of the multi-process run: a scratch PostgreSQL database, a Redis
database of its own, `flask` commands, gunicorn and the scheduler, each in its own process group
with its log in the run's temporary folder. `cleanup()` undoes all of it.
"""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
import redis
import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
WORKERS = 3
CLAIM = "portal-ci:multiprocess:claim"


class Failure(Exception):
    """The run found something wrong (or could not run); the message says what."""


SEED = r"""
import json, sys
from datetime import timedelta
from sqlalchemy import select
from portal import clock, create_app
from portal.extensions import db

app = create_app()
with app.app_context():
    from portal.demo.seed import seed_catalogue
    from portal.demo.sessions import seed_training_sessions
    from portal.models.catalogue import Category, Offering, Programme, Provider
    from portal.services.cards import issue_card
    from portal.services.population import record_person
    from portal.services.waves import open_wave

    spec = json.load(sys.stdin)
    now = clock.now()
    today = clock.today_wib(now)
    seed_catalogue(today, now)
    programme = Programme(slug=spec["slug"], title=spec["title"], hours=40,
                          description="Pelatihan untuk uji beban CI: banyak peserta membeli kursi yang sama.",
                          category=db.session.scalar(select(Category).order_by(Category.id).limit(1)))
    db.session.add(programme)
    labelled = db.session.scalars(select(Provider).where(Provider.prakerja_label.is_(True)).order_by(Provider.id)).all()
    offerings = [Offering(programme=programme, provider=provider, price=spec["price"], seats=seats, seats_taken=0,
                          mode="daring", city=provider.city, province_code=provider.province_code,
                          start_date=today + timedelta(days=14), end_date=today + timedelta(days=24),
                          published=True, created_at=now)
                 for provider, seats in zip(labelled, spec["seats"])]
    db.session.add_all(offerings)
    db.session.flush()
    seed_training_sessions()
    open_wave(spec["wave"], len(spec["people"]), now)
    cards = [issue_card(p["nik"], p["name"], p["phone"], spec["wave"], now, now, mother=p["mother"]).number
             for p in spec["people"]]
    for p in spec.get("population", []):  # people the registry knows who hold no card (yet)
        record_person(p["nik"], p["name"], p["mother"], now)
    db.session.commit()
    print("SEED " + json.dumps({"cards": cards, "offerings": [o.id for o in offerings]}))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Processes:
    """What the run started and created, and how to reach it."""

    def __init__(self, sms_url: str, sms_token: str):
        self.sms_url, self.sms_token = sms_url, sms_token
        self.tag = f"{os.getpid()}_{secrets.token_hex(3)}"
        self.logs = Path(tempfile.mkdtemp(prefix="portal-mp-"))
        self.db_name = f"portal_mp_{self.tag}"
        self.db_created = False
        self.secret = secrets.token_hex(32)
        self.redis: redis.Redis | None = None
        self.redis_db = 0
        self.processes: list[tuple[str, subprocess.Popen]] = []
        self.log_files: list = []

    # -- environment
    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in {"DEMO_MODE", "SCHEDULER_EMBEDDED", "SERVER_SOFTWARE"}}
        env.update(PORTAL_ENV="production", SECRET_KEY=self.secret, PYTHONUNBUFFERED="1",
                   DATABASE_URL=f"postgresql://postgres@127.0.0.1:5432/{self.db_name}",
                   SMS_BACKEND="http", SMS_HTTP_URL=self.sms_url, SMS_HTTP_TOKEN=self.sms_token,
                   RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:6379/{self.redis_db}",
                   RATELIMIT_LOGIN="100000 per minute", RATELIMIT_OTP="100000 per minute",
                   # The per-phone and per-account limits and the password back-off have their own
                   # tests; here the per-address limits are what must hold across workers.
                   RATELIMIT_OTP_PHONE="100000 per minute",
                   RATELIMIT_CARD_TRIES="100000 per minute", LOGIN_BACKOFF_AFTER="100000")
        env.update(extra)
        return env

    def flask(self, *args: str, stdin: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=self.env(), input=stdin,
                              capture_output=True, text=True, timeout=timeout)

    def start(self, name: str, argv: list[str], **env: str) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "w")  # noqa: SIM115  (closed in cleanup)
        self.log_files.append(log)
        process = subprocess.Popen(argv, cwd=ROOT, env=self.env(**env), stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)  # its own group: the workers stop with it
        self.processes.append((name, process))
        return process

    def stop(self, name: str, process: subprocess.Popen) -> int | None:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                print(f"   {name} did not stop within 15 s of SIGTERM: killing its process group")
                os.killpg(process.pid, signal.SIGKILL)  # its own group (start_new_session): gunicorn's workers too
                process.wait(5)
        return process.returncode

    # -- stores
    def migrate(self) -> None:
        done = self.flask("db", "upgrade", timeout=90)
        if done.returncode:
            raise Failure(f"db upgrade failed:\n{done.stderr[-2000:]}")

    def seed(self, spec: dict) -> dict:
        """SEED in a process of the portal's: {"cards": [...], "offerings": [...]}."""
        done = subprocess.run([str(BIN / "python"), "-c", SEED], cwd=ROOT, env=self.env(), input=json.dumps(spec),
                              capture_output=True, text=True, timeout=90)
        result = next((json.loads(line[5:]) for line in done.stdout.splitlines() if line.startswith("SEED ")), None)
        if done.returncode or result is None or len(result["offerings"]) != len(spec["seats"]):
            raise Failure(f"seeding failed:\n{done.stdout[-1000:]}\n{done.stderr[-2000:]}")
        return result

    def create_database(self) -> None:
        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True, connect_timeout=10) as c:
            c.execute(f'CREATE DATABASE "{self.db_name}"')
        self.db_created = True

    def sql(self, query: str) -> list[tuple]:
        with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{self.db_name}", connect_timeout=10) as c:
            return c.execute(query).fetchall()

    def claim_redis_db(self) -> None:
        """An empty Redis database of our own: the portal has no key-prefix setting to share one."""
        for number in range(15, 0, -1):
            candidate = redis.Redis(host="127.0.0.1", port=6379, db=number, socket_timeout=5)
            if candidate.set(CLAIM, self.tag, nx=True, ex=900):
                if candidate.dbsize() == 1:
                    self.redis, self.redis_db = candidate, number
                    return
                candidate.delete(CLAIM)
        raise Failure("no empty Redis database (1-15) to use")

    def clear_limits(self) -> int:
        keys = [key for pattern in ("LIMITS*", "LIMITER*") for key in self.redis.scan_iter(pattern)]
        return self.redis.delete(*keys) if keys else 0

    # -- web
    def gunicorn(self, name: str, **env: str) -> tuple[str, subprocess.Popen]:
        """The Procfile's `web:` (its gunicorn.conf.py when there is one), on a free port with 3
        workers; an access log with the worker's pid, kept in the run's own temporary folder."""
        port = free_port()
        config = ["-c", "gunicorn.conf.py"] if (ROOT / "gunicorn.conf.py").exists() else []
        argv = [str(BIN / "gunicorn"), *config, "--workers", str(WORKERS), "--bind", f"127.0.0.1:{port}",
                "--access-logfile", str(self.logs / f"{name}.access"), "--access-logformat", '%(p)s %(s)s "%(r)s"',
                "--no-control-socket", "wsgi:app"]  # the default control socket is one path per user
        process = self.start(name, argv, **env)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise Failure(f"{name} exited with {process.returncode} while starting")
            try:
                response = requests.get(base + "/healthz", timeout=5)
                if response.status_code == 404:  # no health endpoint yet: the home page must do
                    response = requests.get(base + "/", timeout=5)
                if response.status_code == 200:
                    self.wait_for_workers(name, base, response.url)
                    return base, process
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise Failure(f"{name} did not answer within 40 s")

    def wait_for_workers(self, name: str, base: str, probe: str) -> None:
        """Until every worker has answered: the first one up would otherwise take every kept-alive
        connection of the crowd, and the run would test one process."""
        deadline = time.monotonic() + 40
        while (answered := len({pid for pid, _, _ in self.access_log(name)})) < WORKERS:
            if time.monotonic() > deadline:
                raise Failure(f"{name}: only {answered} of {WORKERS} workers answered within 40 s")
            try:
                requests.get(probe, headers={"Connection": "close"}, timeout=10)
            except requests.RequestException:
                pass  # a worker still busy starting: the deadline decides
            time.sleep(0.05)

    def access_log(self, name: str) -> list[tuple[int, int, str]]:
        rows = []
        for line in (self.logs / f"{name}.access").read_text().splitlines():
            if line.startswith("{"):  # gunicorn.conf.py's logger writes JSON lines
                line = json.loads(line)["message"]
            pid, status, request = line.split(" ", 2)
            rows.append((int(pid.strip("<>")), int(status), request.strip('"')))
        return rows

    def cleanup(self, failed: bool) -> None:
        for name, process in reversed(self.processes):
            self.stop(name, process)
        for log in self.log_files:
            log.close()
        if self.db_created:
            try:
                with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True,
                                     connect_timeout=10) as c:
                    c.execute(f'DROP DATABASE IF EXISTS "{self.db_name}" WITH (FORCE)')
            except psycopg.Error as error:
                print(f"could not drop {self.db_name}: {error}")
        if self.redis is not None:
            self.clear_limits()
            if self.redis.get(CLAIM) == self.tag.encode():
                self.redis.delete(CLAIM)
        if failed:
            for log in sorted(self.logs.glob("*.log")):
                print(f"--- last lines of {log.name}:\n" + "\n".join(log.read_text().splitlines()[-25:]))
        shutil.rmtree(self.logs, ignore_errors=True)

