"""What every page shares: the simulation banner, the menu, the language switch, error pages."""
from datetime import UTC

import pytest
from flask import abort

from tests.browser import form
from tests.factories import create_user

PAGES = ["/", "/masuk", "/buat-akun", "/kendala-masuk", "/pelatihan/", "/demo/hp"]


@pytest.mark.parametrize("path", PAGES + ["/tidak-ada"])
def test_every_page_says_it_is_a_simulation(client, path):
    html = client.get(path).get_data(as_text=True)
    assert "SIMULASI." in html and "bukan situs resmi Kemnaker atau Kartu Prakerja" in html


def test_menu_for_visitors_and_for_logged_in_users(client, auth):
    html = client.get("/").get_data(as_text=True)
    for item in ("Beranda", "Pelatihan", "Portofolio", "Masuk", "Buat Akun", "HP Simulasi"):
        assert f">{item}<" in html
    create_user()
    auth.login()
    html = client.get("/").get_data(as_text=True)
    assert ">Keluar</button>" in html and ">Buat Akun<" not in html


def test_indonesian_by_default_and_english_on_request(client):
    page = client.get("/masuk")
    assert '<html lang="id">' in page.get_data(as_text=True)
    english = form(client, page, "Read in English").submit()
    html = english.get_data(as_text=True)
    assert english.request.path == "/masuk"
    assert '<html lang="en">' in html and ">NIK or Email</label>" in html and 'value="Log in"' in html
    back = form(client, english, "Baca dalam Bahasa Indonesia").submit()
    assert ">NIK atau Email</label>" in back.get_data(as_text=True)


def test_language_switch_ignores_off_site_next(client):
    page = client.get("/")
    switch = form(client, page, "Read in English")
    switch._form.inputs[-1].value = "https://phishing.example/"
    done = switch.submit(follow_redirects=False)
    assert done.headers["Location"] == "/"


def test_unknown_page_is_404_in_the_layout(client):
    page = client.get("/tidak-ada")
    assert page.status_code == 404 and "Halaman tidak ditemukan" in page.get_data(as_text=True)


def test_server_error_page_rolls_back_and_keeps_the_layout(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/_boom")
    def boom():
        raise RuntimeError("boom")

    page = app.test_client().get("/_boom")
    assert page.status_code == 500 and "Terjadi kesalahan" in page.get_data(as_text=True)


def test_forbidden_page(make_app):
    app = make_app()

    @app.get("/_forbidden")
    def forbidden():
        abort(403)

    page = app.test_client().get("/_forbidden")
    assert page.status_code == 403 and "Akses ditolak" in page.get_data(as_text=True)


def test_labels_are_real_labels(client):
    html = client.get("/buat-akun").get_data(as_text=True)
    assert html.count("<label for=") == 7


def test_money_and_wib_formatting(app):
    from datetime import datetime

    from portal.formatting import rupiah, wib

    assert rupiah(1_000_000) == "Rp1.000.000" and rupiah(500) == "Rp500" and rupiah(0) == "Rp0"
    with app.test_request_context():
        deadline = datetime(2021, 4, 8, 16, 59, 59, tzinfo=UTC)
        assert wib(deadline) == "Kamis, 8 April 2021 23.59 WIB"
