"""Queries per page: every page of the journey and of the catalogue runs at most 8 SQL statements,
and the same number with 100 offerings as with 10,000. Statements are counted, never timed.

Each size gets its own catalogue (tests start from empty tables) and a new job seeker who walks
the tutorial through the real forms with the shared journey driver (tests/support/journey.py);
every page a job seeker sees on the way is counted from a cold session, and checked to show what
it should, so an empty page cannot pass.
"""
from __future__ import annotations

import re
from collections import Counter

import pytest
from sqlalchemy import event, select

from portal.extensions import db
from portal.models import User
from tests.conftest import _empty_tables
from tests.factories import create_card, create_person, create_wave
from tests.perf.seed import JOURNEY_PRICE, Catalogue, seed_catalogue
from tests.support.codes import MemoryCodes
from tests.support.journey import Journey, Page, Person, Request
from tests.support.transports import FlaskTransport

LIMIT = 8
SIZES = (100, 10_000)
PAGE_SIZE = 12  # CATALOGUE_PAGE_SIZE

NIK = "3273014508950011"
RINA = Person(nik=NIK, name="Rina Marlina", phone="+6281234567890", email="rina@contoh.id",
              password="kopi susu gula aren")
CARD_BALANCE = 1_000_000  # a new card's training balance

# Filled by the parametrised test, compared by the last one (which measures what is missing).
MEASURED: dict[int, dict[str, int]] = {}


class Pages(FlaskTransport):
    """The journey's transport: each GET from a cold session, its SQL statements counted."""

    def __init__(self, client):
        super().__init__(client)
        self.counts: dict[str, int] = {}
        self.statements: dict[str, list[str]] = {}
        self.seen: dict[str, Page] = {}

    def send(self, request: Request) -> Page:
        if request.method != "GET":
            return super().send(request)
        seen: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany):
            seen.append(" ".join(statement.split()))

        db.session.remove()
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            page = super().send(request)
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        assert page.status == 200 and not page.response.history, (request.step, request.url, page.status)
        self.counts[request.step], self.statements[request.step] = len(seen), seen
        self.seen[request.step] = page
        return page

    def get(self, name: str, url: str) -> Page:
        return self.send(Request(name, "GET", url))

    def report(self) -> str:
        """The counts, and for each page over the limit its statements (shortened, repeats counted)."""
        over = {
            name: [f"{times}× {statement[:160]}" for statement, times in Counter(self.statements[name]).most_common(12)]
            for name, n in self.counts.items() if n > LIMIT
        }
        return f"statements per page: {self.counts}; over {LIMIT}: {over}"


def _html(page: Page) -> str:
    return page.text


def _cards(response) -> list[tuple[str, str]]:
    """The programme cards listed: (slug, inner HTML)."""
    return re.findall(r'<article class="card programme-card" id="programme-([^"]+)">(.*?)</article>',
                      _html(response), re.S)


def _total(response) -> int:
    return int(re.search(r'id="result-count" data-total="(\d+)"', _html(response)).group(1))


def _check_listing(response, expected_total: int | None = None, page: int = 1) -> list:
    """A page of results: full pages have PAGE_SIZE cards, and the page navigation shows."""
    cards, total = _cards(response), _total(response)
    assert total > 0 and cards, "no results"
    if expected_total is not None:
        assert total == expected_total
    assert len(cards) == min(PAGE_SIZE, total - (page - 1) * PAGE_SIZE)
    if total > PAGE_SIZE:
        assert 'class="pagination"' in _html(response) and f'<span aria-current="page">{page}</span>' in _html(response)
    return cards


def walk_the_journey(client, sms, catalogue: Catalogue) -> Pages:
    """The tutorial's eight steps as a job seeker goes through them; returns the pages counted."""
    pages = Pages(client)

    # 1. Beranda, Buat Akun, Aktivasi (the activation pending in the session), Masuk
    journey = Journey(pages, MemoryCodes(sms.app))
    create_person(RINA.nik, RINA.name, RINA.mother)  # Buat Akun asks the population registry first
    assert journey.create_account(RINA).path == "/aktivasi"
    assert len(_cards(pages.seen["beranda"])) == 6
    pages.get("aktivasi", "/aktivasi")
    assert journey.activate(RINA).path == "/masuk"
    pages.get("catalogue_visitor", "/pelatihan/")
    pages.get("masuk", "/masuk")
    assert "Selamat datang, Rina Marlina." in _html(journey.login(RINA))
    pages.get("home_logged_in", "/")
    card_number = create_card(db.session.scalar(select(User).where(User.nik == NIK)),
                              wave=create_wave(number=17)).number  # the PMO issues a card

    # 2. Pelatihan: the catalogue, its pages, a search, the filters, a sort
    everything = catalogue.programmes
    _check_listing(pages.get("catalogue", "/pelatihan/"), everything)
    _check_listing(pages.get("catalogue_page_2", "/pelatihan/?halaman=2"), everything, page=2)
    last = -(-everything // PAGE_SIZE)
    _check_listing(pages.get("catalogue_last_page", f"/pelatihan/?halaman={last}"), everything, page=last)
    found = _check_listing(pages.get("search", "/pelatihan/?q=web+dasar"))
    assert found[0][0] == catalogue.journey_slug
    filtered = _check_listing(pages.get("filter", "/pelatihan/?kategori=teknologi-informasi&metode=daring"
                                                  f"&provinsi={catalogue.journey_province}"
                                                  "&harga_min=100000&harga_max=900000"))
    assert catalogue.journey_slug in [slug for slug, _ in filtered]
    labelled = _check_listing(pages.get("filter_prakerja", "/pelatihan/?prakerja=y"))
    assert all("badge--prakerja" in card for _, card in labelled)
    cheapest = _check_listing(pages.get("sort", "/pelatihan/?urut=termurah"))
    prices = [int(re.search(r'data-price="(\d+)"', card).group(1)) for _, card in cheapest]
    assert prices == sorted(prices)

    # 3. Daftar sebagai Peserta Pelatihan
    assert journey.register_participant(RINA).path == "/pelatihan/"
    _check_listing(pages.get("catalogue_participant", "/pelatihan/"), everything)

    # 4–5. the programme found by a search, every lembaga offering it; Daftar at a labelled one
    assert journey.open_programme("web dasar") == f"/pelatihan/program/{catalogue.journey_slug}"
    page = pages.seen["program"]
    offerings = re.findall(r'<article class="card offering" id="offering-(\d+)">', _html(page))
    assert len(offerings) == catalogue.journey_published and str(catalogue.journey_offering_id) in offerings
    assert re.search(r'class="rating" data-average="[\d.]+" data-count="[1-9]', _html(page))  # reviews shown
    daftar = f"/prakerja/daftar/{catalogue.journey_offering_id}"
    assert f'href="{daftar}"' in _html(page)

    # 6. Nomor Kartu Prakerja → Kirim OTP → Kode OTP → Verifikasi
    assert journey.register_card(RINA, card_number, daftar)
    verify = journey.visit.page.path
    assert verify.startswith("/prakerja/verifikasi/")
    pages.get("verifikasi", verify)
    assert journey.verify_payment(RINA) is not None
    assert journey.visit.page.path.startswith("/prakerja/berhasil/")
    page = pages.get("berhasil", journey.visit.page.path)
    balance_left = f"Rp{CARD_BALANCE - JOURNEY_PRICE:,}".replace(",", ".")
    assert "Pembayaran Berhasil" in _html(page) and balance_left in _html(page)

    # 7. Cek Portofolio → the training's title
    training = journey.portfolio()
    assert "Belum dimulai" in _html(pages.seen["portofolio"])

    # 8. Mulai Pelatihan (its page counted before the start), and the sessions after it
    journey.start_training(training)
    page = pages.get("pelatihan_started", training)
    assert "Sedang berjalan" in _html(page) and _html(page).count('class="card session"') == 5

    # HP Simulasi (demo mode is on in tests; the memory SMS backend leaves its outbox empty)
    page = pages.get("hp_simulasi", "/demo/hp")
    assert 'id="phone-title"' in _html(page)
    return pages


def measure(client, sms, size: int) -> dict[str, int]:
    """Seed `size` offerings, walk the journey, record the counts and check them against the limit."""
    catalogue = seed_catalogue(size)
    assert catalogue.offerings == size
    pages = walk_the_journey(client, sms, catalogue)
    MEASURED[size] = dict(pages.counts)
    assert all(n <= LIMIT for n in pages.counts.values()), pages.report()
    return pages.counts


@pytest.mark.parametrize("size", SIZES, ids=[f"{size}-offerings" for size in SIZES])
def test_every_page_of_the_journey_stays_within_the_budget(app, client, sms, clock, size):
    measure(client, sms, size)


def test_statements_per_page_do_not_grow_with_the_catalogue(app, sms, clock):
    missing = [size for size in SIZES if size not in MEASURED]  # run alone (-k): measure here
    for n, size in enumerate(missing):
        if n:
            _empty_tables()
        measure(app.test_client(), sms, size)
    small, large = (MEASURED[size] for size in SIZES)
    grew = {page: (small[page], large.get(page)) for page in small if small[page] != large.get(page)}
    assert not grew, f"statements per page changed from {SIZES[0]} to {SIZES[1]} offerings: {grew}"

