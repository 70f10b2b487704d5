"""The training catalogue as a visitor uses it: search, filter, sort, page, and open a programme.

Labels and buttons are read from the page (they are translated), and assertions look at data
(slugs, prices, provider names) and stable ids, never at translated sentences.
"""
from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime

import pytest

from portal.extensions import db
from portal.models import Offering
from portal.services.catalogue import featured_programmes
from tests.browser import form
from tests.factories import create_category, create_offering, create_programme, create_provider
from tests.queries import statements_for

CATALOGUE = "/pelatihan/"


# --- reading pages -------------------------------------------------------------------------------

def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def slugs(response) -> list[str]:
    """The programmes listed, in order, by slug."""
    return re.findall(r'<article class="card programme-card" id="programme-([^"]+)">', response.get_data(as_text=True))


def card(response, slug: str) -> str:
    page = response.get_data(as_text=True)
    match = re.search(rf'id="programme-{re.escape(slug)}">(.*?)</article>', page, re.S)
    assert match, f"no card for {slug}"
    return match.group(1)


def offering_blocks(response) -> list[str]:
    return re.findall(r'<article class="card offering" id="offering-\d+">(.*?)</article>',
                      response.get_data(as_text=True), re.S)


def label_of(response, field_id: str) -> str:
    match = re.search(rf'<label for="{field_id}">(.*?)</label>', response.get_data(as_text=True), re.S)
    assert match, f"no label for #{field_id}"
    return _text(match.group(1))


def total(response) -> int:
    return int(re.search(r'id="result-count" data-total="(\d+)"', response.get_data(as_text=True)).group(1))


class Search:
    """The catalogue's search form, filled by the labels a visitor sees."""

    def __init__(self, client, url: str = CATALOGUE):
        self.page = client.get(url)
        button = re.search(r'id="search-submit">(.*?)</button>', self.page.get_data(as_text=True), re.S)
        self.form = form(client, self.page, _text(button.group(1)))

    def fill(self, field_id: str, value: str) -> Search:
        self.form.fill(label_of(self.page, field_id), value)
        return self

    def submit(self):
        return self.form.submit()


# --- a small catalogue ---------------------------------------------------------------------------

@pytest.fixture
def world(app):
    ti = create_category("Teknologi Informasi", slug="teknologi-informasi")
    garmen = create_category("Garmen dan Menjahit", slug="garmen")
    wisata = create_category("Pariwisata", slug="pariwisata")
    bandung = create_provider("LPK Cipta Bandung", labelled=True, province_code="32", city="Bandung")
    surabaya = create_provider("BLK Komunitas Surabaya", labelled=False, province_code="35", city="Surabaya")
    jakarta = create_provider("LPK Nusantara Jakarta", labelled=True, province_code="31", city="Jakarta Selatan")
    web = create_programme("Pemrograman Web Dasar", ti, slug="web", description="HTML, CSS dan PHP.")
    jahit = create_programme("Menjahit Busana Muslim", garmen, slug="jahit", description="Membuat gamis.")
    pemandu = create_programme("Pemandu Wisata Bahasa Inggris", wisata, slug="pemandu", description="Tur kota.")
    desain = create_programme("Desain Grafis", ti, slug="desain", description="CorelDRAW.")
    create_offering(web, bandung, price=500_000, mode="daring", seats=20, seats_taken=5)
    create_offering(web, surabaya, price=300_000, mode="luring", seats=10, seats_taken=10)
    create_offering(jahit, surabaya, price=750_000, mode="luring")
    create_offering(pemandu, jakarta, price=1_000_000, mode="campuran")
    create_offering(pemandu, jakarta, price=100_000, mode="daring", published=False)
    create_offering(desain, bandung, price=200_000, published=False)
    return {"web": web, "jahit": jahit, "pemandu": pemandu, "desain": desain}


# --- browsing and searching ----------------------------------------------------------------------

def test_catalogue_lists_programmes_with_published_offerings(client, world):
    response = client.get(CATALOGUE)
    assert response.status_code == 200
    assert slugs(response) == ["web", "pemandu", "jahit"]  # relevant: labelled, most providers
    assert total(response) == 3
    web = card(response, "web")
    assert "Pemrograman Web Dasar" in web and "Teknologi Informasi" in web
    assert 'href="/pelatihan/program/web"' in web
    assert "Rp300.000" in web and 'data-providers="2"' in web
    assert '<span class="badge badge--prakerja">Kartu Prakerja</span>' in web
    assert "badge--prakerja" not in card(response, "jahit")


def test_unpublished_offerings_are_not_counted(client, world):
    response = client.get(CATALOGUE)
    assert "desain" not in slugs(response)  # its only offering is unpublished
    assert "Rp1.000.000" in card(response, "pemandu") and "Rp100.000" not in response.get_data(as_text=True)


@pytest.mark.parametrize("word", ["web", "WEB", "Web Dasar"])
def test_search_by_title_word(client, world, word):
    response = Search(client).fill("q", word).submit()
    assert response.status_code == 200
    assert slugs(response) == ["web"]


@pytest.mark.parametrize(("word", "expected"), [("gamis", ["jahit"]), ("garmen", ["jahit"]),
                                                  ("pariwisata", ["pemandu"])])
def test_search_matches_description_and_category(client, world, word, expected):
    assert slugs(Search(client).fill("q", word).submit()) == expected


@pytest.mark.parametrize("word", ["kapal selam", "%", "_"])
def test_search_with_no_match_says_so(client, world, word):
    response = Search(client).fill("q", word).submit()
    assert response.status_code == 200
    assert slugs(response) == [] and total(response) == 0
    assert 'id="no-results"' in response.get_data(as_text=True)
    assert f'value="{html.escape(word)}"' in response.get_data(as_text=True)  # kept in the box


def test_relevance_puts_title_hits_first(client, world):
    tour = create_programme("Bisnis Perjalanan", world["pemandu"].category, slug="tour",
                            description="Termasuk dasar menjahit seragam.")
    create_offering(tour, create_provider(labelled=True), price=10_000)
    create_offering(tour, create_provider(labelled=True), price=20_000)
    assert slugs(Search(client).fill("q", "menjahit").submit()) == ["jahit", "tour"]


# --- filters -------------------------------------------------------------------------------------

def test_filter_by_category(client, world):
    assert slugs(Search(client).fill("kategori", "Garmen dan Menjahit").submit()) == ["jahit"]


def test_filter_by_province_uses_only_offerings_there(client, world):
    response = Search(client).fill("provinsi", "Jawa Timur").submit()
    assert slugs(response) == ["jahit", "web"]  # neither labelled there, one lembaga each: by title
    web = card(response, "web")
    assert "Rp300.000" in web and 'data-providers="1"' in web
    assert "badge--prakerja" not in web  # the Surabaya offering is not labelled


def test_filter_by_mode(client, world):
    assert slugs(Search(client).fill("metode", "campuran").submit()) == ["pemandu"]
    assert slugs(Search(client).fill("metode", "luring").submit()) == ["jahit", "web"]


def test_filter_prakerja_only(client, world):
    response = Search(client).fill("prakerja", "on").submit()
    assert slugs(response) == ["pemandu", "web"]  # one labelled lembaga each: by title
    assert "Rp500.000" in card(response, "web")  # the unlabelled Rp300.000 offer is left out


@pytest.mark.parametrize(("low", "high"), [("400000", "800000"), ("400.000", "Rp800.000")])
def test_filter_by_price_range(client, world, low, high):
    response = Search(client).fill("harga_min", low).fill("harga_max", high).submit()
    assert response.status_code == 200
    assert slugs(response) == ["web", "jahit"]
    assert "Rp500.000" in card(response, "web")


@pytest.mark.parametrize(("sort", "expected"), [
    ("relevan", ["web", "pemandu", "jahit"]),
    ("termurah", ["web", "jahit", "pemandu"]),
    ("termahal", ["pemandu", "jahit", "web"]),
    ("judul", ["jahit", "pemandu", "web"]),
    ("penyedia", ["web", "jahit", "pemandu"]),
])
def test_each_sort(client, world, sort, expected):
    assert slugs(Search(client).fill("urut", sort).submit()) == expected


# --- pagination ----------------------------------------------------------------------------------

def test_pagination_keeps_filters_and_stops_at_the_last_page(app, client, world):
    per_page = app.config["CATALOGUE_PAGE_SIZE"]
    provider = create_provider(labelled=True)
    for n in range(per_page + 1):
        create_offering(create_programme(f"Kursus Barista {n:02d}", slug=f"barista-{n:02d}"), provider)
    first = Search(client).fill("q", "barista").fill("prakerja", "on").submit()
    assert total(first) == per_page + 1 and len(slugs(first)) == per_page
    next_link = html.unescape(re.search(r'<a href="([^"]+)" rel="next">', first.get_data(as_text=True)).group(1))
    assert "q=barista" in next_link and "prakerja=y" in next_link and "halaman=2" in next_link
    second = client.get(next_link)
    assert second.status_code == 200
    assert slugs(second) == [f"barista-{per_page:02d}"]
    assert set(slugs(first)).isdisjoint(slugs(second))
    assert client.get(next_link.replace("halaman=2", "halaman=3")).status_code == 404


def test_empty_result_has_one_page_only(client, world):
    assert client.get(CATALOGUE, query_string={"q": "tidak-ada"}).status_code == 200
    assert client.get(CATALOGUE, query_string={"q": "tidak-ada", "halaman": "2"}).status_code == 404


# --- bad input -----------------------------------------------------------------------------------

def _assert_refused(response, field_id: str) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'id="{field_id}-error"' in page
    assert 'id="results"' not in page and slugs(response) == []


@pytest.mark.parametrize(("query", "field_id"), [
    ({"kategori": "kapal"}, "kategori"),
    ({"provinsi": "99"}, "provinsi"),
    ({"metode": "terbang"}, "metode"),
    ({"urut": "acak"}, "urut"),
])
def test_unknown_choice_is_refused_next_to_its_field(client, world, query, field_id):
    response = client.get(CATALOGUE, query_string={"q": "web", **query})
    _assert_refused(response, field_id)
    assert re.search(rf'aria-describedby="{field_id}-error"[^>]*id="{field_id}"|id="{field_id}"[^>]*'
                     rf'aria-describedby="{field_id}-error"', response.get_data(as_text=True))
    assert 'value="web"' in response.get_data(as_text=True)


@pytest.mark.parametrize(("low", "high", "field_id"), [
    ("murah", "", "harga_min"),
    ("12,5", "", "harga_min"),
    ("-5000", "", "harga_min"),
    ("", "1.5", "harga_max"),
    ("", "-1", "harga_max"),
    ("900000", "100000", "harga_max"),
])
def test_bad_price_is_refused_and_kept(client, world, low, high, field_id):
    response = Search(client).fill("harga_min", low).fill("harga_max", high).submit()
    _assert_refused(response, field_id)
    page = response.get_data(as_text=True)
    assert re.search(rf'<input[^>]*aria-describedby="[^"]*{field_id}-error"', page)
    typed = low if field_id == "harga_min" else high
    assert f'value="{html.escape(typed)}"' in page


@pytest.mark.parametrize("page_number", ["0", "-1", "dua", "1.5", ""])
def test_bad_page_number_is_refused(client, world, page_number):
    _assert_refused(client.get(CATALOGUE, query_string={"halaman": page_number}), "halaman")


# --- the programme page --------------------------------------------------------------------------

def test_programme_page_lists_offerings_labelled_first(client, world):
    response = client.get("/pelatihan/program/web")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Pemrograman Web Dasar" in page and "Teknologi Informasi" in page and "HTML, CSS dan PHP." in page
    assert re.search(r'id="programme-hours">\s*40\b', page)
    labelled, unlabelled = offering_blocks(response)
    assert "LPK Cipta Bandung" in labelled and "badge--prakerja" in labelled
    assert "BLK Komunitas Surabaya" in unlabelled and "badge--prakerja" not in unlabelled
    assert "Rp500.000" in labelled and "Rp300.000" in unlabelled
    assert 'data-seats-left="15"' in labelled and 'data-seats-left="0"' in unlabelled
    assert "1 April 2021" in labelled and "15 April 2021" in labelled
    assert "Bandung, Jawa Barat" in labelled and "Surabaya, Jawa Timur" in unlabelled


def test_programme_page_hides_unpublished_offerings(client, world):
    blocks = offering_blocks(client.get("/pelatihan/program/pemandu"))
    assert len(blocks) == 1 and "Rp1.000.000" in blocks[0]
    response = client.get("/pelatihan/program/desain")
    assert response.status_code == 200 and 'id="no-offerings"' in response.get_data(as_text=True)


def test_unknown_programme_is_404(client, world):
    assert client.get("/pelatihan/program/tidak-ada").status_code == 404


def test_featured_programmes_for_the_home_page(app, world):
    featured = featured_programmes(limit=2)
    assert [(p.slug, p.title, p.category_name, p.lowest_price, p.provider_count, p.has_prakerja)
            for p in featured] == [
        ("web", "Pemrograman Web Dasar", "Teknologi Informasi", 300_000, 2, True),
        ("pemandu", "Pemandu Wisata Bahasa Inggris", "Pariwisata", 1_000_000, 1, True),
    ]


# --- statements per page -------------------------------------------------------------------------

def _add_offerings(programme, providers, count: int) -> None:
    created = datetime(2021, 3, 1, tzinfo=UTC)
    db.session.add_all(
        Offering(programme=programme, provider=providers[n % len(providers)], price=100_000 + n * 1_000,
                 seats=30, seats_taken=n % 30, mode=("daring", "luring", "campuran")[n % 3], city="Semarang",
                 province_code="33", start_date=date(2021, 5, 1), end_date=date(2021, 5, 20),
                 published=True, created_at=created)
        for n in range(count)
    )
    db.session.commit()


def test_statement_count_stays_small_as_the_catalogue_grows(client, world):
    search = "/pelatihan/?q=a&urut=termurah&prakerja=y"
    few = (statements_for(client, search), statements_for(client, "/pelatihan/program/web"))
    providers = [create_provider(labelled=n % 2 == 0, province_code="33") for n in range(10)]
    for n in range(30):
        _add_offerings(create_programme(f"Kursus Tambahan {n}", slug=f"tambahan-{n}"), providers, 9)
    _add_offerings(world["web"], providers, 30)  # 300 offerings more in all
    many = (statements_for(client, search), statements_for(client, "/pelatihan/program/web"))
    assert len(offering_blocks(client.get("/pelatihan/program/web"))) == 32
    assert all(count <= 8 for count in few + many), (few, many)
    assert few == many
