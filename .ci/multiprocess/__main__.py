"""CI: the portal as production runs it, driven through the whole journey by 50 users at once.

A fresh PostgreSQL database (dropped at the end), Redis for the rate-limit counters, an SMS
gateway stub in this process (the users' phones: tests/support/sms_gateway.py), gunicorn with 3
workers and the `scheduler` process (which also relays the SMS outbox to the stub: no request
calls the gateway), all in the production profile (processes.py). Then 50
users, concurrently and over real HTTP, go from Buat Akun to Mulai Pelatihan through the forms
(crowd.py, with the shared journey driver of tests/support/journey.py). Checked afterwards, in
this order: 50 enrollments, no seat oversold, every card's balance, `flask ledger check`, the
scheduler's sweep, no 5xx, the journey spread over workers; then a second gunicorn with tight
limits shows that the login and OTP limits hold across the workers.

Run: `.venv/bin/python .ci/multiprocess` (from .ci/run). Exit status 0 only if all holds.
"""
from __future__ import annotations

import random
import secrets
import signal
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor, wait
from pathlib import Path

import psycopg
import redis

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # tests.support, the shared driver and stub

from crowd import PRICE, SEATS, USERS, Browser, Stats, journey, people  # noqa: E402
from processes import BIN, WORKERS, Failure, Processes  # noqa: E402

from tests.support.journey import Journey, JourneyError, Person, get, submit  # noqa: E402
from tests.support.sms_gateway import SmsGateway  # noqa: E402

WAVE = 90
# A newcomer of the limit phase: the population registry knows them (seeded), the portal does not yet.
GUEST = Person(nik="3171015505900001", name="Tamu Uji Batas", phone="+6281377770001", email="batas@contoh.id",
               password=f"es teler segar {secrets.token_hex(4)}", mother="Siti Aminah")
RUN_LIMIT = 300  # seconds for the whole script, cleanup included in what is left
LOGIN_LIMIT, LOGIN_TRIES, OTP_LIMIT, OTP_TRIES = 10, 12, 5, 7


class Run:
    def __init__(self):
        self.started = time.monotonic()
        self.sms = SmsGateway(token=secrets.token_hex(16)).start()
        self.p = Processes(self.sms.url, self.sms.token)
        self.stats = Stats()
        self.summary: list[str] = []

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def step(self, text: str) -> None:
        print(f"[{self.elapsed():5.1f}s] {text}", flush=True)

    def execute(self) -> None:
        if not (ROOT / "portal/translations/id/LC_MESSAGES/messages.mo").exists():
            raise Failure("the Indonesian catalogue is not compiled: run `make setup` first")
        p = self.p
        p.claim_redis_db()
        p.create_database()
        self.step(f"database {p.db_name}, redis db {p.redis_db}, SMS gateway {self.sms.url}")
        p.migrate()
        seed = random.randrange(10**6)
        crowd = people(random.Random(seed))
        result = p.seed({"slug": "kasir-ritel-modern-uji-multiproses", "title": "Kasir Ritel Modern (Uji Multiproses)",
                         "price": PRICE, "seats": SEATS, "wave": WAVE,
                         "people": [{"nik": who.nik, "name": who.name, "phone": who.phone, "mother": who.mother}
                                    for who in crowd],
                         "population": [{"nik": GUEST.nik, "name": GUEST.name, "mother": GUEST.mother}]})
        self.step(f"migrated and seeded: catalogue, {USERS} cards in wave {WAVE} (people seed {seed})")
        scheduler = p.start("scheduler", [str(BIN / "flask"), "--app", "wsgi", "scheduler"])
        base, web = p.gunicorn("web")
        warm_up = len(p.access_log("web"))
        self.step(f"gunicorn ({WORKERS} workers) at {base}; scheduler pid {scheduler.pid}")

        outcomes, problems, journey_seconds = self.walk(base, crowd, result["cards"])
        p.stop("web", web)  # first: its access log is complete once it has stopped
        problems += self.check_world(result["offerings"], scheduler)
        web_rows = p.access_log("web")[warm_up:]
        if len({pid for pid, _, _ in web_rows}) < 2:
            problems.append("the whole journey was served by one worker: nothing ran across processes")
        try:
            problems += self.check_limits()
        except (Failure, JourneyError) as error:
            problems.append(f"limit phase: {error}")
        self.report(outcomes, journey_seconds, web_rows)
        code = p.stop("scheduler", scheduler)
        if code != 0:
            problems.append(f"the scheduler stopped with exit status {code} on SIGTERM (expected 0)")
        if problems:
            raise Failure("\n".join(problems))

    def walk(self, base: str, crowd: list[Person], cards: list[str]) -> tuple[list, list[str], float]:
        """Everyone through the journey at once: (purchases, problems, seconds)."""
        begun = time.monotonic()
        outcomes, errors = [], []
        pool = ThreadPoolExecutor(max_workers=USERS)
        futures = [pool.submit(journey, base, who, card, "multiproses", self.sms, self.stats)
                   for who, card in zip(crowd, cards, strict=True)]
        finished, pending = wait(futures, timeout=max(10, RUN_LIMIT - 60 - self.elapsed()))
        pool.shutdown(wait=False, cancel_futures=True)
        for future in finished:
            try:
                outcomes.append(future.result())
            except Exception as error:  # noqa: BLE001  (each person's failure is reported)
                errors.append(f"{type(error).__name__}: {error}")
        seconds = time.monotonic() - begun
        self.step(f"journey: {len(outcomes)}/{USERS} users reached Mulai Pelatihan in {seconds:.1f} s")
        problems = [f"{n}× {text}" for text, n in Counter(errors).most_common(5)]
        if pending:
            problems.append(f"{len(pending)} users still running at the time limit")
        return outcomes, problems, seconds

    def report(self, outcomes: list, journey_seconds: float, web_rows: list) -> None:
        self.summary += [
            f"users: {len(outcomes)}/{USERS} through all eight steps in {journey_seconds:.1f} s "
            f"(seats lost to others, then another provider: {sum(o.refused['kirim_otp'] for o in outcomes)} at "
            f"Kirim OTP, {sum(o.refused['verifikasi'] for o in outcomes)} at Verifikasi)",
            f"requests: {len(web_rows)}, per worker {sorted(Counter(pid for pid, _, _ in web_rows).values())}; "
            f"SMS: {len(self.sms.delivered)} delivered",
            f"cookie deletions without Secure (remember_token, Flask-Login): {self.stats.bare_deletions}",
            "statuses per step (count, median/max seconds):",
        ]
        for step_name, counts in self.stats.statuses.items():
            seconds = sorted(self.stats.seconds[step_name])
            self.summary.append(f"  {step_name:<15} {dict(sorted(counts.items()))}  "
                                f"{seconds[len(seconds) // 2]:.2f}/{seconds[-1]:.2f}")

    def check_world(self, ours: list[int], scheduler: subprocess.Popen) -> list[str]:
        """The database and the logs after the journey."""
        problems = []
        (enrolled, started), = self.p.sql(
            "SELECT count(*), count(*) FILTER (WHERE status = 'in_progress') FROM enrollments")
        if (enrolled, started) != (USERS, USERS):
            problems.append(f"{enrolled} enrollments, {started} in progress (expected {USERS})")
        for offering_id, seats, taken, sold in self.p.sql(
                "SELECT o.id, o.seats, o.seats_taken, count(e.id) FROM offerings o "
                "LEFT JOIN enrollments e ON e.offering_id = o.id "
                "GROUP BY o.id HAVING count(e.id) > 0 OR o.seats_taken > 0"):
            if taken > seats or taken != sold or offering_id not in ours:
                problems.append(f"offering {offering_id}: {taken} seats taken of {seats}, {sold} enrollments")
        self.summary.append("seats: " + ", ".join(
            f"offering {i} {taken}/{seats}" for i, seats, taken in self.p.sql(
                f"SELECT id, seats, seats_taken FROM offerings WHERE id IN ({','.join(map(str, ours))}) ORDER BY id")))
        (wrong,), = self.p.sql(
            f"SELECT count(*) FROM cards WHERE balance <> {1_000_000 - PRICE} OR first_purchase_at IS NULL")
        if wrong:
            problems.append(f"{wrong} cards with a balance other than Rp{1_000_000 - PRICE} or no purchase time")
        ledger = self.p.flask("ledger", "check")
        self.summary.append("ledger check: " + (ledger.stdout.strip().splitlines() or ["(no output)"])[-1])
        if ledger.returncode:
            problems.append(f"flask ledger check exited {ledger.returncode}: {ledger.stdout}{ledger.stderr[-1500:]}")
        runs = self.p.sql("SELECT job, status, count(*) FROM job_runs GROUP BY job, status ORDER BY job")
        self.summary.append("scheduler runs: " + (", ".join(f"{j} {s} ×{n}" for j, s, n in runs) or "none"))
        if scheduler.poll() is not None:
            problems.append(f"the scheduler process exited early with {scheduler.returncode}")
        if not any(job == "sweep" and status == "ok" for job, status, _ in runs):
            problems.append("the scheduler recorded no successful sweep")
        if any(status == "error" for _, status, _ in runs):
            failed = self.p.sql("SELECT job, error FROM job_runs WHERE status = 'error'")
            problems.append(f"a scheduled job failed: {failed}")
        server_errors = [row for row in self.p.access_log("web") if row[1] >= 500]
        if server_errors or self.stats.server_errors():
            problems.append(f"5xx responses: {server_errors[:5]}")
        worker_log = (self.p.logs / "web.log").read_text()
        if "Traceback" in worker_log or "WORKER TIMEOUT" in worker_log:
            problems.append("gunicorn's log has a traceback or a worker timeout (see web.log)")
        if self.sms.refused:
            problems.append(f"the SMS gateway refused {self.sms.refused} requests (token or body)")
        return problems

    def check_limits(self) -> list[str]:
        """A second gunicorn with tight limits: the counters are Redis's, not each worker's."""
        self.p.clear_limits()
        base, server = self.p.gunicorn("limits", RATELIMIT_LOGIN=f"{LOGIN_LIMIT} per minute",
                                     RATELIMIT_OTP=f"{OTP_LIMIT} per minute")
        self.step(f"limit phase: gunicorn at {base} with login {LOGIN_LIMIT}/min, OTP {OTP_LIMIT}/min")
        problems = []
        intruder = Browser(base, self.stats, close_each=True)
        page = intruder.send(get("limit_masuk", "/masuk"))
        attempt = submit("limit_masuk", page, "Masuk", {"login": "tidak.terdaftar@contoh.id",
                                                        "password": "salah sekali kata sandinya"}, expect=None)
        login = [intruder.send(attempt) for _ in range(LOGIN_TRIES)]
        # The OTP limit on activation codes: a new account, then wrong codes.
        visitor = Browser(base, self.stats, close_each=True)
        guest = GUEST
        walk = Journey(visitor, self.sms)
        page = walk.create_account(guest)
        wrong = f"{(int(self.sms.code_after(guest.phone, walk.visit.marks[guest.phone])) + 1) % 10**6:06d}"
        attempt = submit("limit_aktivasi", page, "Aktivasi Sekarang", {"code": wrong}, expect=None)
        otp = [visitor.send(attempt) for _ in range(OTP_TRIES)]
        intruder.close()
        visitor.close()
        self.p.stop("limits", server)  # first: its access log is complete once it has stopped
        rows = self.p.access_log("limits")
        counters = [key for pattern in ("LIMITS*", "LIMITER*") for key in self.p.redis.scan_iter(pattern)]
        self.summary.append(f"limit counters in Redis db {self.p.redis_db}: {len(counters)}")
        if not counters:
            problems.append("no rate-limit counter in Redis: the workers count on their own")
        if any(status >= 500 for _, status, _ in rows):
            problems.append(f"5xx in the limit phase: {[row for row in rows if row[1] >= 500][:5]}")
        letters = {pid: "ABCDEFGH"[n] for n, pid in enumerate(dict.fromkeys(pid for pid, _, _ in rows))}
        spread = []  # the phases whose attempts reached more than one worker
        for label, responses, limit, path in (("login", login, LOGIN_LIMIT, "/masuk"),
                                              ("OTP", otp, OTP_LIMIT, "/aktivasi")):
            statuses = [page.status for page in responses]
            order = [letters[pid] for pid, _, request in rows if request.startswith(f"POST {path} ")]
            pids = set(order)
            self.summary.append(f"{label} limit {limit}/min: {len(statuses)} tries, 429s: {statuses.count(429)}; "
                                f"statuses {statuses}; workers in order {''.join(order)}")
            if any(s == 429 for s in statuses[:limit]) or any(s != 429 for s in statuses[limit:]):
                problems.append(f"{label} limit of {limit} per minute did not hold across workers: {statuses}")
            if any(s >= 500 for s in statuses):
                problems.append(f"{label} attempts got a 5xx: {statuses}")
            if len(pids) > 1:
                spread.append(label)
        # Both limits count in the same Redis through the same Flask-Limiter storage, so one phase
        # spread over workers proves the counters are shared; which worker accepts a new connection
        # is the kernel's choice, and seven quick ones can all land on one.
        if not spread:
            problems.append("every limited attempt reached one worker: the cross-worker case was not exercised")
        return problems

    def cleanup(self, failed: bool) -> None:
        self.p.cleanup(failed)
        self.sms.stop()


def _time_is_up(signum, frame):
    raise Failure(f"the run took longer than {RUN_LIMIT} s")


def _terminated(signum, frame):
    raise Failure("terminated")


def main() -> int:
    signal.signal(signal.SIGALRM, _time_is_up)
    signal.signal(signal.SIGTERM, _terminated)
    signal.alarm(RUN_LIMIT)
    run, failure = Run(), None
    try:
        run.execute()
    except (Failure, subprocess.TimeoutExpired, psycopg.Error, redis.RedisError, OSError) as error:
        failure = error
    finally:
        signal.alarm(0)
        signal.alarm(40)  # cleanup gets its own bound
        run.cleanup(failed=failure is not None)
        signal.alarm(0)
    print("\n".join(["== multi-process summary ==", *run.summary, f"total: {run.elapsed():.1f} s"]))
    if failure is not None:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    print("multi-process run: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
