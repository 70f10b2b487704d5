"""Hostile values in the account forms: Buat Akun, Aktivasi, Masuk (by password and by SMS code), Kendala Masuk,
Kata Sandi Baru."""
from __future__ import annotations

from hypothesis import given

from portal.services.population import find_record
from tests.browser import form
from tests.factories import NIK, PASSWORD, create_card, create_person, create_user
from tests.security.hostile.common import FORM_SETTINGS, attack, form_data

REGISTER = ["nik", "full_name", "mother_maiden_name", "email", "phone", "password", "confirm"]


@FORM_SETTINGS
@given(data=form_data(REGISTER))
def test_buat_akun(app, client, clock, data):
    attack(client, "/buat-akun", "/buat-akun", data)


@FORM_SETTINGS
@given(data=form_data(["code"]))
def test_aktivasi(app, client, clock, sms, data):
    if client.get("/aktivasi").status_code != 200:  # first example: an account waiting for its code
        if find_record("3273014508950011") is None:  # Buat Akun asks the population registry first
            create_person("3273014508950011", "Rina Marlina", "Sri")
        page = form(client, client.get("/buat-akun"), "Daftar Sekarang")
        for label, text in {"NIK": "3273014508950011", "Nama Lengkap": "Rina Marlina", "Nama Ibu Kandung": "Sri",
                            "Email": "rina@contoh.id", "Nomor HP": "0812 3456 7890",
                            "Kata Sandi": PASSWORD, "Ulangi Kata Sandi": PASSWORD}.items():
            page.fill(label, text)
        assert page.submit().request.path == "/aktivasi"
    attack(client, "/aktivasi", "/aktivasi", data)


@FORM_SETTINGS
@given(data=form_data(["login", "password"]))
def test_masuk(app, client, clock, data):
    if not getattr(client, "_account", None):
        create_user()
        client._account = True
    # A refused login is counted, for an unknown login too (its back-off row): the one write allowed.
    response = attack(client, "/masuk", "/masuk", data, may_write_on_refusal=frozenset({"login_throttles"}))
    assert response.status_code != 302, "a hostile login got in"


@FORM_SETTINGS
@given(data=form_data(["login"]))
def test_kendala_masuk(app, client, clock, data):
    if not getattr(client, "_account", None):
        create_user()
        client._account = True
    attack(client, "/kendala-masuk", "/kendala-masuk", data)


@FORM_SETTINGS
@given(data=form_data(["code", "password", "confirm"]))
def test_kata_sandi_baru(app, client, clock, data):
    if client.get("/kendala-masuk/kata-sandi-baru").status_code != 200:
        user = create_user()
        form(client, client.get("/kendala-masuk"), "Kirim Kode").fill("NIK atau Email", user.email).submit()
    attack(client, "/kendala-masuk/kata-sandi-baru", "/kendala-masuk/kata-sandi-baru", data)


@FORM_SETTINGS
@given(data=form_data(["code"]))
def test_klaim_nik_ini(app, client, clock, sms, data):
    if client.get("/buat-akun/klaim").status_code != 200:  # first example: a claim whose code was sent
        create_person()
        create_card()
        create_user(email="penyerobot@contoh.id", phone="+6281311111111")
        page = form(client, client.get("/buat-akun"), "Daftar Sekarang")
        for label, text in {"NIK": NIK, "Nama Lengkap": "Siti Rahmawati", "Nama Ibu Kandung": "Sri Wahyuni",
                            "Email": "siti.asli@contoh.id", "Nomor HP": "0812 3456 7890",
                            "Kata Sandi": PASSWORD, "Ulangi Kata Sandi": PASSWORD}.items():
            page.fill(label, text)
        assert page.submit().request.path == "/buat-akun/klaim"
        form(client, client.get("/buat-akun/klaim"), "Klaim NIK ini").submit()
    attack(client, "/buat-akun/klaim", "/buat-akun/klaim/kode", data)


@FORM_SETTINGS
@given(data=form_data(["login"]))
def test_masuk_dengan_kode_sms(app, client, clock, data):
    if not getattr(client, "_account", None):
        create_user()
        client._account = True
    attack(client, "/masuk/kode-sms", "/masuk/kode-sms", data)


@FORM_SETTINGS
@given(data=form_data(["code"]))
def test_kode_masuk(app, client, clock, data):
    if client.get("/masuk/kode-sms/verifikasi").status_code != 200:
        user = create_user()
        form(client, client.get("/masuk/kode-sms"), "Kirim Kode Masuk").fill("NIK atau Email", user.email).submit()
    response = attack(client, "/masuk/kode-sms/verifikasi", "/masuk/kode-sms/verifikasi", data)
    assert response.status_code != 302, "a hostile code got in"
