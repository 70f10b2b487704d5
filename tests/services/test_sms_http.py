"""The `http` SMS backend against a real local gateway stub: success, retries, give-ups, timeouts."""
from __future__ import annotations

import logging
import socket

import pytest

from portal.services.sms import SmsNotSent, send_sms
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


def send(app, to=PHONE, text=TEXT):
    with app.app_context():
        send_sms(to, text)


def test_success_posts_json_with_the_bearer_token(http_app, gateway):
    send(http_app())
    assert gateway.calls == 1
    headers, body = gateway.received[0].headers, gateway.received[0].body
    assert body == {"to": PHONE, "text": TEXT}
    assert headers["Authorization"] == f"Bearer {TOKEN}"
    assert headers["Content-Type"] == "application/json"


@pytest.mark.parametrize("status", [503, 429])
def test_retries_after_a_5xx_or_429_then_succeeds(http_app, gateway, status):
    gateway.answers = [status, 202]
    send(http_app())
    assert gateway.calls == 2
    first, second = gateway.received
    assert (first.headers, first.body) == (second.headers, second.body)


def test_gives_up_after_the_bounded_retries(http_app, gateway):
    gateway.answers = [500]
    with pytest.raises(SmsNotSent):
        send(http_app(SMS_HTTP_RETRIES=2))
    assert gateway.calls == 3


def test_zero_retries_means_one_attempt(http_app, gateway):
    gateway.answers = [502]
    with pytest.raises(SmsNotSent):
        send(http_app(SMS_HTTP_RETRIES=0))
    assert gateway.calls == 1


@pytest.mark.parametrize("status", [400, 401, 404, 302])
def test_no_retry_on_a_client_error_or_a_redirect(http_app, gateway, status):
    gateway.answers = [status, 200]
    with pytest.raises(SmsNotSent):
        send(http_app())
    assert gateway.calls == 1


def test_slow_gateway_times_out(http_app, gateway):
    gateway.answers = [SLOW]
    with pytest.raises(SmsNotSent):
        send(http_app(SMS_HTTP_TIMEOUT=0.2, SMS_HTTP_RETRIES=1))
    assert gateway.calls == 2  # a timeout is retried, then given up


def test_connection_refused(http_app):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Nothing listens on the port now.
    with pytest.raises(SmsNotSent):
        send(http_app(SMS_HTTP_URL=f"http://127.0.0.1:{port}/send"))


@pytest.mark.parametrize("missing", ["SMS_HTTP_URL", "SMS_HTTP_TOKEN"])
def test_missing_url_or_token_is_a_misconfiguration(http_app, gateway, missing):
    with pytest.raises(RuntimeError, match="SMS_HTTP_URL and SMS_HTTP_TOKEN") as raised:
        send(http_app(**{missing: ""}))
    assert not isinstance(raised.value, SmsNotSent)
    assert gateway.calls == 0


def test_defaults(make_app, monkeypatch):
    for name in ["SMS_HTTP_URL", "SMS_HTTP_TOKEN", "SMS_HTTP_TIMEOUT", "SMS_HTTP_RETRIES", "SMS_HTTP_BACKOFF"]:
        monkeypatch.delenv(name, raising=False)
    config = make_app().config
    assert (config["SMS_HTTP_TIMEOUT"], config["SMS_HTTP_RETRIES"], config["SMS_HTTP_BACKOFF"]) == (5.0, 2, 0.2)
    assert config["SMS_HTTP_URL"] == config["SMS_HTTP_TOKEN"] == ""


def test_settings_come_from_the_environment(make_app, monkeypatch):
    monkeypatch.setenv("SMS_HTTP_URL", "https://sms.example/send")
    monkeypatch.setenv("SMS_HTTP_TOKEN", "t")
    monkeypatch.setenv("SMS_HTTP_TIMEOUT", "1.5")
    monkeypatch.setenv("SMS_HTTP_RETRIES", "4")
    monkeypatch.setenv("SMS_HTTP_BACKOFF", "0")
    config = make_app().config
    assert config["SMS_HTTP_URL"] == "https://sms.example/send" and config["SMS_HTTP_TOKEN"] == "t"
    assert (config["SMS_HTTP_TIMEOUT"], config["SMS_HTTP_RETRIES"], config["SMS_HTTP_BACKOFF"]) == (1.5, 4, 0.0)


def test_neither_the_code_nor_the_token_is_logged(http_app, gateway, caplog):
    caplog.set_level(logging.DEBUG)
    app = http_app()
    gateway.answers = [503, 200]
    send(app)
    gateway.answers = [400]
    gateway.received.clear()
    with pytest.raises(SmsNotSent):
        send(app)
    failures = [r for r in caplog.records if r.name == "portal.services.sms" and r.msg == "sms gateway failed"]
    assert [(r.sms_backend, r.attempt, r.status, r.to_suffix) for r in failures] == [
        ("http", 1, 503, "7890"), ("http", 1, 400, "7890")
    ]
    logged = caplog.text + "".join(repr(vars(r)) for r in caplog.records)
    assert CODE not in logged and TOKEN not in logged


def test_backoff_doubles_between_attempts(http_app, gateway, monkeypatch):
    slept = []
    monkeypatch.setattr("portal.services.sms.time.sleep", slept.append)
    gateway.answers = [500]
    with pytest.raises(SmsNotSent):
        send(http_app(SMS_HTTP_BACKOFF=0.2, SMS_HTTP_RETRIES=2))
    assert slept == [0.2, 0.4] and gateway.calls == 3
