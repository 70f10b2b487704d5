"""CI: the portal as production runs it, driven through the whole journey by 50 users at once.

A fresh PostgreSQL database (dropped at the end), Redis for the rate-limit counters, an SMS
gateway stub in this process (the users' phones: it records {"to", "text"}), gunicorn with 3
workers and the `scheduler` process, all in the production profile. Then 50 users, concurrently
and over real HTTP, go from Buat Akun to Mulai Pelatihan through the forms. Checked afterwards:
50 enrollments, `flask ledger check`, no seat oversold, no 5xx, the scheduler's sweep; then a
second gunicorn with tight limits shows that the login and OTP limits hold across the workers.

Run: `.venv/bin/python .ci/multiprocess.py` (from .ci/run). Exit status 0 only if all holds.
"""
from __future__ import annotations

import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor, wait
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import psycopg
import redis
import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
USERS, WORKERS, WAVE, PRICE = 50, 3, 90, 600_000
SEATS = (30, 20)  # two labelled offerings of one programme: every seat is sold exactly once
RUN_LIMIT = 300  # seconds for the whole script, cleanup included in what is left
LOGIN_LIMIT, LOGIN_TRIES, OTP_LIMIT, OTP_TRIES = 10, 12, 5, 7
SEATS_GONE = "Kursi pelatihan ini sudah habis"  # the id text of "No seats are left in this training."
CLAIM = "portal-ci:multiprocess:claim"


class Failure(Exception):
    """The run found something wrong (or could not run); the message says what."""


# ---------------------------------------------------------------- the users' phones
class SmsGateway:
    """The `http` SMS backend's gateway: POST {"to","text"} with a bearer token, kept per phone."""

    def __init__(self):
        self.token = secrets.token_hex(16)
        self.inbox: dict[str, list[str]] = defaultdict(list)
        self.refused = 0
        self.arrived = threading.Condition()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                try:
                    message = json.loads(body)
                    ok = (self.headers.get("Authorization") == f"Bearer {gateway.token}"
                          and set(message) == {"to", "text"})
                except ValueError:
                    ok = False
                with gateway.arrived:
                    if ok:
                        gateway.inbox[message["to"]].append(message["text"])
                        gateway.arrived.notify_all()
                    else:
                        gateway.refused += 1
                self.send_response(200 if ok else 401)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok": true}' if ok else b'{"ok": false}')

            def log_message(self, *args):  # the texts carry codes: print nothing
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def count(self, phone: str) -> int:
        with self.arrived:
            return len(self.inbox[phone])

    def code_after(self, phone: str, seen: int, timeout: float = 15) -> str:
        """The 6-digit code of the first message to `phone` after the first `seen` ones."""
        with self.arrived:
            if not self.arrived.wait_for(lambda: len(self.inbox[phone]) > seen, timeout):
                raise Failure(f"no SMS reached {phone} within {timeout:.0f} s")
            text = self.inbox[phone][seen]
        codes = re.findall(r"(?<![\d.])\d{6}(?!\d)", text)
        if len(codes) != 1:
            raise Failure(f"SMS to {phone} has no single 6-digit code: {len(codes)} found")
        return codes[0]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


# ---------------------------------------------------------------- a browser without JavaScript
class _Forms(HTMLParser):
    """Each form's action, method, field values as a browser would send them, and buttons."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = self._select = self._textarea = self._button = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._form = {"action": a.get("action", ""), "method": a.get("method", "get").lower(),
                          "fields": {}, "buttons": []}
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        fields, name, kind = self._form["fields"], a.get("name"), a.get("type", "text").lower()
        if tag == "input" and kind == "submit":
            self._form["buttons"].append((a.get("value", ""), name, a.get("value", "")))
        elif tag == "input" and name and (kind not in ("checkbox", "radio") or "checked" in a):
            fields[name] = a.get("value", "on" if kind in ("checkbox", "radio") else "")
        elif tag == "select":
            self._select = [name, False]
        elif tag == "option" and self._select:
            if "selected" in a or (not self._select[1] and self._select[0] not in fields):
                fields[self._select[0]] = a.get("value", "")
                self._select[1] = self._select[1] or "selected" in a
        elif tag == "textarea":
            self._textarea, fields[name] = name, ""
        elif tag == "button" and a.get("type", "submit") == "submit":
            self._button = [[], name, a.get("value", "")]

    def handle_data(self, data):
        if self._textarea:
            self._form["fields"][self._textarea] += data
        if self._button:
            self._button[0].append(data)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "button" and self._button and self._form is not None:
            self._form["buttons"].append((" ".join("".join(self._button[0]).split()), *self._button[1:]))
            self._button = None
        elif tag == "form":
            self._form = None


class Browser:
    """One person's browser: a cookie jar, redirects followed, every status recorded per step.

    Production cookies are Secure, and rightly so; nothing terminates TLS in front of gunicorn
    here, and requests will not send a Secure cookie over http. So this client (never the app)
    checks that each cookie came with Secure, then clears the flag in its own jar.
    """

    def __init__(self, base: str, stats: Stats, close_each: bool = False):
        self.base, self.stats = base, stats
        self.http = requests.Session()
        self.http.headers["Accept-Language"] = "id"
        if close_each:  # a new connection per request, so gunicorn hands each to any worker
            self.http.headers["Connection"] = "close"

    def _send(self, step: str, method: str, url: str, **kwargs) -> requests.Response:
        started, statuses = time.monotonic(), []
        for _hop in range(10):
            response = self.http.request(method, url, allow_redirects=False, timeout=60, **kwargs)
            statuses.append(response.status_code)
            for cookie in response.raw.headers.getlist("Set-Cookie"):
                if "; secure" in cookie.lower():
                    continue
                if "max-age=0" not in cookie.lower():  # a deletion carries nothing to protect
                    raise Failure(f"{step}: {method} {urlsplit(url).path} set a cookie without Secure: {cookie}")
                with self.stats.lock:
                    self.stats.bare_deletions += 1
            for cookie in self.http.cookies:
                cookie.secure = False
            if response.status_code not in (301, 302, 303) or "Location" not in response.headers:
                break
            method, url, kwargs = "GET", urljoin(url, response.headers["Location"]), {}
        self.stats.record(step, statuses, time.monotonic() - started)
        return response

    def get(self, step: str, path: str, expect: int = 200) -> requests.Response:
        response = self._send(step, "GET", urljoin(self.base, path))
        if expect and response.status_code != expect:
            raise Failure(f"{step}: GET {path} gave {response.status_code}")
        return response

    def submit(self, step: str, page: requests.Response, button: str, values: dict[str, str],
               expect: int | None = 200) -> requests.Response:
        """Press `button` on `page`'s form, typing `values` into fields that must be there."""
        found = [(form, pressed) for form in _Forms(page.text).forms for pressed in form["buttons"]
                 if pressed[0] == button]
        if not found:
            raise Failure(f"{step}: no button {button!r} on {urlsplit(page.url).path}")
        form, (_text, name, value) = found[0]
        missing = set(values) - set(form["fields"])
        if missing:
            raise Failure(f"{step}: the form has no field {sorted(missing)}")
        data = {**form["fields"], **values, **({name: value} if name else {})}
        action = urljoin(page.url, form["action"] or page.url)
        if form["method"] == "post":
            response = self._send(step, "POST", action, data=data)
        else:
            response = self._send(step, "GET", action, params=data)
        if expect and response.status_code != expect:
            raise Failure(f"{step}: {form['method'].upper()} {urlsplit(action).path} gave {response.status_code}")
        return response


def link(page: requests.Response, pattern: str, step: str) -> str:
    match = re.search(pattern, page.text)
    if match is None:
        raise Failure(f"{step}: no link {pattern} on {urlsplit(page.url).path}")
    return match.group(1)


def expect_text(page: requests.Response, text: str, step: str) -> None:
    if text not in page.text:
        raise Failure(f"{step}: {text!r} not on {urlsplit(page.url).path}")


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.statuses: dict[str, Counter] = defaultdict(Counter)
        self.seconds: dict[str, list[float]] = defaultdict(list)
        self.bare_deletions = 0  # Set-Cookie deletions without Secure (Flask-Login's remember_token)

    def record(self, step: str, statuses: list[int], seconds: float) -> None:
        with self.lock:
            self.statuses[step].update(statuses)
            self.seconds[step].append(seconds)

    def server_errors(self) -> int:
        return sum(n for counts in self.statuses.values() for status, n in counts.items() if status >= 500)


# ---------------------------------------------------------------- the 50 people
def people(rng: random.Random) -> list[dict]:
    first = ["Rina", "Budi", "Sari", "Andi", "Dewi", "Agus", "Putri", "Joko", "Wulan", "Eko"]
    last = ["Marlina", "Santoso", "Lestari", "Wijaya", "Rahmawati", "Saputra", "Hidayat", "Kusuma"]
    base_phone = rng.randrange(1000, 10000)
    result = []
    for i in range(USERS):
        woman = i % 2 == 1
        day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(1965, 2002)
        nik = f"{31 + i % 6}{rng.randint(1, 79):02d}{rng.randint(1, 40):02d}" \
              f"{day + 40 * woman:02d}{month:02d}{year % 100:02d}{i + 1:04d}"
        result.append({
            "nik": nik, "name": f"{rng.choice(first)} {rng.choice(last)}", "phone": f"+62812{base_phone}{i:04d}",
            "email": f"peserta{i:02d}.{base_phone}@contoh.id", "password": f"teh manis hangat {secrets.token_hex(4)}",
        })
    return result


def journey(base: str, person: dict, card: str, search: str, sms: SmsGateway, stats: Stats) -> dict:
    """Buat Akun → … → Mulai Pelatihan, through the forms; returns what the person ended with."""
    b, phone = Browser(base, stats), person["phone"]
    page = b.get("beranda", "/")
    page = b.get("buat_akun", link(page, r'href="(/buat-akun)"', "beranda"))
    if not any(c.name == "session" for c in b.http.cookies):
        raise Failure("buat_akun: no session cookie")
    seen = sms.count(phone)
    page = b.submit("buat_akun", page, "Daftar Sekarang", {
        "nik": person["nik"], "full_name": person["name"], "mother_maiden_name": "Sri Wahyuni",
        "email": person["email"], "phone": "0" + phone[3:], "password": person["password"],
        "confirm": person["password"]})
    page = b.submit("aktivasi", page, "Aktivasi Sekarang", {"code": sms.code_after(phone, seen)})
    page = b.submit("masuk", page, "Masuk", {"login": person["nik"], "password": person["password"]})
    expect_text(page, f"Selamat datang, {person['name']}.", "masuk")
    b.get("pelatihan", "/pelatihan/")
    page = b.get("daftar_peserta", "/pelatihan/daftar-peserta")
    page = b.submit("daftar_peserta", page, "Simpan", {"education": "sma", "province": person["nik"][:2],
                                                        "regency": "Kota Bandung", "address": "Jl. Asia Afrika No. 8"})
    page = b.submit("cari", page, "Cari", {"q": search})
    programme = link(page, r'href="(/pelatihan/program/[^"]+)"', "cari")
    refused = Counter()
    for _attempt in range(len(SEATS) + 2):  # a seat taken by someone else: choose the next provider
        page = b.get("program", programme)
        expect_text(page, "Kartu Prakerja", "program")
        page = b.get("daftar", link(page, r'href="(/prakerja/daftar/\d+)"', "program"))
        seen = sms.count(phone)
        page = b.submit("kirim_otp", page, "Kirim OTP", {"card_number": card})
        if SEATS_GONE in page.text:
            refused["kirim_otp"] += 1
            continue
        page = b.submit("verifikasi", page, "Verifikasi", {"code": sms.code_after(phone, seen)})
        if "Pembayaran Berhasil" in page.text:
            break
        if SEATS_GONE not in page.text:
            raise Failure(f"verifikasi: neither Pembayaran Berhasil nor a seat refusal on {urlsplit(page.url).path}")
        refused["verifikasi"] += 1  # the guarded UPDATE: another worker sold the last seat first
    else:
        raise Failure("verifikasi: no seat after every provider was tried")
    expect_text(page, "Rp400.000", "verifikasi")  # what is left on the card: 1.000.000 - 600.000
    page = b.get("portofolio", link(page, r'href="(/portofolio/)"[^>]*>\s*Cek Portofolio', "berhasil"))
    expect_text(page, "Belum dimulai", "portofolio")
    page = b.get("pelatihan_saya", link(page, r'href="(/portofolio/pelatihan/\d+)"', "portofolio"))
    page = b.submit("mulai", page, "Mulai Pelatihan", {})
    expect_text(page, "Sedang berjalan", "mulai")
    return {"refused": refused}


# ---------------------------------------------------------------- processes and stores
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
    cards = [issue_card(p["nik"], p["name"], p["phone"], spec["wave"], now, now).number for p in spec["people"]]
    db.session.commit()
    print("SEED " + json.dumps({"cards": cards, "offerings": [o.id for o in offerings]}))
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Run:
    def __init__(self):
        self.started = time.monotonic()
        self.tag = f"{os.getpid()}_{secrets.token_hex(3)}"
        self.logs = Path(tempfile.mkdtemp(prefix="portal-mp-"))
        self.db_name = f"portal_mp_{self.tag}"
        self.db_created = False
        self.redis: redis.Redis | None = None
        self.processes: list[tuple[str, subprocess.Popen]] = []
        self.log_files: list = []
        self.sms = SmsGateway()
        self.stats = Stats()
        self.summary: list[str] = []

    # -- environment
    def env(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in {"DEMO_MODE", "SCHEDULER_EMBEDDED", "SERVER_SOFTWARE"}}
        env.update(PORTAL_ENV="production", SECRET_KEY=self.secret, PYTHONUNBUFFERED="1",
                   DATABASE_URL=f"postgresql://postgres@127.0.0.1:5432/{self.db_name}",
                   SMS_BACKEND="http", SMS_HTTP_URL=self.sms.url, SMS_HTTP_TOKEN=self.sms.token,
                   RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:6379/{self.redis_db}",
                   RATELIMIT_LOGIN="100000 per minute", RATELIMIT_OTP="100000 per minute",
                   # The per-account limits and the lock have their own tests; here the per-address
                   # limits are what must hold across workers.
                   RATELIMIT_LOGIN_ACCOUNT="100000 per minute", RATELIMIT_OTP_PHONE="100000 per minute",
                   RATELIMIT_CARD_TRIES="100000 per minute", LOGIN_LOCK_AFTER="100000")
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

    # -- the run
    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def step(self, text: str) -> None:
        print(f"[{self.elapsed():5.1f}s] {text}", flush=True)

    def execute(self) -> None:
        if not (ROOT / "portal/translations/id/LC_MESSAGES/messages.mo").exists():
            raise Failure("the Indonesian catalogue is not compiled: run `make setup` first")
        self.secret = secrets.token_hex(32)
        self.claim_redis_db()
        self.create_database()
        self.step(f"database {self.db_name}, redis db {self.redis_db}, SMS gateway {self.sms.url}")
        done = self.flask("db", "upgrade", timeout=90)
        if done.returncode:
            raise Failure(f"db upgrade failed:\n{done.stderr[-2000:]}")
        seed = random.randrange(10**6)
        rng = random.Random(seed)
        crowd = people(rng)
        spec = {"slug": "kasir-ritel-modern-uji-multiproses", "title": "Kasir Ritel Modern (Uji Multiproses)",
                "price": PRICE, "seats": SEATS, "wave": WAVE, "people": crowd}
        done = subprocess.run([str(BIN / "python"), "-c", SEED], cwd=ROOT, env=self.env(), input=json.dumps(spec),
                              capture_output=True, text=True, timeout=90)
        result = next((json.loads(line[5:]) for line in done.stdout.splitlines() if line.startswith("SEED ")), None)
        if done.returncode or result is None or len(result["offerings"]) != len(SEATS):
            raise Failure(f"seeding failed:\n{done.stdout[-1000:]}\n{done.stderr[-2000:]}")
        self.step(f"migrated and seeded: catalogue, {USERS} cards in wave {WAVE} (people seed {seed})")
        scheduler = self.start("scheduler", [str(BIN / "flask"), "--app", "wsgi", "scheduler"])
        base, web = self.gunicorn("web")
        warm_up = len(self.access_log("web"))
        self.step(f"gunicorn ({WORKERS} workers) at {base}; scheduler pid {scheduler.pid}")

        begun = time.monotonic()
        outcomes, errors = [], []
        pool = ThreadPoolExecutor(max_workers=USERS)
        futures = [pool.submit(journey, base, p, card, "multiproses", self.sms, self.stats)
                   for p, card in zip(crowd, result["cards"], strict=True)]
        finished, pending = wait(futures, timeout=max(10, RUN_LIMIT - 60 - self.elapsed()))
        pool.shutdown(wait=False, cancel_futures=True)
        for future in finished:
            try:
                outcomes.append(future.result())
            except Exception as error:  # noqa: BLE001  (each person's failure is reported)
                errors.append(f"{type(error).__name__}: {error}")
        journey_seconds = time.monotonic() - begun
        self.step(f"journey: {len(outcomes)}/{USERS} users reached Mulai Pelatihan in {journey_seconds:.1f} s")
        problems = [f"{n}× {text}" for text, n in Counter(errors).most_common(5)]
        if pending:
            problems.append(f"{len(pending)} users still running at the time limit")
        self.stop("web", web)  # first: its access log is complete once it has stopped
        problems += self.check_world(result["offerings"], scheduler)
        web_rows = self.access_log("web")[warm_up:]
        if len({pid for pid, _, _ in web_rows}) < 2:
            problems.append("the whole journey was served by one worker: nothing ran across processes")
        try:
            problems += self.check_limits()
        except Failure as error:
            problems.append(f"limit phase: {error}")
        self.summary += [
            f"users: {len(outcomes)}/{USERS} through all eight steps in {journey_seconds:.1f} s "
            f"(seats lost to others, then another provider: {sum(o['refused']['kirim_otp'] for o in outcomes)} at "
            f"Kirim OTP, {sum(o['refused']['verifikasi'] for o in outcomes)} at Verifikasi)",
            f"requests: {len(web_rows)}, per worker {sorted(Counter(pid for pid, _, _ in web_rows).values())}; "
            f"SMS: {sum(len(v) for v in self.sms.inbox.values())} delivered",
            f"cookie deletions without Secure (remember_token, Flask-Login): {self.stats.bare_deletions}",
            "statuses per step (count, median/max seconds):",
        ]
        for step_name, counts in self.stats.statuses.items():
            seconds = sorted(self.stats.seconds[step_name])
            self.summary.append(f"  {step_name:<15} {dict(sorted(counts.items()))}  "
                                f"{seconds[len(seconds) // 2]:.2f}/{seconds[-1]:.2f}")
        code = self.stop("scheduler", scheduler)
        if code != 0:
            problems.append(f"the scheduler stopped with exit status {code} on SIGTERM (expected 0)")
        if problems:
            raise Failure("\n".join(problems))

    def check_world(self, ours: list[int], scheduler: subprocess.Popen) -> list[str]:
        """The database and the logs after the journey."""
        problems = []
        (enrolled, started), = self.sql(
            "SELECT count(*), count(*) FILTER (WHERE status = 'in_progress') FROM enrollments")
        if (enrolled, started) != (USERS, USERS):
            problems.append(f"{enrolled} enrollments, {started} in progress (expected {USERS})")
        for offering_id, seats, taken, sold in self.sql(
                "SELECT o.id, o.seats, o.seats_taken, count(e.id) FROM offerings o "
                "LEFT JOIN enrollments e ON e.offering_id = o.id "
                "GROUP BY o.id HAVING count(e.id) > 0 OR o.seats_taken > 0"):
            if taken > seats or taken != sold or offering_id not in ours:
                problems.append(f"offering {offering_id}: {taken} seats taken of {seats}, {sold} enrollments")
        self.summary.append("seats: " + ", ".join(
            f"offering {i} {taken}/{seats}" for i, seats, taken in self.sql(
                f"SELECT id, seats, seats_taken FROM offerings WHERE id IN ({','.join(map(str, ours))}) ORDER BY id")))
        (wrong,), = self.sql(
            f"SELECT count(*) FROM cards WHERE balance <> {1_000_000 - PRICE} OR first_purchase_at IS NULL")
        if wrong:
            problems.append(f"{wrong} cards with a balance other than Rp{1_000_000 - PRICE} or no purchase time")
        ledger = self.flask("ledger", "check")
        self.summary.append("ledger check: " + (ledger.stdout.strip().splitlines() or ["(no output)"])[-1])
        if ledger.returncode:
            problems.append(f"flask ledger check exited {ledger.returncode}: {ledger.stdout}{ledger.stderr[-1500:]}")
        runs = self.sql("SELECT job, status, count(*) FROM job_runs GROUP BY job, status ORDER BY job")
        self.summary.append("scheduler runs: " + (", ".join(f"{j} {s} ×{n}" for j, s, n in runs) or "none"))
        if scheduler.poll() is not None:
            problems.append(f"the scheduler process exited early with {scheduler.returncode}")
        if not any(job == "sweep" and status == "ok" for job, status, _ in runs):
            problems.append("the scheduler recorded no successful sweep")
        if any(status == "error" for _, status, _ in runs):
            failed = self.sql("SELECT job, error FROM job_runs WHERE status = 'error'")
            problems.append(f"a scheduled job failed: {failed}")
        server_errors = [row for row in self.access_log("web") if row[1] >= 500]
        if server_errors or self.stats.server_errors():
            problems.append(f"5xx responses: {server_errors[:5]}")
        worker_log = (self.logs / "web.log").read_text()
        if "Traceback" in worker_log or "WORKER TIMEOUT" in worker_log:
            problems.append("gunicorn's log has a traceback or a worker timeout (see web.log)")
        if self.sms.refused:
            problems.append(f"the SMS gateway refused {self.sms.refused} requests (token or body)")
        return problems

    def check_limits(self) -> list[str]:
        """A second gunicorn with tight limits: the counters are Redis's, not each worker's."""
        self.clear_limits()
        base, server = self.gunicorn("limits", RATELIMIT_LOGIN=f"{LOGIN_LIMIT} per minute",
                                     RATELIMIT_OTP=f"{OTP_LIMIT} per minute")
        self.step(f"limit phase: gunicorn at {base} with login {LOGIN_LIMIT}/min, OTP {OTP_LIMIT}/min")
        problems = []
        intruder = Browser(base, self.stats, close_each=True)
        page = intruder.get("limit_masuk", "/masuk")
        login = [intruder.submit("limit_masuk", page, "Masuk", {"login": "tidak.terdaftar@contoh.id",
                                                                "password": "salah sekali kata sandinya"}, expect=None)
                 for _ in range(LOGIN_TRIES)]
        # The OTP limit on activation codes: a new account, then wrong codes.
        visitor, phone = Browser(base, self.stats, close_each=True), "+6281377770001"
        page = visitor.get("limit_buat_akun", "/buat-akun")
        password = f"es teler segar {secrets.token_hex(4)}"
        page = visitor.submit("limit_buat_akun", page, "Daftar Sekarang", {
            "nik": "3171015505900001", "full_name": "Tamu Uji Batas", "mother_maiden_name": "Siti Aminah",
            "email": "batas@contoh.id", "phone": "0" + phone[3:], "password": password, "confirm": password})
        wrong = f"{(int(self.sms.code_after(phone, 0)) + 1) % 10**6:06d}"
        otp = [visitor.submit("limit_aktivasi", page, "Aktivasi Sekarang", {"code": wrong}, expect=None)
               for _ in range(OTP_TRIES)]
        self.stop("limits", server)  # first: its access log is complete once it has stopped
        rows = self.access_log("limits")
        counters = [key for pattern in ("LIMITS*", "LIMITER*") for key in self.redis.scan_iter(pattern)]
        self.summary.append(f"limit counters in Redis db {self.redis_db}: {len(counters)}")
        if not counters:
            problems.append("no rate-limit counter in Redis: the workers count on their own")
        if any(status >= 500 for _, status, _ in rows):
            problems.append(f"5xx in the limit phase: {[row for row in rows if row[1] >= 500][:5]}")
        letters = {pid: "ABCDEFGH"[n] for n, pid in enumerate(dict.fromkeys(pid for pid, _, _ in rows))}
        spread = []  # the phases whose attempts reached more than one worker
        for label, responses, limit, path in (("login", login, LOGIN_LIMIT, "/masuk"),
                                              ("OTP", otp, OTP_LIMIT, "/aktivasi")):
            statuses = [r.status_code for r in responses]
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
        for name, process in reversed(self.processes):
            self.stop(name, process)
        self.sms.stop()
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
