"""Masuk / Keluar, and Kendala Masuk ke Akun?."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import User
from tests.browser import form
from tests.factories import NIK, PASSWORD, PHONE, create_user

NEW_PASSWORD = "teh manis hangat pagi"


def test_login_by_nik_and_logout(client, auth):
    create_user()
    page = auth.login(NIK, PASSWORD)
    html = page.get_data(as_text=True)
    assert "Selamat datang, Siti Rahmawati." in html and "Keluar" in html
    out = auth.logout().get_data(as_text=True)
    assert "Anda sudah keluar" in out and "Masuk" in out


def test_login_by_email_in_any_case(client, auth):
    create_user(email="siti@contoh.id")
    assert "Selamat datang" in auth.login("SITI@contoh.id", PASSWORD).get_data(as_text=True)


@pytest.mark.parametrize(
    "login, password", [(NIK, "salah sekali ya"), ("3171021207000001", PASSWORD), ("x@y.id", PASSWORD)]
)
def test_unknown_account_and_wrong_password_get_the_same_message(client, auth, login, password):
    create_user()
    page = auth.login(login, password)
    html = page.get_data(as_text=True)
    assert "NIK/email atau kata sandi salah." in html
    assert "Selamat datang" not in html


def test_login_before_activation_sends_a_new_code(client, auth, sms, clock):
    create_user(active=False)
    page = auth.login()
    html = page.get_data(as_text=True)
    assert page.request.path == "/aktivasi" and "belum diaktifkan" in html
    code = sms.last_code(PHONE)
    form(client, page, "Aktivasi Sekarang").fill("Kode OTP", code).submit()
    assert "Selamat datang" in auth.login().get_data(as_text=True)


def test_inactive_account_with_wrong_password_learns_nothing(client, auth, sms):
    create_user(active=False)
    html = auth.login(NIK, "bukan kata sandinya").get_data(as_text=True)
    assert "NIK/email atau kata sandi salah." in html and sms.sent == []


def test_next_is_followed_when_local(client):
    create_user()
    page = client.get("/masuk?next=/portofolio/")
    done = form(client, page, "Masuk", url="/masuk?next=/portofolio/").fill("NIK atau Email", NIK).fill(
        "Kata Sandi", PASSWORD).submit()
    assert done.request.path == "/portofolio/"


@pytest.mark.parametrize(
    "target", ["https://phishing.example/", "//phishing.example/x", "/\\phishing.example", "javascript:alert(1)"]
)
def test_off_site_next_is_ignored(client, target):
    create_user()
    url = f"/masuk?next={target}"
    page = client.get(url)
    done = form(client, page, "Masuk", url=url).fill("NIK atau Email", NIK).fill("Kata Sandi", PASSWORD).submit(
        follow_redirects=False)
    assert done.status_code == 302 and done.headers["Location"] == "/"


def test_protected_page_sends_anonymous_users_to_login(client):
    page = client.get("/portofolio/")
    assert page.status_code == 302 and page.headers["Location"].startswith("/masuk?next=")


def test_login_without_csrf_is_refused(client):
    create_user()
    page = client.get("/masuk")
    refused = form(client, page, "Masuk").fill("NIK atau Email", NIK).fill("Kata Sandi", PASSWORD).submit(
        drop=("csrf_token",))
    assert refused.status_code == 400


def _ask_reset(client, login=NIK):
    page = client.get("/masuk")
    page = client.get("/kendala-masuk")
    return form(client, page, "Kirim Kode").fill("NIK atau Email", login).submit()


def _reset(client, code, password=NEW_PASSWORD, confirm=None):
    page = client.get("/kendala-masuk/kata-sandi-baru")
    return (form(client, page, "Simpan Kata Sandi Baru").fill("Kode OTP", code).fill("Kata Sandi Baru", password)
            .fill("Ulangi Kata Sandi Baru", confirm or password).submit())


def test_login_page_links_to_recovery(client):
    assert "Kendala Masuk ke Akun?" in client.get("/masuk").get_data(as_text=True)


def test_password_reset_by_sms_ends_other_sessions(app, auth, sms, clock):
    create_user()
    other_device = app.test_client()
    from tests.conftest import Auth
    Auth(other_device).login()
    assert other_device.get("/portofolio/").status_code == 200

    me = app.test_client()
    asked = _ask_reset(me)
    assert "Jika akun terdaftar" in asked.get_data(as_text=True)
    done = _reset(me, sms.last_code(PHONE))
    assert "Kata sandi Anda sudah diganti" in done.get_data(as_text=True)

    assert other_device.get("/portofolio/").status_code == 302  # logged out
    assert "Selamat datang" in Auth(me).login(NIK, NEW_PASSWORD).get_data(as_text=True)
    assert "salah" in Auth(app.test_client()).login(NIK, PASSWORD).get_data(as_text=True)


def test_reset_for_unknown_account_answers_the_same_and_sends_nothing(client, sms):
    asked = _ask_reset(client, "tidak.ada@contoh.id")
    assert "Jika akun terdaftar" in asked.get_data(as_text=True) and sms.sent == []
    assert "Kode OTP salah." in _reset(client, "123456").get_data(as_text=True)


def test_reset_refuses_wrong_code_and_weak_password(client, sms, clock):
    create_user()
    _ask_reset(client)
    code = sms.last_code(PHONE)
    wrong = "000000" if code != "000000" else "111111"
    assert "Sisa kesempatan: 4" in _reset(client, wrong).get_data(as_text=True)
    assert "terlalu umum" in _reset(client, code, "password1").get_data(as_text=True)
    assert "tidak sama" in _reset(client, code, NEW_PASSWORD, "lain sekali ya").get_data(as_text=True)
    old_hash = db.session.scalar(select(User.password_hash))
    assert db.session.scalar(select(User.session_version)) == 1 and old_hash
    assert "sudah diganti" in _reset(client, code).get_data(as_text=True)


def test_reset_code_expires(client, sms, clock):
    create_user()
    _ask_reset(client)
    clock.shift(timedelta(minutes=11))
    assert "kedaluwarsa" in _reset(client, sms.last_code(PHONE)).get_data(as_text=True)


def test_reset_codes_are_capped_and_the_answer_stays_the_same(client, sms, clock):
    create_user()
    for _ in range(6):
        html = _ask_reset(client).get_data(as_text=True)
        assert "Jika akun terdaftar" in html
    assert len(sms.sent) == 5  # the sixth is not sent, and the page does not say so


def test_the_reset_session_looks_the_same_for_known_and_unknown_accounts(app):
    create_user()
    shapes = []
    for login in (NIK, "tidak.ada@contoh.id"):
        visitor = app.test_client()
        _ask_reset(visitor, login)
        with visitor.session_transaction() as stored:
            shapes.append(sorted((key, type(value).__name__) for key, value in stored["reset"].items()))
    # What the page says is drawn from these, the same for both kinds (SECURITY.md, password reset).
    assert shapes[0] == shapes[1] == [("login", "str"), ("sent_at", "int"), ("tries", "int")]
