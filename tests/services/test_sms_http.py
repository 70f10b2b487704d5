"""The `http` SMS backend through the relay, against a real local gateway stub: success, retries
with back-off, give-ups, timeouts, the text erased once delivered, nothing secret logged."""
from __future__ import annotations

import logging
import socket
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal import clock as portal_clock
from portal.extensions import db
from portal.jobs.relay import _claim, relay_due
from portal.models import SmsMessage
from portal.services.sms import send_sms
from tests.support.sms_gateway import SLOW, SmsGateway

PHONE = "+6281234567890"
TEXT = "Kode verifikasi Prakerja: 493817. Jangan berikan kepada siapa pun."
CODE = "493817"
TOKEN = "s3cret-gateway-token"


@pytest.fixture
def gateway():
    with SmsGateway() as server:  # no token of its own: the tests look at the header themselves
        yield server


@pytest.fixture
def http_app(make_app, gateway):
    def build(**overrides):
        settings = {
            "SMS_BACKEND": "http", "SMS_HTTP_URL": gateway.url, "SMS_HTTP_TOKEN": TOKEN,
            "SMS_HTTP_TIMEOUT": 2.0, "SMS_HTTP_RETRIES": 2, "SMS_HTTP_BACKOFF": 0,
        }
        settings.update(overrides)
        return make_app(**settings)

    return build


def queue(app, to=PHONE, text=TEXT) -> None:
    with app.app_context():
        send_sms(to, text)
        db.session.commit()


def relay(app, passes: int = 1) -> dict[str, int]:
    """Run the relay `passes` times (the scheduler's passes); the counts of all of them."""
    counts: dict[str, int] = {}
    with app.app_context():
        for _ in range(passes):
            for key, value in relay_due().items():
                counts[key] = counts.get(key, 0) + value
    return counts


def message(app) -> SmsMessage:
    with app.app_context():
        found = db.session.scalar(select(SmsMessage))
        db.session.expunge(found)
        return found


def test_send_sms_only_queues(http_app, gateway):
    app = http_app()
    queue(app)
    assert gateway.calls == 0
    queued = message(app)
    assert (queued.status, queued.attempts, queued.body, queued.sent_at) == ("queued", 0, TEXT, None)


def test_success_posts_json_with_the_bearer_token_and_erases_the_text(http_app, gateway):
    app = http_app()
    queue(app)
    assert relay(app) == {"sent": 1}
    assert gateway.calls == 1
    headers, body = gateway.received[0].headers, gateway.received[0].body
    assert body == {"to": PHONE, "text": TEXT}
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert headers["Content-Type"] == "application/json"
    sent = message(app)
    assert (sent.status, sent.attempts, sent.body, sent.last_error) == ("sent", 1, "", None)
    assert sent.sent_at is not None
    assert relay(app) == {} and gateway.calls == 1  # sent once, never again


@pytest.mark.parametrize("status", [503, 429])
def test_retries_after_a_5xx_or_429_then_succeeds(http_app, gateway, status):
    gateway.answers = [status, 202]
    app = http_app()
    queue(app)
    assert relay(app, passes=2) == {"retrying": 1, "sent": 1}
    assert gateway.calls == 2
    first, second = gateway.received
    assert (first.headers, first.body) == (second.headers, second.body)
    assert message(app).status == "sent"


def test_gives_up_after_the_bounded_retries_and_erases_the_text(http_app, gateway):
    gateway.answers = [500]
    app = http_app(SMS_HTTP_RETRIES=2)
    queue(app)
    assert relay(app, passes=5) == {"retrying": 2, "failed": 1}
    assert gateway.calls == 3
    failed = message(app)
    assert (failed.status, failed.attempts, failed.body, failed.last_error) == ("failed", 3, "", "HTTP 500")


def test_zero_retries_means_one_attempt(http_app, gateway):
    gateway.answers = [502]
    app = http_app(SMS_HTTP_RETRIES=0)
    queue(app)
    assert relay(app, passes=3) == {"failed": 1}
    assert gateway.calls == 1


@pytest.mark.parametrize("status", [400, 401, 404, 302])
def test_no_retry_on_a_client_error_or_a_redirect(http_app, gateway, status):
    gateway.answers = [status, 200]
    app = http_app()
    queue(app)
    assert relay(app, passes=3) == {"failed": 1}
    assert gateway.calls == 1


def test_slow_gateway_times_out(http_app, gateway):
    gateway.answers = [SLOW]
    app = http_app(SMS_HTTP_TIMEOUT=0.2, SMS_HTTP_RETRIES=1)
    queue(app)
    assert relay(app, passes=3) == {"retrying": 1, "failed": 1}  # a timeout is retried, then given up
    assert gateway.calls == 2 and message(app).last_error == "ReadTimeout"


def test_connection_refused(http_app):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Nothing listens on the port now.
    app = http_app(SMS_HTTP_URL=f"http://127.0.0.1:{port}/send", SMS_HTTP_RETRIES=0)
    queue(app)
    assert relay(app) == {"failed": 1}
    assert message(app).last_error == "ConnectionError"


@pytest.mark.parametrize("missing", ["SMS_HTTP_URL", "SMS_HTTP_TOKEN"])
def test_missing_url_or_token_is_a_misconfiguration(http_app, gateway, missing):
    app = http_app(**{missing: ""})
    queue(app)
    with pytest.raises(RuntimeError, match="SMS_HTTP_URL and SMS_HTTP_TOKEN"):
        relay(app)
    assert gateway.calls == 0


def test_an_unknown_backend_is_a_misconfiguration(make_app):
    with make_app(SMS_BACKEND="pigeon").app_context(), pytest.raises(RuntimeError, match="unknown SMS_BACKEND"):
        send_sms(PHONE, TEXT)


def test_defaults(make_app, monkeypatch):
    for name in ["SMS_HTTP_URL", "SMS_HTTP_TOKEN", "SMS_HTTP_TIMEOUT", "SMS_HTTP_RETRIES", "SMS_HTTP_BACKOFF",
                 "SMS_RELAY_INTERVAL", "SMS_RELAY_LEASE"]:
        monkeypatch.delenv(name, raising=False)
    config = make_app().config
    assert (config["SMS_HTTP_TIMEOUT"], config["SMS_HTTP_RETRIES"], config["SMS_HTTP_BACKOFF"]) == (5.0, 4, 2.0)
    assert (config["SMS_RELAY_INTERVAL"], config["SMS_RELAY_LEASE"]) == (3.0, 60.0)
    assert config["SMS_HTTP_URL"] == config["SMS_HTTP_TOKEN"] == ""


def test_settings_come_from_the_environment(make_app, monkeypatch):
    monkeypatch.setenv("SMS_HTTP_URL", "https://sms.example/send")
    monkeypatch.setenv("SMS_HTTP_TOKEN", "t")
    monkeypatch.setenv("SMS_HTTP_TIMEOUT", "1.5")
    monkeypatch.setenv("SMS_HTTP_RETRIES", "4")
    monkeypatch.setenv("SMS_HTTP_BACKOFF", "0")
    monkeypatch.setenv("SMS_RELAY_INTERVAL", "2")
    monkeypatch.setenv("SMS_RELAY_LEASE", "30")
    config = make_app().config
    assert config["SMS_HTTP_URL"] == "https://sms.example/send" and config["SMS_HTTP_TOKEN"] == "t"
    assert (config["SMS_HTTP_TIMEOUT"], config["SMS_HTTP_RETRIES"], config["SMS_HTTP_BACKOFF"]) == (1.5, 4, 0.0)
    assert (config["SMS_RELAY_INTERVAL"], config["SMS_RELAY_LEASE"]) == (2.0, 30.0)


def test_neither_the_code_nor_the_token_is_logged(http_app, gateway, caplog):
    caplog.set_level(logging.DEBUG)
    app = http_app()
    gateway.answers = [503, 200, 400]
    queue(app)
    relay(app, passes=2)
    queue(app)
    relay(app)
    failures = [r for r in caplog.records if r.name == "portal.jobs.relay" and r.msg == "sms gateway failed"]
    assert [(r.sms_backend, r.attempt, r.status, r.to_suffix) for r in failures] == [
        ("http", 1, "HTTP 503", "7890"), ("http", 1, "HTTP 400", "7890")
    ]
    logged = caplog.text + "".join(repr(vars(r)) for r in caplog.records)
    assert CODE not in logged and TOKEN not in logged


def test_backoff_doubles_between_attempts(http_app, gateway, clock):
    gateway.answers = [500]
    app = http_app(SMS_HTTP_BACKOFF=2, SMS_HTTP_RETRIES=3)
    queue(app)
    waits = []
    for _ in range(3):
        assert relay(app) == {"retrying": 1}
        queued = message(app)
        waits.append((queued.next_attempt_at - portal_clock.real_now()).total_seconds())
        assert relay(app) == {}  # not due before its time
        clock.shift(timedelta(seconds=waits[-1]))
    assert waits == [2, 4, 8]
    assert relay(app) == {"failed": 1} and gateway.calls == 4


def test_two_relays_never_send_one_message_twice(http_app, gateway):
    """A second relay claims nothing the first holds: its lease keeps the row until the outcome."""
    app = http_app()
    queue(app)
    with app.app_context():
        first = _claim(portal_clock.real_now(), 10)
        assert [m.attempt for m in first] == [1]
        assert _claim(portal_clock.real_now(), 10) == []  # the other relay's claim, at the same moment
    assert relay(app) == {} and gateway.calls == 0


def test_two_relays_at_once_deliver_each_message_once(http_app, gateway):
    app = http_app()
    phones = [f"+62812345{n:05d}" for n in range(30)]
    with app.app_context():
        for phone in phones:
            send_sms(phone, TEXT)
        db.session.commit()
    start = threading.Barrier(2)

    def relay_in_a_thread():
        start.wait()
        with app.app_context():
            relay_due(limit=5)

    threads = [threading.Thread(target=relay_in_a_thread) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(message.to for message in gateway.delivered) == phones  # each once
    with app.app_context():
        assert set(db.session.scalars(select(SmsMessage.status))) == {"sent"}
