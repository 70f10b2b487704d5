"""The deadline surge of wave 13, replayed against gunicorn (2 workers) on SQLite and on PostgreSQL.

For each database: a scratch database migrated with `flask db upgrade`, the demo catalogue, wave 13
with N participants who hold an active card (deadline tomorrow) and are already logged in (the bench
forges their signed session cookies, as a real login leaves them), eight offerings with room for all
of them and one small offering that many try first. Then, on one gunicorn server:

1. the throughput of a bare route (`/bench/bare`, bench/wsgi_bench.py) and of the catalogue
   (`/pelatihan/`), back to back, same client and concurrency: their ratio;
2. the surge: many concurrent clients, each taking the next participant through Daftar (GET),
   Kirim OTP (POST, then the Verifikasi page), the code read from the SMS outbox with SQL,
   Verifikasi (POST, then Pembayaran Berhasil), Portofolio, the training's page and Mulai Pelatihan
   (POST, then the page again). A participant who loses the small offering's last seat (at Kirim
   OTP or at Verifikasi) goes to their own offering, as a person would;
3. the checks: `flask ledger check`, seats taken = enrollments <= seats for every offering, no
   balance below zero and every card's balance = Rp1.000.000 - what it paid, one purchase per
   completed flow, every training started, no 5xx and no error in the server's log.

Prints flows/s, p50/p95/p99 per step, errors, the ratio, the CPU each side used, PASS/MISS per
target. Exit status 0 when it ran (a MISS is a figure, not a failure), 1 on errors in the flows,
oversold seats or balances, a ledger off balance, or a server that did not start.

    .venv/bin/python bench/load.py --quick              # 80 purchases per database, ~12-15 s each
    .venv/bin/python bench/load.py --db postgresql      # the full 12,000 (docs/benchmarks.md)
"""
from __future__ import annotations

import argparse
import asyncio
import math
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.server import (  # noqa: E402  (the repository's root must be on the path first)
    USER_AGENT,
    Bench,
    BenchError,
    CpuMeter,
    CpuShare,
    Participant,
    ScratchDatabase,
    SessionForge,
    choose_limits,
    deadline_day_acceptance,
    ledger_check,
    migrate,
    percentile,
    portal_app,
    portal_env,
    run_each,
    say,
    seed_catalogue,
    seed_participants,
    terminate_on_sigterm,
)
from tests.support.codes import code_in  # noqa: E402
from tests.support.journey import AsyncJourney, JourneyError, Page, Request  # noqa: E402

try:
    import aiohttp
except ImportError:  # pragma: no cover
    sys.exit("bench/load.py needs aiohttp: .venv/bin/pip install -r bench/requirements.txt")

WAVE = 13
FULL_PURCHASES, TARGET_SECONDS, TARGET_RATIO = 12_000, 120, 0.40
BALANCE = 1_000_000
PRICES = (1_000_000, 750_000, 600_000, 500_000)  # one offering at the whole balance: the CHECK's edge
OWN_OFFERINGS = 8
STEPS = ("daftar", "kirim_otp", "outbox", "verifikasi", "portofolio", "pelatihan_saya", "mulai")


# ---------------------------------------------------------------- the world
@dataclass
class Plan:
    participants: list[Participant]
    routes: list[list[int]]  # per participant: the offerings to try, in order
    own: list[int]
    contended: int
    contended_seats: int
    contenders: int


def seed_surge(count: int, now) -> Plan:
    """The catalogue, wave 13 and its participants, and the offerings they buy (inside an app context)."""
    from datetime import timedelta

    from sqlalchemy import select

    from portal.clock import today_wib
    from portal.extensions import db
    from portal.models import Offering, Programme, Provider

    seed_catalogue()
    labelled = db.session.scalars(select(Provider).where(Provider.prakerja_label.is_(True)).order_by(Provider.id)).all()
    programmes = db.session.scalars(select(Programme).order_by(Programme.id).limit(OWN_OFFERINGS)).all()
    today = today_wib(now)
    contended_seats = max(5, count // 100)
    contenders = min(count, 4 * contended_seats)
    # Contenders are spread over the first part of the queue, so they race each other and the rest.
    spacing = max(1, min(8, count // max(1, contenders)))
    contender = {i * spacing for i in range(contenders)}
    homes = [i % OWN_OFFERINGS for i in range(count)]

    def offering(programme, provider, price, seats):
        return Offering(programme=programme, provider=provider, price=price, seats=seats, seats_taken=0,
                        mode="daring", city=provider.city, province_code=provider.province_code,
                        start_date=today + timedelta(days=14), end_date=today + timedelta(days=44),
                        published=True, created_at=now)

    own = [offering(programmes[k], labelled[k % len(labelled)], PRICES[k % len(PRICES)], homes.count(k))
           for k in range(OWN_OFFERINGS)]
    small = offering(programmes[0], labelled[-1], 600_000, contended_seats)
    db.session.add_all([*own, small])
    db.session.commit()
    own_ids, small_id = [o.id for o in own], small.id
    participants = seed_participants(count, WAVE, deadline_day_acceptance(now), now)  # expunges as it goes
    routes = [([small_id] if i in contender else []) + [own_ids[homes[i]]] for i in range(count)]
    return Plan(participants, routes, own_ids, small_id, contended_seats, contenders)


# ---------------------------------------------------------------- the client
@dataclass
class Stats:
    seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter = field(default_factory=Counter)
    errors: Counter = field(default_factory=Counter)  # per step
    samples: list[str] = field(default_factory=list)
    refused: Counter = field(default_factory=Counter)  # lost the small offering's seat, at which step
    purchases: list[float] = field(default_factory=list)  # seconds since the start
    flows: int = 0


class Browser:
    """One participant's browser for the journey driver (tests/support/journey.py): the session
    cookie, redirects followed, every status counted, each step timed."""

    def __init__(self, http: aiohttp.ClientSession, stats: Stats, cookie: str):
        self.http, self.stats, self.cookie = http, stats, cookie

    async def _one(self, method: str, path: str, data: dict | None) -> tuple[int, str, str]:
        async with self.http.request(method, path, data=data, allow_redirects=False,
                                     headers={"Cookie": f"session={self.cookie}"}) as response:
            body = await response.text()
            self.stats.statuses[response.status] += 1
            morsel = response.cookies.get("session")
            if morsel is not None:
                if not morsel.value:
                    raise JourneyError("session", f"{method} {path} deleted the session ({response.status})")
                self.cookie = morsel.value
            return response.status, response.headers.get("Location", ""), body

    async def send(self, request: Request) -> Page:
        """Send, follow redirects; the page where it ended."""
        started, method, path, data = time.perf_counter(), request.method, request.url, request.data
        if method == "GET" and data:
            path, data = f"{path}?{urlencode(data)}", None
        for _hop in range(5):
            status, location, body = await self._one(method, path, data)
            if status in (301, 302, 303) and location:
                parts = urlsplit(location)
                method, path, data = "GET", parts.path + (f"?{parts.query}" if parts.query else ""), None
                continue
            break
        self.stats.seconds[request.step].append(time.perf_counter() - started)
        return Page(path, status, body)


class Outbox:
    """The participants' phones: the SMS to a number, read with SQL from the outbox table.

    A code source for the journey driver; each participant's marker is the id of the last message
    read, kept here (the bench is the only reader), so marking costs no query.
    """

    SQL = "SELECT id, body FROM sms_messages WHERE to_phone = %s ORDER BY id DESC LIMIT 1"

    def __init__(self, database: ScratchDatabase, stats: Stats, connections: int = 4):
        self.database, self.stats = database, stats
        self.pool: asyncio.Queue | None = None
        self.connections = connections
        self.sqlite = None
        self.seen: dict[str, int] = {}

    async def open(self) -> None:
        if self.database.kind == "sqlite":
            self.sqlite = self.database.connect()  # WAL: a reader never waits for the writers
            return
        import psycopg

        self.pool = asyncio.Queue()
        for _ in range(self.connections):
            self.pool.put_nowait(await psycopg.AsyncConnection.connect(self.database.url, autocommit=True))

    async def close(self) -> None:
        if self.sqlite is not None:
            self.sqlite.close()
        while self.pool is not None and not self.pool.empty():
            await self.pool.get_nowait().close()

    async def _newest(self, phone: str) -> tuple[int, str] | None:
        if self.sqlite is not None:
            return self.sqlite.execute(self.SQL.replace("%s", "?"), (phone,)).fetchone()
        connection = await self.pool.get()
        try:
            cursor = await connection.execute(self.SQL, (phone,))
            return await cursor.fetchone()
        finally:
            self.pool.put_nowait(connection)

    def mark(self, phone: str) -> int:
        return self.seen.get(phone, 0)

    async def code_after(self, phone: str, mark: int) -> str:
        """The code of a message to `phone` newer than message `mark`."""
        started = time.perf_counter()
        for _ in range(100):
            row = await self._newest(phone)
            if row is not None and row[0] > mark:
                self.seen[phone] = row[0]
                self.stats.seconds["outbox"].append(time.perf_counter() - started)
                try:
                    return code_in(row[1])
                except AssertionError as error:
                    raise JourneyError("outbox", str(error)) from None
            await asyncio.sleep(0.05)
        raise JourneyError("outbox", "no SMS within 5 s")


async def journey(http, stats: Stats, outbox: Outbox, forge: SessionForge, who: Participant, route: list[int],
                  started: float) -> None:
    """Daftar → Kirim OTP → (the phone) → Verifikasi → Portofolio → the training → Mulai Pelatihan."""
    walk = AsyncJourney(Browser(http, stats, forge.cookie(who.user_id, who.session_version)), outbox)
    purchase = await walk.buy(who, who.card_number, [f"/prakerja/daftar/{offering}" for offering in route])
    stats.purchases.append(time.perf_counter() - started)
    stats.refused.update(purchase.refused)  # lost the small offering's last seat, then bought their own
    await walk.start_training(await walk.portfolio())
    stats.flows += 1


def client_session(base: str, concurrency: int) -> aiohttp.ClientSession:
    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=concurrency)
    return aiohttp.ClientSession(base, connector=connector, cookie_jar=aiohttp.DummyCookieJar(),
                                 headers={"User-Agent": USER_AGENT, "Accept-Language": "id"},
                                 timeout=aiohttp.ClientTimeout(total=120))


async def surge(base: str, database: ScratchDatabase, forge: SessionForge, plan: Plan, concurrency: int,
                max_seconds: float) -> tuple[Stats, float, int]:
    """Every participant through the journey, `concurrency` at a time; returns (stats, seconds, not run)."""
    stats, queue = Stats(), asyncio.Queue()
    for item in zip(plan.participants, plan.routes, strict=True):
        queue.put_nowait(item)
    outbox = Outbox(database, stats)
    await outbox.open()
    started = time.perf_counter()
    deadline = started + max_seconds

    async def client(http):
        while not queue.empty() and time.perf_counter() < deadline:
            who, route = queue.get_nowait()
            try:
                await journey(http, stats, outbox, forge, who, route, started)
            except JourneyError as error:
                stats.errors[error.step] += 1
                if len(stats.samples) < 5:
                    stats.samples.append(str(error))
            except (TimeoutError, aiohttp.ClientError) as error:
                stats.errors["http"] += 1
                if len(stats.samples) < 5:
                    stats.samples.append(f"http: {type(error).__name__}: {error}")

    async def progress():
        total = len(plan.participants)
        while True:
            await asyncio.sleep(10)
            elapsed = time.perf_counter() - started
            say(f"    [{elapsed:5.0f} s] {stats.flows}/{total} flows, {stats.flows / elapsed:.1f}/s, "
                f"errors {sum(stats.errors.values())}")

    try:
        async with client_session(base, concurrency) as http:
            reporter = asyncio.create_task(progress())
            await asyncio.gather(*(client(http) for _ in range(concurrency)))
            reporter.cancel()
    finally:
        await outbox.close()
    return stats, time.perf_counter() - started, queue.qsize()


# ---------------------------------------------------------------- bare route and catalogue
async def hammer(base: str, path: str, concurrency: int, seconds: float) -> tuple[int, int]:
    """GET `path` from `concurrency` keep-alive clients for `seconds`: (responses, non-200 or failed)."""
    done, bad = 0, 0
    async with client_session(base, concurrency) as http:
        stop = time.perf_counter() + seconds

        async def loop():
            nonlocal done, bad
            while time.perf_counter() < stop:
                try:
                    async with http.get(path) as response:
                        await response.read()
                        done += 1
                        bad += response.status != 200
                except (TimeoutError, aiohttp.ClientError):
                    bad += 1

        await asyncio.gather(*(loop() for _ in range(concurrency)))
    return done, bad


def wrk(base: str, path: str, concurrency: int, seconds: float) -> tuple[int, int]:
    """The same with wrk (C, far lighter than any Python client): (responses, non-2xx/3xx or errors)."""
    done = subprocess.run(["wrk", "-t1", f"-c{concurrency}", f"-d{max(1, round(seconds))}s", "--timeout", "30s",
                           "-H", f"User-Agent: {USER_AGENT}", "-H", "Accept-Language: id", base + path],
                          capture_output=True, text=True, timeout=seconds + 60)
    if done.returncode:
        raise BenchError(f"wrk failed: {done.stderr[-500:]}")
    total = re.search(r"(\d+) requests in", done.stdout)
    if total is None:
        raise BenchError(f"wrk printed no request count:\n{done.stdout}")
    bad = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", done.stdout))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", done.stdout)
    bad += sum(int(n) for n in socket.groups()) if socket else 0
    return int(total.group(1)), bad


@dataclass
class Ratio:
    tool: str
    bare: float = 0.0  # requests per second
    catalogue: float = 0.0
    bare_cpu_ms: float = 0.0  # the server's CPU per request
    catalogue_cpu_ms: float = 0.0
    bad: int = 0
    cpu: dict[str, str] = field(default_factory=dict)

    @property
    def value(self) -> float:
        return self.catalogue / self.bare if self.bare else 0.0

    @property
    def cpu_value(self) -> float:
        return self.bare_cpu_ms / self.catalogue_cpu_ms if self.catalogue_cpu_ms else 0.0


def measure_ratio(server, database: ScratchDatabase, concurrency: int, seconds: float, rounds: int,
                  tool: str) -> Ratio:
    """Bare route and catalogue back to back, `rounds` times, on the same server and client."""
    result = Ratio(tool)
    totals = {name: [0, 0.0, 0.0] for name in ("bare", "catalogue")}  # requests, seconds, server CPU

    def run(path: str, span: float) -> tuple[int, int]:
        if tool == "wrk":
            return wrk(server.base, path, concurrency, span)
        return asyncio.run(hammer(server.base, path, concurrency, span))

    for path in ("/bench/bare", "/pelatihan/"):  # warm both: templates compiled, pools filled
        asyncio.run(hammer(server.base, path, concurrency, 0.5 if seconds <= 2 else 1))
    for _ in range(rounds):
        for name, path in (("bare", "/bench/bare"), ("catalogue", "/pelatihan/")):
            meter = CpuMeter(server.pids, database.backend_pids, client_children=tool == "wrk")
            with meter:
                count, bad = run(path, seconds)
            totals[name][0] += count
            totals[name][1] += meter.share.wall
            totals[name][2] += meter.share.server
            result.bad += bad
            result.cpu[name] = meter.share.line()
    (n_bare, t_bare, c_bare), (n_cat, t_cat, c_cat) = totals["bare"], totals["catalogue"]
    result.bare, result.catalogue = n_bare / t_bare, n_cat / t_cat
    result.bare_cpu_ms, result.catalogue_cpu_ms = 1000 * c_bare / max(1, n_bare), 1000 * c_cat / max(1, n_cat)
    return result


# ---------------------------------------------------------------- checks
def check_world(database: ScratchDatabase, plan: Plan, stats: Stats) -> tuple[list[str], list[str]]:
    """(problems, facts) after the surge, from the database itself."""
    problems, facts = [], []
    q = database.query
    (enrollments, started), = q("SELECT count(*), coalesce(sum(CASE WHEN status = 'in_progress' THEN 1 ELSE 0 END), 0) "
                                "FROM enrollments")
    (purchases,), = q("SELECT count(*) FROM ledger_entries WHERE kind = 'purchase'")
    facts.append(f"enrollments {enrollments} (started {started}), purchase ledger entries {purchases}, "
                 f"purchases the clients saw {len(stats.purchases)}, flows completed {stats.flows}")
    if enrollments != purchases:
        problems.append(f"{enrollments} enrollments but {purchases} purchase entries in the ledger")
    if enrollments < len(stats.purchases) or started < stats.flows:
        problems.append(f"the clients saw {len(stats.purchases)} purchases and {stats.flows} started trainings, "
                        f"the database has {enrollments} and {started}")
    oversold = q("SELECT o.id, o.seats, o.seats_taken, count(e.id) FROM offerings o "
                 "LEFT JOIN enrollments e ON e.offering_id = o.id GROUP BY o.id, o.seats, o.seats_taken "
                 "HAVING o.seats_taken > o.seats OR o.seats_taken <> count(e.id)")
    problems += [f"offering {i}: seats {s}, taken {t}, enrollments {n}: OVERSOLD or miscounted"
                 for i, s, t, n in oversold]
    (seats, taken), = q("SELECT seats, seats_taken FROM offerings WHERE id = %s", (plan.contended,))
    facts.append(f"seats: no offering oversold ({len(oversold)} off); the small one {taken}/{seats} taken by "
                 f"{plan.contenders} contenders (who lost the race: {stats.refused['kirim_otp']} at Kirim OTP, "
                 f"{stats.refused['verifikasi']} at Verifikasi, then bought their own)")
    if plan.contenders > seats and stats.flows == len(plan.participants) and taken != seats:
        problems.append(f"the small offering sold {taken} of {seats} seats with {plan.contenders} contenders")
    wrong = q("SELECT c.id, c.balance, coalesce(sum(e.price_paid), 0) FROM cards c "
              "LEFT JOIN enrollments e ON e.card_id = c.id GROUP BY c.id, c.balance "
              f"HAVING c.balance < 0 OR c.balance <> {BALANCE} - coalesce(sum(e.price_paid), 0)")
    problems += [f"card {i}: balance {b}, paid {p}" for i, b, p in wrong[:10]]
    (negative, twice, zero), = q(
        "SELECT (SELECT count(*) FROM cards WHERE balance < 0), "
        "(SELECT count(*) FROM (SELECT card_id FROM enrollments GROUP BY card_id HAVING count(*) > 1) AS t), "
        "(SELECT count(*) FROM cards WHERE balance = 0)")
    facts.append(f"balances: {negative} below zero, {zero} at exactly zero, {len(wrong)} not Rp1.000.000 minus "
                 f"what the card paid; {twice} cards bought twice")
    if twice:
        problems.append(f"{twice} cards bought more than once")
    return problems, facts


# ---------------------------------------------------------------- one database
@dataclass
class Result:
    kind: str
    count: int
    ratio: Ratio | None = None
    stats: Stats = field(default_factory=Stats)
    seconds: float = 0.0
    not_run: int = 0
    problems: list[str] = field(default_factory=list)
    share: CpuShare | None = None

    @property
    def rate(self) -> float:
        return self.stats.flows / self.seconds if self.seconds else 0.0

    @property
    def projected(self) -> float:
        return FULL_PURCHASES / self.rate if self.rate else math.inf

    def cpu_per_flow(self, *parts: str) -> float:
        """CPU seconds per completed flow of the named parts (server, database, client)."""
        if not self.stats.flows or self.share is None:
            return math.inf
        return sum(getattr(self.share, part) for part in parts) / self.stats.flows

    @property
    def ceiling(self) -> float:
        """Flows/s the machine's cores would allow if the server and its database had them to
        themselves (the client elsewhere): cores / (server + database CPU per flow)."""
        per_flow = self.cpu_per_flow("server", "database")
        return self.share.cores / per_flow if per_flow and per_flow != math.inf else 0.0


def run_database(kind: str, args, bench: Bench) -> Result:
    result, clock_started = Result(kind, args.purchases), time.monotonic()
    database = bench.database(kind)
    limits = choose_limits(args.limits, f"{bench.tag}_{kind}")
    bench.limits.append(limits)
    env = portal_env(database, bench.secret, limits)
    migrate(env)
    server = bench.server(env, workers=args.workers, name=f"gunicorn-{kind}")  # boots while this process seeds
    with portal_app(env) as app, app.app_context():
        from portal import clock
        from portal.extensions import db

        plan = seed_surge(args.purchases, clock.now())
        forge = SessionForge(app, plan.participants[0].user_id)
        db.session.remove()
        db.engine.dispose()  # no connection of this process stays open during the run
        say(f"  {database.label}: migrated and seeded in {time.monotonic() - clock_started:.1f} s: the demo "
            f"catalogue, {args.purchases} participants of wave {WAVE} (deadline tomorrow, logged in), offerings "
            f"{plan.own} (their own), {plan.contended} (small: {plan.contended_seats} seats, {plan.contenders} try "
            "it first)")
        server.wait_ready()
        say(f"  {server.describe()} at {server.base}; {limits.describe()}; SMS backend outbox; "
            "JSON request log at INFO (to a file)")
        result.ratio = measure_and_say_ratio(server, database, args)
        if result.ratio.bad:
            result.problems.append(f"{result.ratio.bad} failed or non-200 responses while measuring the ratio")

        say(f"  surge: {args.purchases} participants, {args.clients} concurrent clients (aiohttp, keep-alive)")
        meter = CpuMeter(server.pids, database.backend_pids)
        with meter:
            result.stats, result.seconds, result.not_run = asyncio.run(
                surge(server.base, database, forge, plan, args.clients, args.max_seconds))
        result.share = meter.share
        workers = sorted((cpu for pid, cpu in meter.share.by_pid.items() if pid != server.process.pid), reverse=True)
        server.stop()
        stats = result.stats
        if stats.errors:
            result.problems.append(f"flow errors {dict(stats.errors)}; e.g. " + " | ".join(stats.samples))
        if any(status >= 500 for status in stats.statuses):
            result.problems.append(f"5xx responses: { {s: n for s, n in stats.statuses.items() if s >= 500} }")
        log_problems = server.log_problems()
        if log_problems:
            result.problems.append(f"{len(log_problems)} error lines in the server's log, e.g. "
                                   f"{log_problems[0][:300]}")
        problems, facts = check_world(database, plan, stats)
        result.problems += problems
        balanced, text = ledger_check()
        facts.insert(0, f"ledger check (portal/services/ledger.py): {'balanced' if balanced else 'OFF'}: {text}")
        if not balanced:
            result.problems.append(f"ledger check failed: {text}")
    print_database(result, facts, workers)
    return result


def measure_and_say_ratio(server, database: ScratchDatabase, args) -> Ratio:
    tool = "wrk" if args.ratio_client == "wrk" or (args.ratio_client == "auto" and shutil.which("wrk")) else "aiohttp"
    r = measure_ratio(server, database, args.clients, args.ratio_seconds, args.ratio_rounds, tool)
    say(f"  bare route {r.bare:.0f} req/s, catalogue {r.catalogue:.0f} req/s: {100 * r.value:.1f}% "
        f"({tool}, {args.clients} keep-alive connections, {args.ratio_rounds} x {args.ratio_seconds:g} s each, "
        f"back to back); server CPU per request {r.bare_cpu_ms:.2f} ms vs {r.catalogue_cpu_ms:.2f} ms "
        f"({100 * r.cpu_value:.1f}%)")
    say(f"    CPU, bare: {r.cpu['bare']}\n    CPU, catalogue: {r.cpu['catalogue']}")
    return r


def print_database(result: Result, facts: list[str], workers: list[float]) -> None:
    stats, share = result.stats, result.share
    say(f"  surge: {stats.flows} flows in {result.seconds:.1f} s = {result.rate:.1f} flows/s"
        + (f" (stopped at --max-seconds: {result.not_run} participants not run)" if result.not_run else "")
        + f"; last purchase at {max(stats.purchases, default=0):.1f} s; "
        f"responses {dict(sorted(stats.statuses.items()))}")
    say(f"  CPU during the surge: {share.line()}")
    say(f"  CPU per flow: server {1000 * result.cpu_per_flow('server'):.0f} ms, database "
        f"{1000 * result.cpu_per_flow('database'):.0f} ms, client {1000 * result.cpu_per_flow('client'):.0f} ms; "
        f"workers' shares {' / '.join(f'{100 * w / max(sum(workers), 1e-9):.0f}%' for w in workers)}; "
        f"ceiling if server and database had all {share.cores} cores: {result.ceiling:.1f} flows/s")
    say(f"  {'step':<12}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}")
    for step in (*STEPS, "session", "http"):
        values = stats.seconds.get(step, [])
        if not values and not stats.errors.get(step):
            continue
        say(f"  {step:<12}{len(values):>7}" + "".join(
            f"{1000 * percentile(values, q):>9.0f}" for q in (50, 95, 99, 100)) + f"{stats.errors.get(step, 0):>8}")
    say("  (each step includes following its redirect: Kirim OTP shows Verifikasi, Verifikasi shows Pembayaran "
        "Berhasil, Mulai shows the training again; outbox is the bench's own SQL read of the code)")
    for fact in facts:
        say(f"  check: {fact}")
    for problem in result.problems:
        say(f"  PROBLEM: {problem}")


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def summary(results: list[Result], args) -> None:
    say("\n== summary (bench/load.py" + (" --quick" if args.quick else "") + ") ==")
    say(f"{'database':<11}{'flows':>6}{'secs':>7}{'flows/s':>8}{'ceiling':>8}{'12k in':>8}{'bare/s':>8}{'cat/s':>7}"
        f"{'cat/bare':>9}{'by CPU':>7}{'errors':>7}  checks")
    for r in results:
        say(f"{r.kind:<11}{r.stats.flows:>6}{r.seconds:>7.1f}{r.rate:>8.1f}{r.ceiling:>8.1f}{r.projected:>7.0f}s"
            f"{r.ratio.bare:>8.0f}{r.ratio.catalogue:>7.0f}{100 * r.ratio.value:>8.1f}%{100 * r.ratio.cpu_value:>6.1f}%"
            f"{sum(r.stats.errors.values()):>7}  " + ("ok" if not r.problems else f"{len(r.problems)} PROBLEM(S)"))
    say("(ceiling: flows/s if the server and its database had every core, from their CPU per flow; by CPU: the "
        "server's CPU per bare request over its CPU per catalogue request)")
    say("targets:")
    for r in results:
        say(f"  {verdict(r.ratio.value >= TARGET_RATIO)}  {r.kind}: catalogue at {100 * r.ratio.value:.1f}% of the "
            f"bare route's throughput (target >= {100 * TARGET_RATIO:.0f}%)")
    for r in results:
        clean = "no error, nothing oversold" if not r.problems else "PROBLEMS above"
        if r.count >= FULL_PURCHASES and not r.not_run:
            say(f"  {verdict(r.seconds <= TARGET_SECONDS and not r.problems)}  {r.kind}: {r.stats.flows:,} purchases, "
                f"each flow through Mulai Pelatihan, in {r.seconds:.0f} s (target {FULL_PURCHASES:,} in <= "
                f"{TARGET_SECONDS} s, no error, nothing oversold): {clean}")
        else:
            say(f"  {verdict(r.projected <= TARGET_SECONDS and not r.problems)}  {r.kind}: {FULL_PURCHASES:,} "
                f"purchases projected at {r.projected:.0f} s from {r.rate:.1f} flows/s over {r.stats.flows} flows "
                f"(target <= {TARGET_SECONDS} s; the full run measures it): {clean}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small run (about 12-15 s per database)")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--purchases", type=int, help=f"participants who buy (default {FULL_PURCHASES}, --quick 80)")
    parser.add_argument("--clients", type=int, default=48, help="concurrent clients (default 48)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--limits", choices=("auto", "redis", "off"), default="auto",
                        help="Flask-Limiter: Redis with generous limits (auto: when Redis answers) or off")
    parser.add_argument("--ratio-client", choices=("auto", "wrk", "aiohttp"), default="auto",
                        help="client for the bare/catalogue ratio (auto: wrk when installed)")
    parser.add_argument("--ratio-seconds", type=int, help="seconds per measurement (default 5, --quick 2)")
    parser.add_argument("--ratio-rounds", type=int, help="bare+catalogue rounds (default 3, --quick 1)")
    parser.add_argument("--max-seconds", type=float,
                        help="start no flow after this many seconds of surge (default 1800, --quick 8)")
    parser.add_argument("--keep", action="store_true", help="keep the run's folder (gunicorn logs, SQLite file)")
    args = parser.parse_args(argv)
    args.purchases = args.purchases or (80 if args.quick else FULL_PURCHASES)
    args.ratio_seconds = args.ratio_seconds or (2 if args.quick else 5)
    args.ratio_rounds = args.ratio_rounds or (1 if args.quick else 3)
    args.max_seconds = args.max_seconds or (8 if args.quick else 1800)
    if args.ratio_client == "wrk" and not shutil.which("wrk"):
        parser.error("wrk is not installed (apt-get install -y wrk); use --ratio-client aiohttp")
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)

    terminate_on_sigterm()
    bench, started = Bench(keep=args.keep), time.monotonic()
    say(f"== bench/load.py: the wave {WAVE} deadline surge, {args.purchases} purchases per database, "
        f"{os.cpu_count()} cores ==")
    results, status = run_each(kinds, lambda kind: run_database(kind, args, bench), bench)
    if status:
        return status
    summary(results, args)
    say(f"total {time.monotonic() - started:.0f} s")
    return 1 if any(r.problems for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
