"""Buat Akun and activation, filled in as a person would, CSRF on."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.jobs.relay import relay_due
from portal.models import OtpChallenge, SmsMessage, User
from tests.browser import form
from tests.factories import NIK, create_person, create_user

GOOD = {
    "NIK": NIK,
    "Nama Lengkap": "Siti  Rahmawati",
    "Nama Ibu Kandung": "Sri Wahyuni",
    "Email": "Siti.Rahma@Contoh.ID",
    "Nomor HP": "0812-3456-7890",
    "Kata Sandi": "kopi susu gula aren",
    "Ulangi Kata Sandi": "kopi susu gula aren",
}


pytestmark = pytest.mark.usefixtures("siti_is_known")  # Buat Akun asks the population registry first


def register(client, **changes):
    page = client.get("/buat-akun")
    filled = form(client, page, "Daftar Sekarang")
    for label, value in {**GOOD, **changes}.items():
        filled.fill(label, value)
    return filled.submit()


def activate(client, code):
    page = client.get("/aktivasi")
    return form(client, page, "Aktivasi Sekarang").fill("Kode OTP", code).submit()


def users():
    return db.session.scalar(select(func.count()).select_from(User))


def test_register_form_has_the_sisnaker_labels(client):
    html = client.get("/buat-akun").get_data(as_text=True)
    for label in ["NIK", "Nama Lengkap", "Nama Ibu Kandung", "Email", "Nomor HP", "Kata Sandi", "Ulangi Kata Sandi"]:
        assert f">{label}</label>" in html
    assert "Daftar Sekarang" in html


def test_register_then_activate_with_the_sms_code(client, sms, clock):
    page = register(client)
    assert "Aktivasi akun Anda" in page.get_data(as_text=True)
    user = db.session.scalar(select(User))
    assert (user.email, user.phone, user.full_name, user.activated_at) == (
        "siti.rahma@contoh.id", "+6281234567890", "Siti Rahmawati", None
    )
    assert user.password_hash.startswith("scrypt:") and "kopi" not in user.password_hash
    assert "+62 812-****-7890" in page.get_data(as_text=True)

    done = activate(client, sms.last_code("+6281234567890"))
    assert "Akun Anda sudah aktif" in done.get_data(as_text=True)
    assert done.request.path == "/masuk"
    db.session.refresh(user)
    assert user.activated_at is not None


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"NIK": "12345"}, "tepat 16 angka"),
        ({"NIK": "3273013208950003"}, "bukan tanggal yang valid"),
        ({"NIK": "9973014508950003"}, "kode provinsi"),
        ({"Email": "siti@"}, "alamat email yang benar"),
        ({"Nomor HP": "022 1234567"}, "bukan nomor HP"),
        ({"Nomor HP": "+65 9123 4567"}, "nomor HP Indonesia"),
        ({"Kata Sandi": "pendek", "Ulangi Kata Sandi": "pendek"}, "minimal 8 karakter"),
        ({"Kata Sandi": "password123", "Ulangi Kata Sandi": "password123"}, "terlalu umum"),
        ({"Kata Sandi": "prakerja hebat", "Ulangi Kata Sandi": "prakerja hebat"}, "tidak boleh memuat"),
        ({"Ulangi Kata Sandi": "kopi susu gula arenn"}, "Kata sandi tidak sama"),
        ({"Nama Lengkap": ""}, "Kolom ini wajib diisi"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_created(client, sms, changes, message):
    page = register(client, **changes)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and message in html
    assert 'role="alert"' in html and 'aria-invalid="true"' in html
    assert users() == 0 and sms.sent == []
    # what was typed is kept (passwords excepted, as browsers expect)
    kept = {**GOOD, **changes}
    assert f'value="{kept["Nama Ibu Kandung"]}"' in html


def test_nik_already_registered(client, sms):
    create_user(nik=NIK, email="lain@contoh.id")
    html = register(client).get_data(as_text=True)
    assert "NIK ini sudah memiliki akun" in html and users() == 1 and sms.sent == []


def test_email_already_registered_in_any_case(client, sms):
    create_user(nik="3171021207000001", email="siti.rahma@contoh.id")
    html = register(client, Email="SITI.RAHMA@contoh.id").get_data(as_text=True)
    assert "Email ini sudah digunakan" in html and users() == 1


def test_post_without_csrf_token_is_refused(client, sms):
    page = client.get("/buat-akun")
    filled = form(client, page, "Daftar Sekarang")
    for label, value in GOOD.items():
        filled.fill(label, value)
    refused = filled.submit(drop=("csrf_token",))
    assert refused.status_code == 400
    assert "Formulir sudah kedaluwarsa" in refused.get_data(as_text=True)
    assert users() == 0


def test_wrong_then_right_code(client, sms, clock):
    register(client)
    code = sms.last_code("+6281234567890")
    wrong = "000000" if code != "000000" else "111111"
    html = activate(client, wrong).get_data(as_text=True)
    assert "Kode OTP salah. Sisa kesempatan: 4." in html
    assert "Akun Anda sudah aktif" in activate(client, code).get_data(as_text=True)


def test_code_must_be_six_digits(client, sms, clock):
    register(client)
    html = activate(client, "12ab").get_data(as_text=True)
    assert "Kode terdiri dari 6 angka" in html
    assert db.session.scalar(select(OtpChallenge.failed_attempts)) == 0


def test_sixth_wrong_code_is_refused_and_the_challenge_is_dead(client, sms, clock):
    register(client)
    code = sms.last_code("+6281234567890")
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        activate(client, wrong)
    html = activate(client, code).get_data(as_text=True)
    assert "Terlalu banyak kode salah" in html
    assert db.session.scalar(select(User.activated_at)) is None


def test_expired_code(client, sms, clock):
    register(client)
    clock.shift(timedelta(minutes=10, seconds=1))
    html = activate(client, sms.last_code("+6281234567890")).get_data(as_text=True)
    assert "Kode sudah kedaluwarsa" in html


def test_reused_code_after_activation(client, sms, clock):
    register(client)
    code = sms.last_code("+6281234567890")
    activate(client, code)
    # the activation is over: the page no longer takes a code, and the code itself is spent
    again = client.get("/aktivasi", follow_redirects=True)
    assert again.request.path == "/masuk"
    assert db.session.scalar(select(OtpChallenge.consumed_at)) is not None


def test_resend_too_early_then_allowed_and_limited(client, sms, clock):
    register(client)
    page = client.get("/aktivasi")
    early = form(client, page, "Kirim ulang kode").submit()
    assert "Tunggu 60 detik" in early.get_data(as_text=True) and len(sms.sent) == 1
    for sends in range(2, 6):
        clock.shift(timedelta(seconds=60))
        page = client.get("/aktivasi")
        done = form(client, page, "Kirim ulang kode").submit()
        assert "Kode baru sudah dikirim" in done.get_data(as_text=True)
        assert len(sms.sent) == sends
    clock.shift(timedelta(seconds=60))
    page = client.get("/aktivasi")
    refused = form(client, page, "Kirim ulang kode").submit()
    assert "batas 5 kali pengiriman" in refused.get_data(as_text=True) and len(sms.sent) == 5


def test_resend_does_not_reset_failures(client, sms, clock):
    register(client)
    first = sms.last_code("+6281234567890")
    activate(client, "000000" if first != "000000" else "111111")
    clock.shift(timedelta(seconds=60))
    form(client, client.get("/aktivasi"), "Kirim ulang kode").submit()
    code = sms.last_code("+6281234567890")
    wrong = "000000" if code != "000000" else "111111"
    assert "Sisa kesempatan: 3" in activate(client, wrong).get_data(as_text=True)


def test_sms_gateway_down_at_registration_only_delays_the_code(make_app):
    """The request queues the code and answers at once; the relay meets the gateway down and retries."""
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    app = make_app(SMS_BACKEND="http", SMS_HTTP_URL=f"http://127.0.0.1:{closed_port}/sms", SMS_HTTP_TOKEN="t",
                   SMS_HTTP_RETRIES=1, SMS_HTTP_BACKOFF=0)
    client = app.test_client()
    with app.app_context():
        page = register(client)
        assert page.request.path == "/aktivasi" and users() == 1
        [queued] = db.session.scalars(select(SmsMessage)).all()
        assert (queued.status, queued.attempts) == ("queued", 0)  # the request called no gateway
        assert relay_due() == {"retrying": 1}
        db.session.refresh(queued)
        assert (queued.status, queued.attempts, queued.last_error) == ("queued", 1, "ConnectionError")


def test_phone_already_used_by_another_account(client, sms):
    create_user(nik="3171021207000001", email="lain@contoh.id", phone="+6281234567890")
    html = register(client).get_data(as_text=True)
    assert "Nomor HP ini sudah digunakan akun lain" in html and users() == 1 and sms.sent == []


def test_account_creation_is_limited_per_address(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_OTP="2 per minute", RATELIMIT_STORAGE_URI="memory://")
    client = app.test_client()
    with app.app_context():
        for i in range(3):
            create_person(f"31710212070000{i + 1:02d}", "Siti Rahmawati", "Sri Wahyuni")
        statuses = []
        for i in range(3):
            page = client.get("/buat-akun")
            filled = form(client, page, "Daftar Sekarang")
            for label, value in {**GOOD, "NIK": f"31710212070000{i + 1:02d}", "Email": f"warga{i}@contoh.id",
                                 "Nomor HP": f"08123456{i:04d}"}.items():
                filled.fill(label, value)
            statuses.append(filled.submit(follow_redirects=False).status_code)
        assert statuses == [302, 302, 429] and users() == 2

