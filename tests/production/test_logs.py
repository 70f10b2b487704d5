"""JSON-line logs: one object a line, a request id on every request, and nothing secret in them."""
from __future__ import annotations

import json
import logging
import re
from datetime import datetime

import pytest
from flask.logging import default_handler

from portal.logs import JsonLinesHandler, install_json_logging
from tests.browser import form
from tests.factories import NIK, PASSWORD, create_user

HEX_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def json_logs(make_app, capsys):
    """An app with LOG_JSON on, and a reader of the lines it wrote; logging is put back afterwards."""
    root, portal_logger = logging.getLogger(), logging.getLogger("portal")
    saved = list(root.handlers), root.level, list(portal_logger.handlers)
    app = make_app(LOG_JSON=True)
    capsys.readouterr()

    def lines() -> list[dict]:
        err = capsys.readouterr().err
        return [json.loads(line) for line in err.splitlines() if line.strip()]  # every line must parse

    app.read_log = lines
    yield app
    root.handlers[:], portal_logger.handlers[:] = saved[0], saved[2]
    root.setLevel(saved[1])


def _request_lines(entries: list[dict]) -> list[dict]:
    return [entry for entry in entries if entry["logger"] == "portal.request"]


def test_each_request_is_one_json_line_with_its_id(json_logs):
    response = json_logs.test_client().get("/masuk?next=/portofolio/")
    [line] = _request_lines(json_logs.read_log())
    assert line["level"] == "INFO" and line["message"] == "GET /masuk 200"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/masuk", 200)
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert HEX_ID.fullmatch(line["request_id"]) and response.headers["X-Request-ID"] == line["request_id"]
    assert datetime.fromisoformat(line["time"]).utcoffset().total_seconds() == 0 and line["time"].endswith("Z")


def test_every_request_gets_a_new_id(json_logs):
    client = json_logs.test_client()
    ids = {client.get("/masuk").headers["X-Request-ID"] for _ in range(3)}
    assert len(ids) == 3 and all(HEX_ID.fullmatch(i) for i in ids)


def test_a_well_formed_incoming_id_is_kept(json_logs):
    offered = "lb-7f3a9c2e-Edge-01"
    response = json_logs.test_client().get("/masuk", headers={"X-Request-ID": offered})
    assert response.headers["X-Request-ID"] == offered
    assert _request_lines(json_logs.read_log())[0]["request_id"] == offered


@pytest.mark.parametrize("offered", [
    "short", "x" * 65, "has space 1234", "under_score_1234", '"quote"12345', "abc123;rm -rf", "ünïcode-12345",
])
def test_a_malformed_incoming_id_is_replaced(json_logs, offered):
    response = json_logs.test_client().get("/masuk", headers={"X-Request-ID": offered})
    assert HEX_ID.fullmatch(response.headers["X-Request-ID"])
    assert offered not in json.dumps(json_logs.read_log())


def test_no_query_string_form_value_or_cookie_reaches_the_log(json_logs):
    create_user()
    client = json_logs.test_client()
    url = f"/masuk?next=/portofolio/&nik={NIK}&kode=918273"
    page = client.get(url)
    done = form(client, page, "Masuk", url=url).fill("NIK atau Email", NIK).fill("Kata Sandi", PASSWORD).submit()
    assert "Selamat datang" in done.get_data(as_text=True)
    session_cookie = client.get_cookie("session").value
    client.get("/portofolio/", headers={"X-Forwarded-For": NIK})
    entries = json_logs.read_log()
    logged = json.dumps(entries)
    assert [(e["method"], e["path"]) for e in _request_lines(entries)] == [
        ("GET", "/masuk"), ("POST", "/masuk"), ("GET", "/portofolio/"), ("GET", "/portofolio/")]
    for secret in (NIK, PASSWORD, "918273", "kode", "next=", session_cookie):
        assert secret not in logged


def test_extra_fields_and_the_request_id_appear(json_logs):
    sms_log = logging.getLogger("portal.services.sms")

    @json_logs.get("/_log")
    def log_something():
        sms_log.warning("sms gateway failed",
                        extra={"sms_backend": "http", "attempt": 2, "status": 503, "to_suffix": "7890"})
        return ""

    response = json_logs.test_client().get("/_log")
    sms_log.warning("outside any request", extra={"sms_backend": "outbox"})
    inside, outside = [e for e in json_logs.read_log() if e["logger"] == "portal.services.sms"]
    assert inside == inside | {"level": "WARNING", "message": "sms gateway failed", "sms_backend": "http",
                               "attempt": 2, "status": 503, "to_suffix": "7890",
                               "request_id": response.headers["X-Request-ID"]}
    assert outside["sms_backend"] == "outbox" and "request_id" not in outside


def test_a_traceback_stays_on_one_line(json_logs):
    try:
        raise RuntimeError("first line\nsecond line")
    except RuntimeError:
        logging.getLogger("portal.test").exception("it broke")
    [entry] = [e for e in json_logs.read_log() if e["logger"] == "portal.test"]
    assert entry["level"] == "ERROR" and "RuntimeError: first line\nsecond line" in entry["exception"]


def test_losing_the_rate_limit_store_is_logged_as_an_error(json_logs):
    logging.getLogger("flask-limiter").warning("Rate limit storage unreachable - falling back to in-memory storage")
    [entry] = [e for e in json_logs.read_log() if e["logger"] == "flask-limiter"]
    assert entry["level"] == "ERROR"


def test_installing_twice_adds_one_handler(json_logs, make_app):
    make_app(LOG_JSON=True)
    install_json_logging()
    assert sum(isinstance(h, JsonLinesHandler) for h in logging.getLogger().handlers) == 1
    assert default_handler not in logging.getLogger("portal").handlers


def test_the_test_profile_leaves_logging_to_pytest_but_still_tags_requests(make_app, caplog):
    app = make_app()
    assert not app.config["LOG_JSON"]
    assert not any(isinstance(h, JsonLinesHandler) for h in logging.getLogger().handlers)
    with caplog.at_level(logging.INFO, logger="portal.request"):
        response = app.test_client().get("/masuk?nik=" + NIK)
    [record] = [r for r in caplog.records if r.name == "portal.request"]
    assert record.path == "/masuk" and record.request_id == response.headers["X-Request-ID"]
    assert NIK not in caplog.text


def test_the_dev_servers_request_lines_give_way_to_the_portals(json_logs):
    werkzeug = logging.getLogger("werkzeug")
    werkzeug.info('127.0.0.1 - - [10/Mar/2021 10:00:00] "%s" %s %s', f"GET /masuk?nik={NIK} HTTP/1.1", 200, "-")
    werkzeug.info("\x1b[33mPress CTRL+C to quit\x1b[0m")
    entries = [e for e in json_logs.read_log() if e["logger"] == "werkzeug"]
    assert [e["message"] for e in entries] == ["Press CTRL+C to quit"]
