"""The SMS gateway down, slow or failing: a clear message, nothing consumed, and a retry works.

The portal runs with the real `http` backend against a stub gateway on 127.0.0.1: a closed port
(down), a gateway that never answers in time (slow), one that answers 503 (failing), then a
healthy one. Everything goes through the real forms. Runs on SQLite and PostgreSQL.
"""
import socket
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Card, Enrollment, Offering, OtpChallenge, SmsMessage
from portal.services.ledger import check_ledger
from tests.browser import form
from tests.conftest import Auth
from tests.factories import create_card, create_offering, create_participant
from tests.support.codes import code_in
from tests.support.sms_gateway import SLOW, SmsGateway

TOKEN = "token-gateway-uji"
TIMEOUT = 0.3  # seconds per attempt; with one retry the page answers within about 0.7 s
SMS_NOT_SENT = "SMS tidak dapat dikirim. Tidak ada yang disimpan; silakan coba lagi."


@pytest.fixture
def gateway():
    with SmsGateway(token=TOKEN) as server:
        yield server


def closed_port_url() -> str:
    """A port nobody listens on: the gateway is down (connection refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/sms"


@pytest.fixture
def portal(make_app):
    return make_app(SMS_BACKEND="http", SMS_HTTP_URL=closed_port_url(), SMS_HTTP_TOKEN=TOKEN,
                    SMS_HTTP_TIMEOUT=TIMEOUT, SMS_HTTP_RETRIES=1, SMS_HTTP_BACKOFF=0.05)


@pytest.fixture
def buyer(app):
    user = create_participant()
    return create_card(user), create_offering(price=500_000)


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def assert_nothing_consumed(card_id: int, offering_id: int) -> None:
    card = db.session.get(Card, card_id)
    assert (card.status, card.balance, card.first_purchase_at) == ("active", 1_000_000, None)
    assert db.session.get(Offering, offering_id).seats_taken == 0
    assert count(Enrollment) == 0 and count(SmsMessage) == 0
    assert check_ledger().balanced


def enter_card(client, offering_id: int, number: str):
    page = client.get(f"/prakerja/daftar/{offering_id}")
    return form(client, page, "Kirim OTP").fill("Nomor Kartu Prakerja", number).submit()


def test_daftar_with_the_gateway_down_slow_or_failing_then_healthy(app, portal, gateway, buyer):
    card, offering = buyer
    client = portal.test_client()
    Auth(client).login()

    for url, mode, answer in ((closed_port_url(), "down", 202), (gateway.url, "slow", SLOW),
                              (gateway.url, "failing", 503)):
        portal.config["SMS_HTTP_URL"], gateway.answers = url, [answer]
        started = time.monotonic()
        page = enter_card(client, offering.id, card.number)
        assert time.monotonic() - started < 3, f"gateway {mode}: the page waited too long"
        assert page.status_code == 200 and page.request.path == f"/prakerja/daftar/{offering.id}", mode
        assert SMS_NOT_SENT in page.get_data(as_text=True), mode
        assert count(OtpChallenge) == 0, mode  # no code was kept that nobody received
        assert_nothing_consumed(card.id, offering.id)
    assert [r.answer for r in gateway.received] == [SLOW, SLOW, 503, 503]  # a try and one retry each
    assert gateway.delivered == []

    gateway.answers = [202]  # the retry, the gateway back
    page = enter_card(client, offering.id, card.number)
    assert page.request.path.startswith("/prakerja/verifikasi/")
    [sms] = gateway.delivered
    assert (sms.to, sms.authorization) == (card.phone, f"Bearer {TOKEN}")
    paid = form(client, page, "Verifikasi").fill("Kode OTP", code_in(sms.text)).submit()
    assert "Pembayaran Berhasil" in paid.get_data(as_text=True)
    assert db.session.get(Card, card.id).balance == 500_000 and count(Enrollment) == 1
    assert check_ledger().balanced


def test_kirim_ulang_kode_with_the_gateway_down_keeps_the_old_code(app, portal, gateway, buyer, clock):
    card, offering = buyer
    client = portal.test_client()
    Auth(client).login()
    portal.config["SMS_HTTP_URL"] = gateway.url
    page = enter_card(client, offering.id, card.number)
    [first] = gateway.delivered

    clock.shift(timedelta(seconds=61))  # a resend is allowed again
    portal.config["SMS_HTTP_URL"] = closed_port_url()
    resent = form(client, page, "Kirim ulang kode").submit()
    assert SMS_NOT_SENT in resent.get_data(as_text=True)
    challenge = db.session.scalar(select(OtpChallenge))
    assert challenge.send_count == 1 and challenge.consumed_at is None  # the failed resend changed nothing
    assert_nothing_consumed(card.id, offering.id)

    portal.config["SMS_HTTP_URL"] = gateway.url
    paid = form(client, resent, "Verifikasi").fill("Kode OTP", code_in(first.text)).submit()  # the old code works
    assert "Pembayaran Berhasil" in paid.get_data(as_text=True)
    assert db.session.get(Card, card.id).balance == 500_000 and check_ledger().balanced
