"""Angka Program: the programme's numbers for anyone, without logging in, told as the day's story.

The world: wave 12 (accepted 2 March 2021, deadline 1 April) swept on 2 April; wave 13 (accepted
9 March, deadline tonight, 8 April); wave 14 (accepted 16 March). The portal's clock says Thursday
8 April 2021, 21:00 WIB, then the next midnight.
"""
import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser

import pytest

from portal.clock import WIB
from portal.extensions import db
from portal.jobs.sweep import revoke_expired_cards
from portal.models import Wave
from portal.services.cards import issue_card
from tests.factories import MOTHER, create_user, create_wave, mark_bought

PAGE = "/angka"
EVENING = datetime(2021, 4, 8, 21, 0, tzinfo=WIB)
MIDNIGHT = datetime(2021, 4, 9, 0, 0, tzinfo=WIB)
ACCEPTED = {12: date(2021, 3, 2), 13: date(2021, 3, 9), 14: date(2021, 3, 16)}


def figures_of(html: str, wave: int) -> dict[str, str]:
    row = re.search(rf'<tr id="wave-{wave}".*?</tr>', html, re.S).group(0)
    found = dict(re.findall(r'data-figure="(\w+)">([\d.,]+)<', row))
    found["deadline"] = re.search(r"data-deadline=\"[^\"]+\">([^<]+)<", row).group(1)
    return found


def story(html: str) -> str:
    told = re.search(r'<div class="wave-story">(.*?)</div>', html, re.S).group(1)
    return " ".join(re.sub(r"</?p>", " ", told).split())


@pytest.fixture
def april(clock):
    """3 cards in wave 12 (1 bought, 2 revoked on 2 April), 3 in wave 13 (1 bought), 1 in wave 14."""
    serial = iter(range(1, 100))
    for number, (cards, bought) in {12: (3, 1), 13: (3, 1), 14: (1, 0)}.items():
        create_wave(number, quota=10, accepted_on=ACCEPTED[number])
        accepted = datetime.combine(ACCEPTED[number], datetime.min.time(), WIB).replace(hour=10)
        for i in range(cards):
            n = next(serial)
            card = issue_card(f"31710212070{n:05d}", f"Peserta {n}", f"+6281200{n:06d}", number, accepted, accepted,
                              mother=MOTHER)
            if i < bought:
                mark_bought(card, accepted)
    db.session.commit()
    revoke_expired_cards(datetime(2021, 4, 2, 0, 0, tzinfo=WIB))
    clock.move_to(EVENING)
    return clock


def test_anyone_sees_the_numbers_per_wave_with_the_deadline_in_wib(client, april):
    response = client.get(PAGE)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<h1>Angka Program</h1>" in html
    assert figures_of(html, 12) == dict(quota="10", issued="3", bought="1", not_yet_bought="0", revoked="2",
                                        recycled_out="0", recyclable="2", deadline="Kamis, 1 April 2021 23.59 WIB")
    assert figures_of(html, 13) == dict(quota="10", issued="3", bought="1", not_yet_bought="2", revoked="0",
                                        recycled_out="0", recyclable="0", deadline="Kamis, 8 April 2021 23.59 WIB")
    assert figures_of(html, 14)["deadline"] == "Kamis, 15 April 2021 23.59 WIB"
    svg = re.search(r"<svg[^>]*>.*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg and "style=" not in svg
    assert "<script" not in html
    bars = re.findall(r'class="bar bar--(\w+)" data-wave="(\d+)" data-value="(\d+)"', svg)
    assert ("revoked", "12", "2") in bars and ("bought", "13", "1") in bars
    assert 'fill="url(#numbers-chart-hatch)"' in svg  # revoked bars are hatched: told apart without colour


def test_the_evening_story_is_told_from_the_figures(client, april):
    told = story(client.get(PAGE).get_data(as_text=True))
    assert told.startswith("Kamis, 8 April 2021 21.00 WIB. Di Gelombang 12–14: 7 kartu terbit, 2 sudah membeli")
    assert ("Hari ini hari terakhir Gelombang 13: 2 peserta belum membeli pelatihan pertama. "
            "Pada Kamis, 8 April 2021 23.59 WIB, peserta yang belum membeli kehilangan kepesertaannya") in told
    assert "saldo pelatihan Rp1.000.000 kembali ke rekening dana Kartu Prakerja" in told
    assert "Batas waktu berikutnya: Gelombang 14, Kamis, 15 April 2021 23.59 WIB; 1 peserta belum membeli" in told
    assert "2 tempat yang dicabut di Gelombang 12 belum didaur ulang: Gelombang 15 akan dibuka" in told


def test_after_midnight_the_story_says_what_was_revoked(client, april):
    april.move_to(MIDNIGHT)
    told = story(client.get(PAGE).get_data(as_text=True))
    assert "Batas waktu Gelombang 13 sudah lewat: 2 kartu yang belum pernah digunakan menunggu pencabutan." in told
    revoke_expired_cards(MIDNIGHT)
    told = story(client.get(PAGE).get_data(as_text=True))
    assert ("Batas waktu Gelombang 13 berakhir tadi malam pukul 23.59 WIB: 2 kartu dicabut, pemegangnya masuk "
            "daftar hitam") in told
    assert "4 tempat yang dicabut di Gelombang 12 dan 13 belum didaur ulang: Gelombang 15 akan dibuka" in told
    assert "hari terakhir" not in told


def test_the_programmes_scale_reads_with_thousands_separators(client, clock):
    """Counters set directly, as a bulk load sets them: the page reads them, not the cards."""
    clock.move_to(EVENING)
    db.session.add(Wave(number=13, quota=600_000, cards_issued=600_000, cards_bought=588_000, revoked_count=0,
                        accepted_on=ACCEPTED[13], opened_at=EVENING))
    db.session.commit()
    html = client.get(PAGE).get_data(as_text=True)
    assert figures_of(html, 13)["not_yet_bought"] == "12.000"
    assert "Hari ini hari terakhir Gelombang 13: 12.000 peserta belum membeli" in story(html)
    english = client.get(PAGE + "?lang=en").get_data(as_text=True)
    assert "Today is the last day for wave 13: 12,000 participants have not yet bought" in story(english)


def test_english_on_request_and_no_cookie_for_a_visitor(client, april):
    response = client.get(PAGE)
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] in ("public, max-age=60", "max-age=60, public")
    assert "Cookie" in response.headers["Vary"]
    html = response.get_data(as_text=True)
    assert 'name="csrf_token"' not in html and 'href="/angka?lang=en"' in html
    english = client.get(PAGE + "?lang=en")
    assert "Set-Cookie" not in english.headers and '<html lang="en">' in english.get_data(as_text=True)
    assert "Today is the last day for wave 13" in english.get_data(as_text=True)
    assert 'href="/angka?lang=id"' in english.get_data(as_text=True)
    assert '<html lang="id">' in client.get(PAGE + "?lang=xx").get_data(as_text=True)


def test_the_demo_guide_does_not_give_the_page_a_cookie(make_app):
    app = make_app(DEMO_MODE=True)
    with app.app_context():
        response = app.test_client().get(PAGE)
        assert response.status_code == 200 and "Set-Cookie" not in response.headers


def test_linked_from_the_home_page_and_the_footer(client):
    home = client.get("/").get_data(as_text=True)
    assert home.count('href="/angka"') == 2  # the home page's link and the footer's
    assert 'href="/angka" aria-current="page"' in client.get(PAGE).get_data(as_text=True)


def test_a_logged_in_visitor_gets_the_page_uncached(client, auth, april):
    create_user()
    auth.login()
    response = client.get(PAGE)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert 'name="csrf_token"' in response.get_data(as_text=True)  # the ordinary language form and Keluar


class _Checker(HTMLParser):
    """Every element closed in order, no duplicate id: enough to catch a broken partial."""

    VOID = {"meta", "link", "input", "br", "img", "rect", "line", "hr", "source", "path"}

    def __init__(self):
        super().__init__()
        self.stack, self.ids, self.problems = [], set(), []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id":
                if value in self.ids:
                    self.problems.append(f"duplicate id {value}")
                self.ids.add(value)
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def test_the_page_is_well_formed(client, april):
    checker = _Checker()
    checker.feed(client.get(PAGE).get_data(as_text=True))
    assert checker.problems == [] and checker.stack == []


def test_no_waves_yet(client):
    html = client.get(PAGE).get_data(as_text=True)
    assert "Belum ada gelombang." in html


def test_utc_storage_is_shown_in_wib(app):
    """Deadlines are stored in UTC and shown on the pages in WIB, through the portal's one formatter."""
    from portal.formatting import wib

    assert wib(datetime(2021, 4, 8, 16, 59, 59, tzinfo=UTC)) == "Kamis, 8 April 2021 23.59 WIB"
