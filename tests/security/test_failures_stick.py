"""A wrong code's, or a wrong password's, failure count is committed by every page that checks one.

Were it rolled back with the refusal, every guess would be free: the five tries of a code and the
password back-off would never come. The count is read from the database
after the request, so only a commit passes.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import OtpChallenge, OtpPurpose, User
from tests.auth.test_login import _ask_reset, _reset
from tests.auth.test_register import activate, register
from tests.browser import form
from tests.conftest import Auth
from tests.factories import NIK, PHONE, create_card, create_offering, create_participant, create_user
from tests.prakerja.conftest import enter_card, enter_code
from tests.security.test_lockout import _ask_code, _enter_code

pytestmark = pytest.mark.usefixtures("siti_is_known")  # Buat Akun asks the population registry first


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def _failed_attempts(purpose: str) -> int:
    return db.session.scalar(select(OtpChallenge.failed_attempts).where(OtpChallenge.purpose == purpose))


def _aktivasi(client, sms) -> int:
    register(client)
    page = activate(client, _wrong(sms.last_code(PHONE)))
    assert "Sisa kesempatan: 4" in page.get_data(as_text=True)
    return _failed_attempts(OtpPurpose.ACTIVATION)


def _kendala_masuk(client, sms) -> int:
    create_user()
    _ask_reset(client)
    page = _reset(client, _wrong(sms.last_code(PHONE)))
    assert "Sisa kesempatan: 4" in page.get_data(as_text=True)
    return _failed_attempts(OtpPurpose.PASSWORD_RESET)


def _verifikasi(client, sms) -> int:
    card = create_card(create_participant())
    offering = create_offering(price=500_000, seats=20)
    Auth(client).login()
    page = enter_code(client, enter_card(client, offering.id, card.number), _wrong(sms.last_code(PHONE)))
    assert "Sisa kesempatan: 4" in page.get_data(as_text=True)
    return _failed_attempts(OtpPurpose.CARD_PAYMENT)


def _masuk(client, sms) -> int:
    create_user()
    page = client.get("/masuk")
    refused = form(client, page, "Masuk").fill("NIK atau Email", NIK).fill("Kata Sandi", "bukan kata sandinya").submit()
    assert "NIK/email atau kata sandi salah." in refused.get_data(as_text=True)
    return db.session.scalar(select(User.failed_logins).where(User.nik == NIK))


def _masuk_dengan_kode_sms(client, sms) -> int:
    create_user()
    _ask_code(client, NIK)
    refused = _enter_code(client, _wrong(sms.last_code(PHONE)))
    assert refused.request.path == "/masuk/kode-sms/verifikasi"
    return _failed_attempts(OtpPurpose.LOGIN)


def _klaim_nik(client, sms) -> int:
    from tests.auth.test_claim import HOLDER, enter_claim_code, press_claim, squat

    create_card(phone=PHONE)
    squat(client.application, sms)
    register(client, **HOLDER)
    press_claim(client)
    enter_claim_code(client, _wrong(sms.last_code(PHONE)))
    return _failed_attempts(OtpPurpose.ACCOUNT_CLAIM)


@pytest.mark.parametrize("page", [_aktivasi, _kendala_masuk, _verifikasi, _masuk, _masuk_dengan_kode_sms, _klaim_nik],
                         ids=["aktivasi", "kendala-masuk", "verifikasi", "masuk", "masuk-dengan-kode-sms", "klaim-nik"])
def test_a_wrong_guess_is_counted_in_the_database(client, sms, clock, page):
    assert page(client, sms) == 1
