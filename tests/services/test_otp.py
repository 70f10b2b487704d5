"""The OTP service's limits, with a moved clock: lifetime, single use, tries, resends."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal import clock as portal_clock
from portal.extensions import db
from portal.models import OtpChallenge
from portal.services import DomainError
from portal.services.otp import OtpRejected, resend_code, start_challenge, verify_code
from tests.factories import PHONE, create_user


def message(code):
    return f"Kode: {code}"


@pytest.fixture
def challenge(app, clock):
    user = create_user()
    made = start_challenge(user, "activation", PHONE, message, portal_clock.now())
    db.session.commit()
    return made


def wrong(code):
    return "000000" if code != "000000" else "111111"


def test_code_is_six_digits_sent_once_and_stored_only_as_a_keyed_hash(challenge, sms):
    code = sms.last_code(PHONE)
    assert len(code) == 6 and code.isdigit()
    stored = db.session.scalar(select(OtpChallenge))
    assert code not in stored.code_hash and len(stored.code_hash) == 64
    assert [m.to for m in sms.sent] == [PHONE]


def test_right_code_is_consumed_once(challenge, sms):
    code = sms.last_code(PHONE)
    verify_code(challenge, code, portal_clock.now())
    assert challenge.consumed_at is not None
    with pytest.raises(OtpRejected, match="sudah digunakan"):
        verify_code(challenge, code, portal_clock.now())


def test_code_expires_after_ten_minutes(challenge, sms, clock):
    code = sms.last_code(PHONE)
    clock.shift(timedelta(minutes=10))
    with pytest.raises(OtpRejected, match="kedaluwarsa"):
        verify_code(challenge, code, portal_clock.now())


def test_code_still_works_just_before_expiry(challenge, sms, clock):
    clock.shift(timedelta(minutes=9, seconds=59))
    verify_code(challenge, sms.last_code(PHONE), portal_clock.now())


def test_five_wrong_codes_kill_the_challenge_even_the_right_code_after(challenge, sms):
    code = sms.last_code(PHONE)
    for left in (4, 3, 2, 1):
        with pytest.raises(OtpRejected, match=f"Sisa kesempatan: {left}"):
            verify_code(challenge, wrong(code), portal_clock.now())
    with pytest.raises(OtpRejected, match="kesempatan sudah habis"):
        verify_code(challenge, wrong(code), portal_clock.now())
    with pytest.raises(OtpRejected, match="Terlalu banyak kode salah"):
        verify_code(challenge, code, portal_clock.now())
    assert challenge.failed_attempts == 5 and challenge.consumed_at is None


def test_resend_waits_sixty_seconds(challenge, clock):
    clock.shift(timedelta(seconds=59))
    with pytest.raises(DomainError, match="Tunggu 1 detik"):
        resend_code(challenge, message, portal_clock.now())
    clock.shift(timedelta(seconds=1))
    resend_code(challenge, message, portal_clock.now())
    assert challenge.send_count == 2


def test_resend_replaces_the_code_and_keeps_the_failure_count(challenge, sms, clock):
    old = sms.last_code(PHONE)
    with pytest.raises(OtpRejected):
        verify_code(challenge, wrong(old), portal_clock.now())
    clock.shift(timedelta(seconds=60))
    resend_code(challenge, message, portal_clock.now())
    new = sms.last_code(PHONE)
    assert challenge.failed_attempts == 1
    if new != old:
        with pytest.raises(OtpRejected, match="Sisa kesempatan: 3"):
            verify_code(challenge, old, portal_clock.now())
    verify_code(challenge, new, portal_clock.now())


def test_resend_gives_a_fresh_lifetime(challenge, sms, clock):
    clock.shift(timedelta(minutes=11))
    resend_code(challenge, message, portal_clock.now())
    clock.shift(timedelta(minutes=9))
    verify_code(challenge, sms.last_code(PHONE), portal_clock.now())


def test_at_most_five_sends_per_challenge(challenge, clock):
    for _ in range(4):
        clock.shift(timedelta(seconds=60))
        resend_code(challenge, message, portal_clock.now())
    clock.shift(timedelta(seconds=60))
    with pytest.raises(DomainError, match="batas 5 kali"):
        resend_code(challenge, message, portal_clock.now())
    assert challenge.send_count == 5


def test_no_resend_for_a_dead_or_used_challenge(challenge, sms, clock):
    verify_code(challenge, sms.last_code(PHONE), portal_clock.now())
    clock.shift(timedelta(seconds=60))
    with pytest.raises(DomainError, match="sudah digunakan"):
        resend_code(challenge, message, portal_clock.now())


def test_code_is_never_logged(app, clock, sms, caplog):
    caplog.set_level("DEBUG")
    user = create_user()
    start_challenge(user, "activation", PHONE, message, portal_clock.now())
    code = sms.last_code(PHONE)
    assert code not in caplog.text


def test_an_account_may_start_five_codes_an_hour_per_purpose(app, clock):
    from portal.services.otp import TooManyCodes

    user = create_user()
    for _ in range(5):
        start_challenge(user, "card_payment", PHONE, message, portal_clock.now())
    with pytest.raises(TooManyCodes, match="Terlalu banyak permintaan kode"):
        start_challenge(user, "card_payment", PHONE, message, portal_clock.now())
    start_challenge(user, "password_reset", PHONE, message, portal_clock.now())  # another purpose counts apart
    clock.shift(timedelta(hours=1, seconds=1))
    start_challenge(user, "card_payment", PHONE, message, portal_clock.now())
