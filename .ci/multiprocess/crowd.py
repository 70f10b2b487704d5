"""The crowd: 50 people, each with a browser over real HTTP, through the shared journey driver.

The steps are tests/support/journey.py's; this module adds what only a production-like server
shows: every cookie must come with Secure, and each step's statuses and times are kept.
"""
from __future__ import annotations

import random
import secrets
import threading
from collections import Counter, defaultdict

from processes import Failure

from tests.support.journey import Journey, JourneyError, Person, Purchase, Request, expect_text
from tests.support.sms_gateway import SmsGateway
from tests.support.transports import HttpTransport

USERS = 50
SEATS = (30, 20)  # two labelled offerings of one programme: every seat is sold exactly once
PRICE = 600_000


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


class Browser(HttpTransport):
    """One person's browser: redirects followed, every status recorded per step.

    Production cookies are Secure, and rightly so; nothing terminates TLS in front of gunicorn
    here, and requests will not send a Secure cookie over http. So this client (never the app)
    checks that each cookie came with Secure, then clears the flag in its own jar.
    """

    def __init__(self, base: str, stats: Stats, close_each: bool = False):
        # close_each: a new connection per request, so gunicorn hands each to any worker
        super().__init__(base, {"Connection": "close"} if close_each else None)
        self.stats = stats

    def on_hop(self, request: Request, method: str, url: str, response) -> None:
        for cookie in response.raw.headers.getlist("Set-Cookie"):
            if "; secure" in cookie.lower():
                continue
            if "max-age=0" not in cookie.lower():  # a deletion carries nothing to protect
                raise JourneyError(request.step, f"{method} {url} set a cookie without Secure: {cookie}")
            with self.stats.lock:
                self.stats.bare_deletions += 1
        for cookie in self.http.cookies:
            cookie.secure = False

    def on_step(self, request: Request, statuses: list[int], seconds: float) -> None:
        self.stats.record(request.step, statuses, seconds)


def people(rng: random.Random) -> list[Person]:
    first = ["Rina", "Budi", "Sari", "Andi", "Dewi", "Agus", "Putri", "Joko", "Wulan", "Eko"]
    last = ["Marlina", "Santoso", "Lestari", "Wijaya", "Rahmawati", "Saputra", "Hidayat", "Kusuma"]
    base_phone = rng.randrange(1000, 10000)
    result = []
    for i in range(USERS):
        woman = i % 2 == 1
        day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(1965, 2002)
        nik = f"{31 + i % 6}{rng.randint(1, 79):02d}{rng.randint(1, 40):02d}" \
              f"{day + 40 * woman:02d}{month:02d}{year % 100:02d}{i + 1:04d}"
        result.append(Person(
            nik=nik, name=f"{rng.choice(first)} {rng.choice(last)}", phone=f"+62812{base_phone}{i:04d}",
            email=f"peserta{i:02d}.{base_phone}@contoh.id", password=f"teh manis hangat {secrets.token_hex(4)}",
            province=nik[:2]))
    return result


def journey(base: str, person: Person, card: str, search: str, sms: SmsGateway, stats: Stats) -> Purchase:
    """Buat Akun → … → Mulai Pelatihan, through the forms; a seat taken by someone else: the next
    provider. Returns the purchase (and the seats lost on the way)."""
    browser = Browser(base, stats)
    try:
        walk = Journey(browser, sms)
        walk.create_account(person)
        if not any(cookie.name == "session" for cookie in browser.http.cookies):
            raise Failure("buat_akun: no session cookie")
        walk.activate(person)
        walk.login(person)
        walk.register_participant(person)
        programme = walk.open_programme(search)
        purchase = walk.buy(person, card, [programme] * (len(SEATS) + 2))
        expect_text(walk.visit.page, "Rp400.000", "verifikasi")  # what is left on the card: 1.000.000 - 600.000
        walk.start_training(walk.portfolio())
        return purchase
    finally:
        browser.close()
