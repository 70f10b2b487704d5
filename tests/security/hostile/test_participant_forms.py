"""Hostile values in the job seeker's forms: participant profile, catalogue search, Daftar (card
number), Verifikasi (payment code) and Ulasan (review)."""
from __future__ import annotations

import pytest
from hypothesis import given

from tests.browser import form
from tests.factories import create_user
from tests.security.hostile.common import FORM_SETTINGS, attack, form_data
from tests.security.hostile.world import build_world, login

CATALOGUE = ["q", "kategori", "provinsi", "metode", "prakerja", "harga_min", "harga_max", "urut", "halaman"]


@pytest.fixture
def seeker(app, client, clock):
    """The world, with its participant logged in."""
    world = build_world()
    login(client, "seeker")
    return world


@FORM_SETTINGS
@given(data=form_data(["education", "province", "regency", "address"]))
def test_daftar_peserta(app, client, clock, data):
    if not getattr(client, "_who", None):
        create_user()  # a job seeker, not yet a participant: a success adds the profile
        login(client, "seeker")
        client._who = True
    attack(client, "/pelatihan/daftar-peserta", "/pelatihan/daftar-peserta", data)


@FORM_SETTINGS
@given(data=form_data(CATALOGUE, extra=False))
def test_cari_pelatihan(seeker, client, data):
    attack(client, "/pelatihan/", "/pelatihan/", data, method="get")


@FORM_SETTINGS
@given(data=form_data(["card_number"]))
def test_daftar_nomor_kartu(seeker, client, data):
    url = f"/prakerja/daftar/{seeker.other_offering}"
    attack(client, url, url, data)


@FORM_SETTINGS
@given(data=form_data(["code"]))
def test_verifikasi(seeker, client, data):
    if not getattr(client, "_challenge", None):  # a payment code waiting, sent to the participant
        page = client.get(f"/prakerja/daftar/{seeker.other_offering}")
        page = form(client, page, "Kirim OTP").fill("Nomor Kartu Prakerja", seeker.seeker_card_number).submit()
        client._challenge = page.request.path
        assert client._challenge.startswith("/prakerja/verifikasi/"), client._challenge
    attack(client, client._challenge, client._challenge, data)


@FORM_SETTINGS
@given(data=form_data(["rating", "text"]))
def test_ulasan(seeker, client, data):
    url = f"/portofolio/pelatihan/{seeker.seeker_enrollment}/ulasan"
    if f'action="{url}"' not in client.get(url).get_data(as_text=True):
        return  # a review was accepted: its form is gone (once per training); the layout's own forms stay
    attack(client, url, url, data)
