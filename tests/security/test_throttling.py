"""Flask-Limiter limits per account, per address, per phone and per account at Daftar.

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

WRONG = "tebak tebak saja"
HIGH = "1000 per minute"  # a limit that is not under test


def _limited(make_app, **limits):
    settings = {
        "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://", "RATELIMIT_LOGIN": HIGH,
        "RATELIMIT_LOGIN_ACCOUNT": HIGH, "RATELIMIT_OTP": HIGH, "RATELIMIT_OTP_PHONE": HIGH,
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


# Logins per account ---------------------------------------------------------------------------------

@pytest.mark.parametrize("limit", [2, 3])
def test_failed_logins_per_account_count_across_addresses(make_app, clock, limit):
    create_user(email="siti@contoh.id")
    app = _limited(make_app, RATELIMIT_LOGIN_ACCOUNT=f"{limit} per minute")
    spellings = [NIK, f"  {NIK} "]  # typed with spaces: the same account
    for n in range(limit):
        assert _refused(_login(app, f"10.0.0.{n}", spellings[n % 2], WRONG))
    blocked = _login(app, "10.0.1.1")  # a new address, and the right password
    assert blocked.status_code == 429 and "Selamat datang" not in blocked.get_data(as_text=True)
    assert _welcomed(_login(app, "10.0.1.2", "siti@contoh.id"))  # the key is the login typed, not the address


def test_right_password_below_the_account_limit_and_after_the_window(make_app, clock):
    create_user()
    app = _limited(make_app, RATELIMIT_LOGIN_ACCOUNT="3 per minute")
    for n in range(2):
        assert _refused(_login(app, f"10.0.0.{n}", password=WRONG))
    assert _welcomed(_login(app, "10.0.0.9"))  # the third try, not yet over the limit
    for n in range(3):
        _login(app, f"10.0.2.{n}", password=WRONG)
    assert _login(app, "10.0.3.1").status_code == 429
    clock.shift(timedelta(seconds=61))
    assert _welcomed(_login(app, "10.0.3.2"))


def test_successful_logins_do_not_count_against_the_account(make_app, clock):
    create_user()
    app = _limited(make_app, RATELIMIT_LOGIN_ACCOUNT="2 per minute")
    for n in range(4):
        assert _welcomed(_login(app, f"10.0.0.{n}"))


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
