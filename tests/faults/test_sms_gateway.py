"""The SMS gateway down, slow or failing: the page answers at once, the code waits in the outbox,
the relay retries it with back-off, and it arrives (and works) once the gateway is back.

The portal runs with the real `http` backend against a stub gateway on 127.0.0.1: a closed port
(down), a gateway that never answers in time (slow), one that answers 503 (failing), then a
healthy one. Everything goes through the real forms; the relay runs as the scheduler would,
between requests. Runs on SQLite and PostgreSQL.
"""
import socket
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal import clock as portal_clock
from portal.extensions import db
from portal.jobs.relay import relay_due
from portal.models import Card, Enrollment, Offering, OtpChallenge, SmsMessage
from portal.services.ledger import check_ledger
from tests.browser import form
from tests.conftest import Auth
from tests.factories import create_card, create_offering, create_participant
from tests.support.codes import code_in
from tests.support.sms_gateway import SLOW, SmsGateway

TOKEN = "token-gateway-uji"
TIMEOUT = 0.3  # seconds per attempt of the relay's


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
                    SMS_HTTP_TIMEOUT=TIMEOUT, SMS_HTTP_RETRIES=4, SMS_HTTP_BACKOFF=1)


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
    assert count(Enrollment) == 0
    assert check_ledger().balanced


def relay(portal) -> dict[str, int]:
    """One pass of the relay, as the scheduler runs it between requests (the test's own
    transaction ended first: on SQLite it would hold the write lock)."""
    db.session.commit()
    with portal.app_context():
        return relay_due()


def enter_card(client, offering_id: int, number: str):
    page = client.get(f"/prakerja/daftar/{offering_id}")
    return form(client, page, "Kirim OTP").fill("Nomor Kartu Prakerja", number).submit()


def test_daftar_with_the_gateway_down_slow_or_failing_then_healthy(app, portal, gateway, buyer, clock):
    card, offering = buyer
    client = portal.test_client()
    Auth(client).login()

    started = time.monotonic()
    page = enter_card(client, offering.id, card.number)
    assert time.monotonic() - started < 2, "the page waited on the gateway"
    assert page.request.path.startswith("/prakerja/verifikasi/")  # the code is queued, the page goes on
    assert gateway.calls == 0 and count(OtpChallenge) == 1
    assert_nothing_consumed(card.id, offering.id)

    waits = []
    for mode, url, answer in (("down", closed_port_url(), 202), ("slow", gateway.url, SLOW),
                              ("failing", gateway.url, 503)):
        portal.config["SMS_HTTP_URL"], gateway.answers = url, [answer]
        assert relay(portal) == {"retrying": 1}, mode
        queued = db.session.scalar(select(SmsMessage))
        assert queued.status == "queued" and queued.body, mode  # kept for the next attempt
        waits.append(queued.next_attempt_at - portal_clock.real_now())
        assert relay(portal) == {}, mode  # not due again before its back-off
        clock.shift(waits[-1])
    assert waits == [timedelta(seconds=1), timedelta(seconds=2), timedelta(seconds=4)]  # doubled each time
    assert [r.answer for r in gateway.received] == [SLOW, 503] and gateway.delivered == []

    gateway.answers = [202]  # the gateway back: the next pass delivers, and the text leaves the table
    assert relay(portal) == {"sent": 1}
    [sms] = gateway.delivered
    assert (sms.to, sms.authorization) == (card.phone, f"Bearer {TOKEN}")
    assert db.session.scalar(select(SmsMessage)).body == ""
    paid = form(client, page, "Verifikasi").fill("Kode OTP", code_in(sms.text)).submit()
    assert "Pembayaran Berhasil" in paid.get_data(as_text=True)
    assert db.session.get(Card, card.id).balance == 500_000 and count(Enrollment) == 1
    assert check_ledger().balanced


def test_kirim_ulang_kode_with_the_gateway_down_answers_at_once(app, portal, gateway, buyer, clock):
    card, offering = buyer
    client = portal.test_client()
    Auth(client).login()
    portal.config["SMS_HTTP_URL"] = gateway.url
    page = enter_card(client, offering.id, card.number)
    assert relay(portal) == {"sent": 1}

    clock.shift(timedelta(seconds=61))  # a resend is allowed again
    portal.config["SMS_HTTP_URL"] = closed_port_url()
    started = time.monotonic()
    resent = form(client, page, "Kirim ulang kode").submit()
    assert time.monotonic() - started < 2 and "Kode baru sudah dikirim" in resent.get_data(as_text=True)
    assert relay(portal) == {"retrying": 1}
    challenge = db.session.scalar(select(OtpChallenge))
    assert challenge.send_count == 2 and challenge.consumed_at is None
    assert_nothing_consumed(card.id, offering.id)

    portal.config["SMS_HTTP_URL"] = gateway.url  # back: the new code arrives with the next pass
    clock.shift(timedelta(seconds=1))
    assert relay(portal) == {"sent": 1}
    first, second = gateway.delivered
    paid = form(client, resent, "Verifikasi").fill("Kode OTP", code_in(second.text)).submit()
    assert "Pembayaran Berhasil" in paid.get_data(as_text=True)
    assert db.session.get(Card, card.id).balance == 500_000 and check_ledger().balanced
