"""Flask-Limiter limits per address, per phone and per account at Daftar; no limit keyed by a login typed.

Each test builds its own app with the limiter on and the limit shrunk (`make_app`, which puts the
shared limiter back afterwards). A client per address: Flask-Login's strong session protection
ties a session to the address it was made from.
"""
from __future__ import annotations

from datetime import timedelta

import pytest

from portal.services.cards import luhn_check_digit
from tests.browser import form
from tests.conftest import Auth
from tests.factories import NIK, PASSWORD, PHONE, create_card, create_offering, create_participant, create_user
from tests.prakerja.conftest import enter_card
from tests.support.codes import deliver

pytestmark = pytest.mark.usefixtures("siti_is_known")  # Buat Akun asks the population registry first

WRONG = "tebak tebak saja"
HIGH = "1000 per minute"  # a limit that is not under test


def _limited(make_app, **limits):
    settings = {
        "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://", "RATELIMIT_LOGIN": HIGH,
        "RATELIMIT_OTP": HIGH, "RATELIMIT_OTP_PHONE": HIGH,
        "RATELIMIT_CARD_TRIES": HIGH,
    }
    return make_app(**(settings | limits))


def _client(app, address: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _login(app, address: str, login: str = NIK, password: str = PASSWORD):
    return Auth(_client(app, address)).login(login, password)


def _welcomed(page) -> bool:
    return page.status_code == 200 and "Selamat datang" in page.get_data(as_text=True)


def _refused(page) -> bool:
    return page.status_code == 200 and "NIK/email atau kata sandi salah." in page.get_data(as_text=True)


# Logins: no limit keyed by the login typed; per address, generous -----------------------------------------
# The three tests of the per-login limit (RATELIMIT_LOGIN_ACCOUNT: N refused logins a minute for a NIK
# typed, from any address, then 429 even for the right password) asserted what let a stranger keep the
# owner out by typing the owner's NIK. That limit is gone; these tests assert the opposite, and the
# per-account back-off (tests/security/test_lockout.py) is the brake on guessing.

def _code_login(app, address: str, login: str = NIK):
    client = _client(app, address)
    page = client.get("/masuk/kode-sms")
    form(client, page, "Kirim Kode Masuk").fill("NIK atau Email", login).submit()
    code = [m for m in _sent(app) if m.to == PHONE][-1].text
    code = next(word for word in code.replace(".", " ").split() if word.isdigit() and len(word) == 6)
    page = client.get("/masuk/kode-sms/verifikasi")
    return form(client, page, "Masuk").fill("Kode OTP", code).submit()


def test_rotating_addresses_cannot_lock_the_owner_out(make_app, clock):
    create_user(email="siti@contoh.id")
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")  # the real figures
    for n in range(30):  # a stranger, from thirty addresses, with the owner's NIK and email
        page = _login(app, f"10.0.0.{n}", [NIK, "siti@contoh.id"][n % 2], WRONG)
        assert page.status_code == 200 and not _welcomed(page)
    assert not _welcomed(_login(app, "10.0.1.1"))  # the right password waits for the back-off...
    assert _welcomed(_code_login(app, "10.0.1.2"))  # ...but the owner is in at once with an SMS code
    for n in range(30):
        _login(app, f"10.0.2.{n}", NIK, WRONG)
    clock.shift(timedelta(seconds=31))  # five wrong passwords since: the first back-off, 30 s
    assert _welcomed(_login(app, "10.0.1.3"))  # and by password once the back-off is over


def test_the_login_limit_per_address_lets_300_accounts_in_a_minute_through_one_address(make_app, clock, monkeypatch):
    from portal.services import accounts

    monkeypatch.setattr(accounts, "password_matches", lambda stored, typed: typed == PASSWORD)  # scrypt × 300: slow
    people = [create_user(nik=f"31710212070{n:05d}", email=f"orang{n}@contoh.id") for n in range(301)]
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")  # the real figures
    assert app.config["RATELIMIT_LOGIN"] == "300 per minute"
    for person in people[:300]:  # 300 people behind one carrier-grade NAT address, each in their own browser
        assert _welcomed(_login(app, "10.8.8.8", person.email)), person.email
    assert _login(app, "10.8.8.8", people[300].email).status_code == 429  # the 301st in the minute
    assert _welcomed(_login(app, "10.8.8.9", people[300].email))  # another address is not held back
    clock.shift(timedelta(seconds=61))
    assert _welcomed(_login(app, "10.8.8.8", people[300].email))


def test_failed_logins_per_address_count_across_accounts(make_app, clock):
    create_user()
    app = _limited(make_app, RATELIMIT_LOGIN="3 per minute")
    for login in ("3171021207000001", "orang@contoh.id", NIK):
        assert _refused(_login(app, "10.9.9.9", login, WRONG))
    assert _login(app, "10.9.9.9").status_code == 429
    assert _welcomed(_login(app, "10.9.9.10"))  # another address is not held back


# Codes per phone --------------------------------------------------------------------------------------

def _sent(app) -> list:
    return deliver(app)


def _ask_reset(app, address: str, login: str):
    client = _client(app, address)
    return form(client, client.get("/kendala-masuk"), "Kirim Kode").fill("NIK atau Email", login).submit(
        follow_redirects=False)


def test_reset_codes_per_phone_count_across_addresses_and_logins(make_app, clock):
    create_user(email="siti@contoh.id")
    app = _limited(make_app, RATELIMIT_OTP_PHONE="2 per 10 minutes")
    assert _ask_reset(app, "10.0.0.1", NIK).status_code == 302
    assert _ask_reset(app, "10.0.0.2", "SITI@contoh.id").status_code == 302
    assert len(_sent(app)) == 2
    assert _ask_reset(app, "10.0.0.3", NIK).status_code == 429
    assert len(_sent(app)) == 2
    clock.shift(timedelta(minutes=10, seconds=1))
    assert _ask_reset(app, "10.0.0.4", NIK).status_code == 302 and len(_sent(app)) == 3


def _ask_login_code(app, address: str, login: str):
    client = _client(app, address)
    return form(client, client.get("/masuk/kode-sms"), "Kirim Kode Masuk").fill("NIK atau Email", login).submit(
        follow_redirects=False)


def test_login_codes_share_the_phone_limit_with_reset_codes(make_app, clock):
    create_user(email="siti@contoh.id")
    app = _limited(make_app, RATELIMIT_OTP_PHONE="2 per 10 minutes")
    assert _ask_reset(app, "10.0.0.1", NIK).status_code == 302
    assert _ask_login_code(app, "10.0.0.2", "siti@contoh.id").status_code == 302
    assert _ask_login_code(app, "10.0.0.3", NIK).status_code == 429 and len(_sent(app)) == 2
    # An unknown login reaches the same limit after the same number of tries.
    for address in ("10.0.0.4", "10.0.0.5"):
        assert _ask_login_code(app, address, "tidak.ada@contoh.id").status_code == 302
    assert _ask_login_code(app, "10.0.0.6", "tidak.ada@contoh.id").status_code == 429


def test_login_code_pages_are_limited_per_address(make_app, clock):
    create_user()
    app = _limited(make_app, RATELIMIT_OTP="2 per minute")
    for n in range(2):
        assert _ask_login_code(app, "10.0.0.1", f"orang{n}@contoh.id").status_code == 302
    assert _ask_login_code(app, "10.0.0.1", NIK).status_code == 429
    assert _ask_login_code(app, "10.0.0.2", NIK).status_code == 302


def test_unknown_and_known_accounts_reach_the_reset_limit_alike(make_app, clock):
    create_user()
    app = _limited(make_app, RATELIMIT_OTP_PHONE="2 per 10 minutes")
    for _ in range(2):
        assert _ask_reset(app, "10.0.0.1", "tidak.ada@contoh.id").status_code == 302
    # Another login from the same address, known or not, is not held back by that count...
    assert _ask_reset(app, "10.0.0.1", "juga.tidak.ada@contoh.id").status_code == 302
    assert _ask_reset(app, "10.0.0.1", NIK).status_code == 302
    # ...and the third try for one login is refused whether the account exists or not.
    assert _ask_reset(app, "10.0.0.2", "tidak.ada@contoh.id").status_code == 429
    assert _ask_reset(app, "10.0.0.2", NIK).status_code == 302
    assert _ask_reset(app, "10.0.0.3", NIK).status_code == 429


def test_registration_and_its_resends_share_the_phone_limit(make_app, clock):
    from tests.auth.test_register import register

    app = _limited(make_app, RATELIMIT_OTP_PHONE="2 per 10 minutes")
    client = _client(app, "10.0.0.1")
    assert register(client).request.path == "/aktivasi"
    clock.shift(timedelta(seconds=61))
    assert form(client, client.get("/aktivasi"), "Kirim ulang kode").submit(follow_redirects=False).status_code == 302
    clock.shift(timedelta(seconds=61))
    refused = form(client, client.get("/aktivasi"), "Kirim ulang kode").submit(follow_redirects=False)
    assert refused.status_code == 429 and [m.to for m in _sent(app)] == [PHONE, PHONE]


def test_payment_and_reset_codes_share_the_phone_limit(make_app, clock):
    user = create_participant()
    card = create_card(user)  # its phone is the account's phone
    offering = create_offering(price=500_000, seats=20)
    app = _limited(make_app, RATELIMIT_OTP_PHONE="2 per 10 minutes")
    assert _ask_reset(app, "10.0.0.1", NIK).status_code == 302
    buyer = _client(app, "10.0.0.2")
    Auth(buyer).login()
    assert enter_card(buyer, offering.id, card.number).request.path.startswith("/prakerja/verifikasi/")
    assert enter_card(buyer, offering.id, card.number).status_code == 429
    assert len(_sent(app)) == 2


# Card numbers per account ------------------------------------------------------------------------------

def _unknown_card(n: int) -> str:
    body = f"5123456789012{n:02d}"
    return body + luhn_check_digit(body)


def test_card_number_tries_per_account_count_across_addresses(make_app, clock):
    user = create_participant()
    create_card(user)
    other = create_participant(nik="3171021207000001", email="lain@contoh.id")
    create_card(other, phone="+6281299990000")
    offering = create_offering(price=500_000, seats=20)
    app = _limited(make_app, RATELIMIT_CARD_TRIES="3 per hour")
    first = _client(app, "10.0.0.1")
    Auth(first).login()
    for n in range(3):
        page = enter_card(first, offering.id, _unknown_card(n))
        assert page.status_code == 200 and "Tidak ada Kartu Prakerja dengan nomor ini" in page.get_data(as_text=True)
    second = _client(app, "10.0.0.2")  # the same account from elsewhere
    Auth(second).login()
    assert enter_card(second, offering.id, _unknown_card(3)).status_code == 429
    someone_else = _client(app, "10.0.0.1")  # another account at the first address
    Auth(someone_else).login("3171021207000001", PASSWORD)
    assert enter_card(someone_else, offering.id, _unknown_card(4)).status_code == 200
