"""What the benchmarks share: scratch databases, the portal's environment, gunicorn, a seeded world,
forged logins, and readings from /proc.

Nothing here is a test: the benchmarks print figures. Everything started here is stopped by
`Bench.close()` (processes by their own process group, scratch databases dropped, Redis keys of
the run deleted), which the scripts call in a `finally`.
"""
from __future__ import annotations

import contextlib
import math
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the virtualenv that runs the bench also runs the portal
BENCH_APP = "bench.wsgi_bench:app"
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
REDIS_URL = "redis://127.0.0.1:6379/0"
USER_AGENT = "portal-bench/1 (+bench/load.py)"
TICKS = os.sysconf("SC_CLK_TCK")
GENEROUS = "1000000 per minute"


class BenchError(Exception):
    """The bench could not run, or found something wrong (not a missed target)."""


def say(text: str) -> None:
    print(text, flush=True)


# ---------------------------------------------------------------- /proc
def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (fields 14 and 15 of stat)


def rss_kib(pid: int) -> int:
    """Resident set size in KiB (VmRSS of /proc/<pid>/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise BenchError(f"no VmRSS for process {pid}")


def children(pid: int) -> list[int]:
    """The direct children of `pid`."""
    try:
        return sorted(int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split())
    except FileNotFoundError:
        pass
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
    return sorted(found)


def machine_jiffies() -> tuple[int, int]:
    """(busy, total) CPU jiffies of the whole machine, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]  # guest is in user
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return sum(values) - idle, sum(values)


@dataclass
class CpuShare:
    """CPU used during one phase: by the server, the client (this process), the database's
    backends, and everything else on the machine; each as a % of the machine (all cores)."""

    wall: float
    server: float
    client: float
    database: float
    machine: float
    by_pid: dict[int, float] = field(default_factory=dict)  # the server's, per process
    cores: int = field(default_factory=lambda: os.cpu_count() or 1)

    def pct(self, seconds: float) -> float:
        return 100 * seconds / (self.wall * self.cores) if self.wall else 0.0

    def line(self) -> str:
        other = max(0.0, self.machine - self.server - self.client - self.database)
        return (f"server {self.pct(self.server):.0f}%, client {self.pct(self.client):.0f}%, "
                f"database {self.pct(self.database):.0f}%, others {self.pct(other):.0f}% "
                f"of {self.cores} cores (busy {self.pct(self.machine):.0f}%)")


class CpuMeter:
    """Reads the CPU counters at start and stop; `pids()` names the processes of the server and
    of the database (read at both ends: workers do not change, database backends rarely do)."""

    def __init__(self, server_pids, database_pids=lambda: [], client_children: bool = False):
        self.server_pids, self.database_pids, self.client_children = server_pids, database_pids, client_children

    def _read(self) -> dict:
        own = os.times()
        client = own.user + own.system + (own.children_user + own.children_system if self.client_children else 0)
        return {"t": time.monotonic(), "client": client, "machine": machine_jiffies()[0] / TICKS,
                "server": {p: cpu_seconds(p) for p in self.server_pids()},
                "database": {p: cpu_seconds(p) for p in self.database_pids()}}

    def __enter__(self) -> CpuMeter:
        self.start = self._read()
        return self

    def __exit__(self, *exc) -> None:
        end = self._read()

        def spent(kind: str) -> dict[int, float]:
            return {p: end[kind][p] - self.start[kind].get(p, 0.0) for p in end[kind]}

        server = spent("server")
        self.share = CpuShare(wall=end["t"] - self.start["t"], server=sum(server.values()),
                              client=end["client"] - self.start["client"], database=sum(spent("database").values()),
                              machine=end["machine"] - self.start["machine"], by_pid=server)


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), nearest rank; 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


# ---------------------------------------------------------------- databases
class ScratchDatabase:
    """A database of one run: a SQLite file in the run's folder, or `bench_load_<tag>` on PostgreSQL."""

    def __init__(self, kind: str, tag: str, folder: Path):
        self.kind, self.created = kind, False
        if kind == "sqlite":
            self.path = folder / "bench.sqlite3"
            self.name = str(self.path)
            self.url = f"sqlite:///{self.path}"
        elif kind == "postgresql":
            self.name = f"bench_load_{tag}"
            self.url = f"{PG_SERVER}/{self.name}"
        else:
            raise BenchError(f"unknown database kind {kind!r}")

    @property
    def label(self) -> str:
        return "SQLite (file, WAL)" if self.kind == "sqlite" else "PostgreSQL"

    def create(self) -> None:
        if self.kind == "postgresql":
            try:
                with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=10) as c:
                    c.execute(f'CREATE DATABASE "{self.name}"')
            except psycopg.Error as error:
                raise BenchError(f"cannot create {self.name} on {PG_SERVER}: {error}") from error
        self.created = True

    def drop(self) -> None:
        if not self.created:
            return
        if self.kind == "postgresql":
            try:
                with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True, connect_timeout=10) as c:
                    c.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            except psycopg.Error as error:
                say(f"could not drop {self.name}: {error}")
        else:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        self.created = False

    def connect(self):
        """A DB-API connection that reads committed data (autocommit)."""
        if self.kind == "sqlite":
            connection = sqlite3.connect(self.path, isolation_level=None, timeout=30, check_same_thread=False)
            connection.execute("PRAGMA query_only = ON")
            return connection
        return psycopg.connect(self.url, autocommit=True, connect_timeout=10)

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        placeholder_sql = sql if self.kind == "postgresql" else sql.replace("%s", "?")
        connection = self.connect()
        try:
            return list(connection.execute(placeholder_sql, params).fetchall())
        finally:
            connection.close()

    def backend_pids(self) -> list[int]:
        """PostgreSQL's server processes serving this database (their CPU is the database's)."""
        if self.kind != "postgresql":
            return []
        with contextlib.suppress(psycopg.Error):
            rows = self.query("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                              (self.name,))
            return [pid for (pid,) in rows]
        return []


# ---------------------------------------------------------------- rate limits
@dataclass
class Limits:
    """How Flask-Limiter runs during a bench: `redis` (shared counters, every limit raised far above
    the load, so every limit check still costs its Redis round trips) or `off` (RATELIMIT_ENABLED
    false: no counting at all)."""

    mode: str
    prefix: str = ""
    url: str = REDIS_URL

    def env(self) -> dict[str, str]:
        if self.mode == "off":
            return {"BENCH_RATELIMIT": "off", "RATELIMIT_STORAGE_URI": "memory://"}
        return {"RATELIMIT_STORAGE_URI": self.url, "RATELIMIT_KEY_PREFIX": self.prefix,
                **{name: GENEROUS for name in ("RATELIMIT_LOGIN", "RATELIMIT_OTP",
                                               "RATELIMIT_OTP_PHONE", "RATELIMIT_CARD_TRIES")},
                "LOGIN_BACKOFF_AFTER": "1000000"}

    def describe(self) -> str:
        if self.mode == "off":
            return "Flask-Limiter off (RATELIMIT_ENABLED=False)"
        return f"Flask-Limiter on, counters in Redis {self.url}, every limit raised to {GENEROUS}"

    def clear(self) -> None:
        if self.mode != "redis":
            return
        with contextlib.suppress(Exception):
            import redis

            client = redis.Redis.from_url(self.url, socket_timeout=5)
            keys = list(client.scan_iter(f"*{self.prefix}*", count=1000))
            for start in range(0, len(keys), 1000):
                client.delete(*keys[start:start + 1000])


def choose_limits(wanted: str, tag: str) -> Limits:
    """`redis` (must answer), `off`, or `auto` (Redis when it answers, else off)."""
    if wanted == "off":
        return Limits("off")
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2).ping()
    except Exception as error:  # noqa: BLE001  (any failure means: no Redis to use)
        if wanted == "redis":
            raise BenchError(f"Redis at {REDIS_URL} does not answer: {error}") from error
        say(f"Redis at {REDIS_URL} does not answer ({type(error).__name__}): rate limits off for this run")
        return Limits("off")
    return Limits("redis", prefix=f"bench-{tag}")


# ---------------------------------------------------------------- the portal's environment
def portal_env(database: ScratchDatabase, secret: str, limits: Limits, **extra: str) -> dict[str, str]:
    """The environment of every portal process of a run.

    The `demo` profile with DEMO_MODE off: the production profile refuses the `outbox` SMS backend,
    and the bench reads the codes from the outbox like the participants' phones would. Everything
    else is as production runs it: JSON request logs at INFO on stderr, a 32+ character key,
    the database named by DATABASE_URL, the gunicorn settings of gunicorn.conf.py.
    """
    dropped = {"DEMO_MODE", "SCHEDULER_EMBEDDED", "SERVER_SOFTWARE", "FLASK_APP", "FLASK_RUN_FROM_CLI"}
    env = {k: v for k, v in os.environ.items() if k not in dropped and not k.startswith(("RATELIMIT_", "GUNICORN_"))}
    env.update(PORTAL_ENV="demo", DEMO_MODE="0", SECRET_KEY=secret, DATABASE_URL=database.url, SMS_BACKEND="outbox",
               LOG_JSON="1", LOG_LEVEL="INFO", PYTHONUNBUFFERED="1", WEB_CONCURRENCY="2", GUNICORN_THREADS="4",
               TRUSTED_PROXIES="0")  # the forged logins hash the client's own address
    env.update(limits.env())
    env.update(extra)
    return env


def flask_command(env: dict[str, str], *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


def migrate(env: dict[str, str]) -> None:
    """`flask db upgrade`: the only way the schema is made."""
    done = flask_command(env, "db", "upgrade")
    if done.returncode:
        raise BenchError(f"flask db upgrade failed:\n{done.stderr[-2000:]}")


def ledger_check() -> tuple[bool, str]:
    """What `flask ledger check` checks (portal/services/ledger.py), in the app context of the
    caller: (balanced, a line saying what it found)."""
    from portal.extensions import db
    from portal.services.ledger import check_ledger

    db.session.remove()  # read what the server committed, not an old snapshot
    report = check_ledger()
    def rp(amount: int) -> str:
        return f"Rp{amount:,}".replace(",", ".")

    text = (f"{report.cards} cards: granted {rp(report.granted)} = on cards {rp(report.on_cards)} + purchases "
            f"{rp(report.purchased)} + returned {rp(report.returned)}; "
            + ("every card, enrollment and wave counter agrees" if report.balanced else "; ".join(report.problems[:5])))
    return report.balanced, text


@contextlib.contextmanager
def portal_app(env: dict[str, str]):
    """The portal's app in this process (for seeding and forging logins), with the run's settings."""
    keys = ("PORTAL_ENV", "DEMO_MODE", "SECRET_KEY", "DATABASE_URL", "SMS_BACKEND")
    saved = {key: os.environ.get(key) for key in keys}
    os.environ.update({key: env[key] for key in keys})
    try:
        from portal import create_app
        from portal.extensions import db

        app = create_app({"LOG_JSON": False, "RATELIMIT_ENABLED": False})
        try:
            yield app
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


# ---------------------------------------------------------------- gunicorn
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def http_get(url: str, timeout: float = 5) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Connection": "close", "User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


class Gunicorn:
    """`gunicorn -c gunicorn.conf.py bench.wsgi_bench:app` on a free loopback port, in its own
    process group, its output in the run's folder."""

    def __init__(self, env: dict[str, str], folder: Path, workers: int = 2, threads: int = 4, name: str = "gunicorn"):
        self.env, self.workers, self.threads = env, workers, threads
        self.log_path = folder / f"{name}.log"
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def describe(self) -> str:
        return f"gunicorn {self.workers} worker(s) x {self.threads} threads (gthread, gunicorn.conf.py)"

    def launch(self) -> None:
        """Start gunicorn; its workers import the app while the caller does something else."""
        argv = [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--workers", str(self.workers),
                "--threads", str(self.threads), "--bind", f"127.0.0.1:{self.port}", "--no-control-socket",
                BENCH_APP]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, start_new_session=True)

    def wait_ready(self, timeout: float = 90) -> None:
        """Until every worker has loaded the app and answered (/bench/pid over fresh connections)."""
        deadline, seen = time.monotonic() + timeout, set()
        while len(seen) < self.workers:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn exited with {self.process.returncode} while starting:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                raise BenchError(f"gunicorn: {len(seen)} of {self.workers} workers answered within {timeout:.0f} s:\n"
                                 f"{self.log_tail()}")
            with contextlib.suppress(OSError):
                status, body = http_get(self.base + "/bench/pid")
                if status == 200:
                    seen.add(int(body))
                    continue
            time.sleep(0.1)

    def worker_pids(self) -> list[int]:
        return children(self.process.pid) if self.process else []

    def pids(self) -> list[int]:
        return [self.process.pid, *self.worker_pids()] if self.process else []

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"

    def log_problems(self) -> list[str]:
        """Tracebacks, ERROR records and worker timeouts in the server's log."""
        problems = []
        for line in self.log_path.read_text(errors="replace").splitlines():
            if '"level": "ERROR"' in line or "Traceback" in line or "WORKER TIMEOUT" in line \
                    or '"level": "CRITICAL"' in line:
                problems.append(line[:400])
        return problems

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)


# ---------------------------------------------------------------- a run
class Bench:
    """The run's folder, its scratch databases, its servers; `close()` undoes all of it."""

    def __init__(self, keep: bool = False):
        self.tag = f"{os.getpid()}_{secrets.token_hex(3)}"
        self.folder = Path(tempfile.mkdtemp(prefix="bench_load_"))
        self.secret = secrets.token_hex(32)
        self.keep = keep
        self.databases: list[ScratchDatabase] = []
        self.servers: list[Gunicorn] = []
        self.limits: list[Limits] = []

    def database(self, kind: str) -> ScratchDatabase:
        folder = self.folder / kind
        folder.mkdir(exist_ok=True)
        database = ScratchDatabase(kind, self.tag, folder)
        self.databases.append(database)
        database.create()
        return database

    def server(self, env: dict[str, str], workers: int, threads: int = 4, name: str = "gunicorn") -> Gunicorn:
        """A launched gunicorn (call `wait_ready()` before sending it load)."""
        server = Gunicorn(env, self.folder, workers, threads, name)
        self.servers.append(server)
        server.launch()
        return server

    def close(self) -> None:
        for server in self.servers:
            server.stop()
        for database in self.databases:
            if not (self.keep and database.kind == "sqlite"):  # --keep: the SQLite file stays with the logs
                database.drop()
        for limits in self.limits:
            limits.clear()
        if self.keep:
            say(f"logs (and any SQLite database) kept in {self.folder}")
        else:
            shutil.rmtree(self.folder, ignore_errors=True)


def terminate_on_sigterm() -> None:
    """SIGTERM (a CI timeout, a Ctrl-C from make) unwinds through `finally`, so cleanup runs."""

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)


def run_each(kinds: list[str], run_one, bench) -> tuple[list, int]:
    """`run_one(kind)` for each database, then `bench.close()` whatever happened. Returns the results
    and the exit status so far: 1 after an error (said), 130 after an interrupt."""
    results: list = []
    try:
        for kind in kinds:
            say(f"\n-- {kind} --")
            results.append(run_one(kind))
    except BenchError as error:
        say(f"ERROR: {error}")
        return results, 1
    except KeyboardInterrupt:
        say("interrupted")
        return results, 130
    finally:
        bench.close()
    return results, 0


# ---------------------------------------------------------------- the world
@dataclass(frozen=True)
class Participant:
    user_id: int
    session_version: int
    card_number: str
    phone: str


def nik_for(i: int) -> str:
    """A valid, unique NIK for person number i (Jawa Barat, born 1970-1999; women every second one)."""
    serial, rest = i % 9999 + 1, i // 9999
    day, month, year = rest % 28 + 1, (rest // 28) % 12 + 1, 70 + (rest // 336) % 30
    return f"327301{day + 40 * (i % 2):02d}{month:02d}{year:02d}{serial:04d}"


def phone_for(i: int) -> str:
    return f"+62812{70_000_000 + i:08d}"


def seed_participants(count: int, wave_number: int, accepted_at: datetime, now: datetime,
                      first: int = 0) -> list[Participant]:
    """`count` activated job seekers, each a training participant holding an active card of wave
    `wave_number` issued through the real `issue_card` (quota, Rp1.000.000 grant in the ledger).
    Call inside an app context; commits."""
    from sqlalchemy import insert, select

    from portal.extensions import db
    from portal.models import ParticipantProfile, User, Wave
    from portal.services.cards import issue_card
    from portal.services.passwords import hash_password
    from portal.services.waves import open_wave

    if db.session.scalar(select(Wave.id).where(Wave.number == wave_number)) is None:
        open_wave(wave_number, first + count, now)
    password_hash = hash_password(secrets.token_hex(16))  # nobody logs in: the bench forges the session
    people = range(first, first + count)
    db.session.execute(insert(User), [
        {"nik": nik_for(i), "full_name": f"Peserta Uji {i:05d}", "mother_maiden_name": "Sri Wahyuni",
         "email": f"peserta{i:05d}@uji-beban.id", "phone": phone_for(i), "password_hash": password_hash,
         "role": "job_seeker", "created_at": now, "activated_at": now, "session_version": 1, "failed_logins": 0}
        for i in people])
    ids = dict(db.session.execute(select(User.nik, User.id).where(User.nik.in_([nik_for(i) for i in people]))).all())
    db.session.execute(insert(ParticipantProfile), [
        {"user_id": ids[nik_for(i)], "birth_date": date(1990, 1, 1), "sex": "P" if i % 2 else "L", "education": "sma",
         "province_code": "32", "regency": "Kota Bandung", "address": "Jl. Asia Afrika No. 8", "created_at": now,
         "updated_at": now} for i in people])
    result = []
    for i in people:
        card = issue_card(nik_for(i), f"Peserta Uji {i:05d}", phone_for(i), wave_number, accepted_at, now,
                          mother="Sri Wahyuni")
        result.append(Participant(ids[nik_for(i)], 1, card.number, card.phone))
        if len(result) % 2000 == 0:
            db.session.flush()
            db.session.expunge_all()  # keep the identity map small while issuing thousands
    db.session.commit()
    return result


def seed_catalogue() -> None:
    """The demo catalogue (10 categories, 40 programmes, 12 providers, 100 offerings) and each
    programme's sessions, as `flask demo seed` makes them, without the demo people. Commits."""
    from portal import clock
    from portal.demo.seed import seed_catalogue as demo_catalogue
    from portal.demo.sessions import seed_training_sessions
    from portal.extensions import db

    now = clock.now()
    demo_catalogue(clock.today_wib(now), now)
    seed_training_sessions()
    db.session.commit()


# ---------------------------------------------------------------- logins
class SessionForge:
    """Signed session cookies of logged-in participants, as a real login leaves them.

    The login view empties the session, calls Flask-Login's `login_user` (the id is
    `<user id>.<session version>`; `_id` hashes the client's address and User-Agent, since session
    protection is "strong") and stamps `since`/`seen` (portal/auth/sessions.py). One real
    `login_user` in a request from the bench's address and User-Agent gives the template; each
    cookie is then that dict with the participant's id and the current time, signed with the app's
    own serializer. Stamped when a participant starts, so the 30-minute idle limit counts from there.
    """

    def __init__(self, app, user_id: int, user_agent: str = USER_AGENT, remote_addr: str = "127.0.0.1"):
        from flask import session
        from flask_login import login_user

        from portal import clock
        from portal.extensions import db
        from portal.models import User

        with app.test_request_context("/masuk", method="POST", environ_base={"REMOTE_ADDR": remote_addr},
                                      headers={"User-Agent": user_agent}):
            session.clear()
            user = db.session.get(User, user_id)
            login_user(user)
            session["since"] = session["seen"] = clock.real_now().timestamp()
            self.template = dict(session)
            db.session.remove()
        expected = {"_user_id", "_fresh", "_id", "since", "seen"}
        if set(self.template) != expected:
            raise BenchError(f"a login stores {sorted(self.template)}, the forge expects {sorted(expected)}")
        self.serializer = app.session_interface.get_signing_serializer(app)
        self.cookie_name = app.config["SESSION_COOKIE_NAME"]

    def cookie(self, user_id: int, session_version: int = 1) -> str:
        from portal import clock

        now = clock.real_now().timestamp()  # real time: the session limits do not move with the demo clock
        return self.serializer.dumps({**self.template, "_user_id": f"{user_id}.{session_version}",
                                      "since": now, "seen": now})


def deadline_day_acceptance(now: datetime) -> datetime:
    """Accepted 29 days ago: the card's deadline (end of the 30th day, WIB) is tomorrow, the day
    wave 13's last 12,000 bought (7 April 2021), and the run never straddles it."""
    return now - timedelta(days=29)
