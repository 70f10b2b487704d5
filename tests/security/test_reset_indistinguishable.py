"""Kendala Masuk ke Akun? tells nothing: the code is proven before the account is judged, and a
known account cannot be told from an unknown one by page, message, session or time.

A prober who knows neither the code nor the account posts candidate words as the new password
with a wrong code: every answer is the same. Then two visitors, one naming a real account and one
naming nobody, take every step side by side, and each page they are shown is compared: equal,
once the CSRF tokens (random by design) are set aside. The demo's phone beside the form is the
demo's point (it shows the named account's SMS), so these run with DEMO_MODE off.
"""
from __future__ import annotations

import re
import statistics
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import OtpChallenge, User
from tests.browser import form
from tests.factories import NIK, PHONE, create_user
from tests.support.codes import code_in, deliver
from tests.support.sms_gateway import SLOW, SmsGateway

UNKNOWN = "tidak.ada@contoh.id"
GOOD_PASSWORD = "Layang-layang Biru 77"
TOKEN = re.compile(r'(name="csrf_token"[^>]*value=")[^"]*"|(value=")[^"]*("[^>]*name="csrf_token")')


def _same_view(response) -> tuple[int, str, str]:
    """What a visitor sees: status, where it went, and the page without its random CSRF tokens."""
    html = TOKEN.sub(lambda m: (m.group(1) or m.group(2)) + 'X"' + (m.group(3) or ""), response.get_data(as_text=True))
    return response.status_code, response.request.path, html


def _ask(client, login):
    page = client.get("/kendala-masuk")
    return form(client, page, "Kirim Kode").fill("NIK atau Email", login).submit()


def _reset(client, code, password=GOOD_PASSWORD):
    page = client.get("/kendala-masuk/kata-sandi-baru")
    return (form(client, page, "Simpan Kata Sandi Baru").fill("Kode OTP", code).fill("Kata Sandi Baru", password)
            .fill("Ulangi Kata Sandi Baru", password).submit())


def _resend(client):
    return form(client, client.get("/kendala-masuk/kata-sandi-baru"), "Kirim ulang kode").submit()


@pytest.fixture
def plain(make_app):
    """The portal without the demo's phone beside the forms."""
    return make_app(DEMO_MODE=False)


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


# 1. No oracle: nothing about the account is judged before the code is proven -------------------

def test_candidate_words_with_a_wrong_code_learn_nothing(plain, clock):
    create_user()
    user = db.session.scalar(select(User))
    right_words = f"{user.nik} {user.full_name} {user.email.split('@')[0]}"  # every word right: a weak password
    wrong_words = "3273019999999999 Budi Hartono bukan.dia"
    answers = {}
    for label, words in (("right", right_words), ("wrong", wrong_words)):
        visitor = plain.test_client()
        _ask(visitor, NIK)
        code = deliver(plain)[-1].text
        answers[label] = _same_view(_reset(visitor, _wrong(code_in(code)), words))
    assert answers["right"] == answers["wrong"]
    assert "Kode OTP salah." in answers["right"][2] and "tidak boleh memuat" not in answers["right"][2]


def test_a_weak_password_after_the_right_code_keeps_the_code_for_a_second_try(client, sms, clock):
    create_user()
    _ask(client, NIK)
    code = sms.last_code(PHONE)
    refused = _reset(client, code, f"{NIK} rahasia").get_data(as_text=True)
    assert "tidak boleh memuat" in refused  # judged now: the code proved the owner
    challenge = db.session.scalar(select(OtpChallenge))
    assert (challenge.consumed_at, challenge.failed_attempts) == (None, 0)  # unspent, and not a wrong try
    assert "sudah diganti" in _reset(client, code).get_data(as_text=True)


def test_a_wrong_code_always_counts(client, sms, clock):
    create_user()
    _ask(client, NIK)
    code = sms.last_code(PHONE)
    _reset(client, _wrong(code), f"{NIK} rahasia")
    _reset(client, _wrong(code), GOOD_PASSWORD)
    assert db.session.scalar(select(OtpChallenge.failed_attempts)) == 2


# 2. Known and unknown accounts alike --------------------------------------------------------------

def test_every_step_looks_the_same_for_a_known_and_an_unknown_account(plain, clock):
    create_user()
    known, unknown = plain.test_client(), plain.test_client()

    def both(step, *args):
        return _same_view(step(known, *args)), _same_view(step(unknown, *args))

    def shape(client):
        with client.session_transaction() as stored:
            return sorted((key, type(value).__name__) for key, value in stored["reset"].items())

    steps = [
        ("step 1", lambda c: _ask(c, NIK if c is known else UNKNOWN)),
        ("step 2 page", lambda c: c.get("/kendala-masuk/kata-sandi-baru")),
        ("wrong code", lambda c: _reset(c, "123456")),
        ("wrong code, weak password", lambda c: _reset(c, "123456", f"{NIK} rahasia")),
        ("resend too soon", _resend),
        ("after 61 s", lambda c: c.get("/kendala-masuk/kata-sandi-baru")),
    ]
    for name, step in steps:
        if name == "after 61 s":
            clock.shift(timedelta(seconds=61))
        mine, theirs = both(step)
        assert mine == theirs, name
        assert shape(known) == shape(unknown), name
    clock.shift(timedelta(seconds=61))
    mine, theirs = both(_resend)
    assert mine == theirs and "Jika akun terdaftar, kode baru telah dikirim." in mine[2]
    for _ in range(4):  # through to the last try, and past it
        mine, theirs = both(lambda c: _reset(c, "123456"))
        assert mine == theirs
    assert "Terlalu banyak kode salah" in _same_view(_reset(known, "123456"))[2]
    assert _same_view(_reset(known, "123456")) == _same_view(_reset(unknown, "123456"))
    clock.shift(timedelta(minutes=11))
    assert shape(known) == shape(unknown)


def test_the_expired_message_comes_from_the_session_for_both(plain, clock):
    create_user()
    known, unknown = plain.test_client(), plain.test_client()
    _ask(known, NIK)
    _ask(unknown, UNKNOWN)
    clock.shift(timedelta(minutes=11))
    mine, theirs = _same_view(_reset(known, "123456")), _same_view(_reset(unknown, "123456"))
    assert mine == theirs and "kedaluwarsa" in mine[2]


def test_no_request_calls_the_sms_gateway_so_a_known_account_is_not_slower(make_app, clock):
    """With a gateway that never answers in time, a reset for a known account answers as fast as
    for an unknown one: the request only queues the code, the relay sends it afterwards."""
    with SmsGateway(token="t") as gateway:
        gateway.answers = [SLOW]
        portal = make_app(SMS_BACKEND="http", SMS_HTTP_URL=gateway.url, SMS_HTTP_TOKEN="t",
                          SMS_HTTP_TIMEOUT=0.3, DEMO_MODE=False)
        with portal.app_context():
            create_user()
        timings = {NIK: [], UNKNOWN: []}
        for _ in range(5):
            for login in (NIK, UNKNOWN):
                client = portal.test_client()
                page = client.get("/kendala-masuk")
                filled = form(client, page, "Kirim Kode").fill("NIK atau Email", login)
                started = time.perf_counter()
                filled.submit()
                timings[login].append(time.perf_counter() - started)
        assert gateway.calls == 0  # not one request called it
        assert statistics.median(timings[NIK]) < statistics.median(timings[UNKNOWN]) + 0.05
        gateway.answers = [202]
        deliver(portal)
        assert gateway.calls == 5 and {m.to for m in gateway.delivered} == {PHONE}
