"""No secret reaches a log line: the whole journey and a password reset, with every log captured.

portal/logs.py promises that logs never carry a code, a NIK, a password or a card number (the
request line has the path only; database errors lose their SQL and parameters). Here the journey
runs on an app with LOG_JSON on and the root logger at DEBUG, and both pytest's record capture
(messages and every `extra=` field) and the JSON lines on stderr are searched. The codes are
found only in the SMS texts; the database keeps only hashes.
"""
from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.logs import JsonLinesHandler
from portal.models import OtpChallenge, User
from tests.browser import form
from tests.factories import create_offering, create_person, create_programme, create_wave
from tests.support.codes import deliver

NIK = "3273014508950011"
PHONE = "+6281234567890"
EMAIL = "rina@contoh.id"
PASSWORD = "kopi susu gula aren"
NEW_PASSWORD = "teh manis pakai es batu"


@pytest.fixture
def json_logging_app(make_app):
    """An app that installs the JSON handler on the root logger; the handler and level are put back after."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield make_app(LOG_JSON=True, LOG_LEVEL="DEBUG")
    for handler in root.handlers[:]:
        if handler not in handlers and isinstance(handler, JsonLinesHandler):
            root.removeHandler(handler)
    root.setLevel(level)


def _codes(app) -> list[str]:
    return [re.search(r"\b(\d{6})\b", m.text).group(1) for m in deliver(app)]


def _last_code(app) -> str:
    return _codes(app)[-1]


def _journey(app, client) -> str:
    """Buat Akun to Mulai Pelatihan (tests/test_journey.py), then Kendala Masuk; returns the card number."""
    offering = create_offering(programme=create_programme(title="Pemrograman Web Dasar"), price=750_000)
    create_wave(number=17)
    from portal.demo.sessions import seed_training_sessions
    seed_training_sessions()
    create_person(NIK, "Rina Marlina", "Sri Wahyuni")  # Buat Akun asks the population registry first
    db.session.commit()

    page = form(client, client.get("/buat-akun"), "Daftar Sekarang")
    for label, value in {"NIK": NIK, "Nama Lengkap": "Rina Marlina", "Nama Ibu Kandung": "Sri Wahyuni",
                         "Email": EMAIL, "Nomor HP": "0812 3456 7890", "Kata Sandi": PASSWORD,
                         "Ulangi Kata Sandi": PASSWORD}.items():
        page.fill(label, value)
    page = page.submit()
    page = form(client, page, "Aktivasi Sekarang").fill("Kode OTP", _last_code(app)).submit()
    page = form(client, page, "Masuk").fill("NIK atau Email", NIK).fill("Kata Sandi", PASSWORD).submit()
    assert "Selamat datang, Rina Marlina." in page.get_data(as_text=True)

    result = app.test_cli_runner().invoke(args=["prakerja", "issue-card", "--nik", NIK, "--name", "Rina Marlina",
                                                "--phone", "0812 3456 7890", "--wave", "17"])
    card_number = result.output.strip()
    assert re.fullmatch(r"\d{16}", card_number), result.output

    page = client.get("/pelatihan/daftar-peserta")
    page = (form(client, page, "Simpan").fill("Pendidikan Terakhir", "SMA / SMK / sederajat")
            .fill("Provinsi", "Jawa Barat").fill("Kabupaten/Kota", "Kota Bandung")
            .fill("Alamat", "Jl. Asia Afrika No. 8").submit())
    page = form(client, page, "Cari").fill("Cari pelatihan", "web").submit()
    page = client.get(f"/prakerja/daftar/{offering.id}")
    # a wrong card number and a wrong code first: refusals must not log what was typed either
    form(client, page, "Kirim OTP").fill("Nomor Kartu Prakerja", card_number[:-1] + "0").submit()
    page = form(client, page, "Kirim OTP").fill("Nomor Kartu Prakerja", card_number).submit()
    right = _last_code(app)
    form(client, page, "Verifikasi").fill("Kode OTP", "000000" if right != "000000" else "111111").submit()
    page = form(client, page, "Verifikasi").fill("Kode OTP", right).submit()
    html = page.get_data(as_text=True)
    assert "Pembayaran Berhasil" in html
    page = client.get(re.search(r'href="(/portofolio/pelatihan/\d+)"', client.get("/portofolio/").get_data(
        as_text=True)).group(1))
    page = form(client, page, "Mulai Pelatihan").submit()
    assert "Sedang berjalan" in page.get_data(as_text=True)

    # Kendala Masuk: a reset code, a new password, and logging in with it
    form(client, client.get("/"), "Keluar").submit()
    form(client, client.get("/masuk"), "Masuk").fill("NIK atau Email", EMAIL).fill("Kata Sandi", "salah").submit()
    page = form(client, client.get("/kendala-masuk"), "Kirim Kode").fill("NIK atau Email", EMAIL).submit()
    page = (form(client, page, "Simpan Kata Sandi Baru").fill("Kode OTP", _last_code(app))
            .fill("Kata Sandi Baru", NEW_PASSWORD).fill("Ulangi Kata Sandi Baru", NEW_PASSWORD).submit())
    page = form(client, page, "Masuk").fill("NIK atau Email", NIK).fill("Kata Sandi", NEW_PASSWORD).submit()
    assert "Selamat datang, Rina Marlina." in page.get_data(as_text=True)
    return card_number


def test_no_code_password_card_number_or_nik_in_any_log_line(json_logging_app, clock, caplog, capsys):
    app = json_logging_app
    caplog.set_level("DEBUG")
    card_number = _journey(app, app.test_client())

    codes = _codes(app)
    assert len(codes) >= 3  # activation, the payment, the reset
    records = [f"{r.getMessage()} {vars(r)}" for r in caplog.records]
    json_lines = capsys.readouterr().err.splitlines()
    assert any('"logger": "portal.request"' in line for line in json_lines), "the JSON handler wrote nothing"
    assert len(records) > 20
    secrets = {"password": PASSWORD, "new password": NEW_PASSWORD, "card number": card_number, "NIK": NIK}
    secrets |= {f"code {code}": code for code in codes}
    leaks = [f"{name} in: {line[:300]}" for line in records + json_lines + [caplog.text]
             for name, secret in secrets.items() if secret in line]
    assert not leaks, "\n".join(leaks)


def test_the_database_keeps_only_hashes(json_logging_app, clock):
    app = json_logging_app
    _journey(app, app.test_client())
    codes = _codes(app)
    challenges = db.session.scalars(select(OtpChallenge)).all()
    assert len(challenges) >= 3
    for challenge in challenges:
        assert not any(code in challenge.code_hash for code in codes), challenge.purpose
    user = db.session.scalar(select(User).where(User.nik == NIK))
    for password in (PASSWORD, NEW_PASSWORD):
        assert password not in user.password_hash
        assert password.replace(" ", "") not in user.password_hash.replace(" ", "")
