"""GET /healthz: 200 while the database answers, 503 (and why, in the log only) when it does not."""
from __future__ import annotations

import logging

import pytest

UNREACHABLE = {
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:1/x",  # nothing listens on port 1
    "sqlite": "sqlite:////nonexistent-directory/portal.sqlite3",
}


def test_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok", "database": "ok"}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_head_is_answered_too(client):
    assert client.head("/healthz").status_code == 200


@pytest.mark.parametrize("database", sorted(UNREACHABLE))
def test_unreachable_database(make_app, caplog, database):
    app = make_app(SQLALCHEMY_DATABASE_URI=UNREACHABLE[database])
    with caplog.at_level(logging.ERROR, logger="portal.health"):
        response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unavailable"}
    assert "Set-Cookie" not in response.headers
    [record] = [r for r in caplog.records if r.name == "portal.health"]
    assert "OperationalError" in record.getMessage()
    assert "OperationalError" not in response.get_data(as_text=True)


def test_the_reason_is_the_drivers_first_line_not_the_sql(make_app, caplog):
    app = make_app(SQLALCHEMY_DATABASE_URI=UNREACHABLE["postgresql"])
    with caplog.at_level(logging.ERROR, logger="portal.health"):
        app.test_client().get("/healthz")
    message = caplog.records[-1].getMessage()
    assert "\n" not in message and "[SQL" not in message and "sqlalche.me" not in message
