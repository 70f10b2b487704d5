"""Pelatihan → Daftar sebagai Peserta Pelatihan."""
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import ParticipantProfile
from tests.browser import form
from tests.factories import create_participant, create_user


def fill(client, **changes):
    page = client.get("/pelatihan/daftar-peserta")
    values = {"Pendidikan Terakhir": "sma", "Provinsi": "32", "Kabupaten/Kota": "Kota Bandung",
              "Alamat": "Jl. Asia Afrika No. 8, RT 02 RW 05", **changes}
    filled = form(client, page, "Simpan")
    for label, value in values.items():
        filled.fill(label, value)
    return filled.submit()


def test_profile_shows_birth_date_and_sex_from_the_nik(client, auth):
    create_user()
    auth.login()
    html = client.get("/pelatihan/daftar-peserta").get_data(as_text=True)
    assert "Daftar sebagai Peserta Pelatihan" in html
    assert "5 Agustus 1995" in html and "Perempuan" in html
    for label in ("Pendidikan Terakhir", "Provinsi", "Kabupaten/Kota", "Alamat"):
        assert f">{label}</label>" in html


def test_register_as_participant(client, auth, clock):
    user = create_user()
    auth.login()
    done = fill(client)
    assert "sudah terdaftar sebagai peserta pelatihan" in done.get_data(as_text=True)
    profile = db.session.get(ParticipantProfile, user.id)
    assert (profile.birth_date, profile.sex, profile.education, profile.province_code, profile.regency) == (
        date(1995, 8, 5), "P", "sma", "32", "Kota Bandung"
    )


def test_editing_the_profile_keeps_one_row(client, auth, clock):
    create_participant()
    auth.login()
    page = client.get("/pelatihan/daftar-peserta")
    assert 'value="Kota Bandung"' in page.get_data(as_text=True)  # the form shows what is saved
    fill(client, **{"Kabupaten/Kota": "Kabupaten Garut"})
    assert db.session.scalar(select(func.count()).select_from(ParticipantProfile)) == 1
    assert db.session.scalar(select(ParticipantProfile.regency)) == "Kabupaten Garut"


@pytest.mark.parametrize("changes, message", [
    ({"Pendidikan Terakhir": ""}, "Kolom ini wajib diisi"),
    ({"Provinsi": ""}, "Kolom ini wajib diisi"),
    ({"Kabupaten/Kota": ""}, "Kolom ini wajib diisi"),
    ({"Alamat": "x" * 501}, "Paling banyak 500 karakter"),
])
def test_bad_profile_input_is_explained_and_nothing_saved(client, auth, changes, message):
    create_user()
    auth.login()
    page = fill(client, **changes)
    assert message in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ParticipantProfile)) == 0


def test_unknown_choice_values_are_refused(client, auth):
    create_user()
    auth.login()
    page = client.get("/pelatihan/daftar-peserta")
    filled = form(client, page, "Simpan").fill("Kabupaten/Kota", "Bandung").fill("Alamat", "Jl. A")
    filled._by_label("Provinsi").value = "99"  # a tampered select
    filled._by_label("Pendidikan Terakhir").value = "phd"
    html = filled.submit().get_data(as_text=True)
    assert "Not a valid choice" not in html and "Pilihan tidak valid" in html
    assert db.session.scalar(select(func.count()).select_from(ParticipantProfile)) == 0


def test_anonymous_is_sent_to_login(client):
    page = client.get("/pelatihan/daftar-peserta")
    assert page.status_code == 302 and "/masuk" in page.headers["Location"]


def test_staff_and_admins_cannot_register_as_participants(client, auth):
    create_user(role="admin")
    auth.login()
    assert client.get("/pelatihan/daftar-peserta").status_code == 403


def test_non_participant_is_told_what_to_do_next(client, auth):
    create_user()
    auth.login()
    html = client.get("/portofolio/").get_data(as_text=True)
    assert "daftarlah terlebih dahulu sebagai peserta pelatihan" in html
    assert 'href="/pelatihan/daftar-peserta"' in html


def test_participant_portfolio(client, auth):
    create_participant()
    auth.login()
    html = client.get("/portofolio/").get_data(as_text=True)
    assert "Anda belum memiliki pelatihan" in html and "Kota Bandung" in html and "Jawa Barat" in html


def test_catalogue_tells_a_logged_in_non_participant_to_register_first(client, auth):
    create_user()
    auth.login()
    html = client.get("/pelatihan/").get_data(as_text=True)
    assert "daftarlah terlebih dahulu sebagai peserta pelatihan" in html


def test_catalogue_does_not_nag_participants(client, auth):
    create_participant()
    auth.login()
    assert "daftarlah terlebih dahulu" not in client.get("/pelatihan/").get_data(as_text=True)
