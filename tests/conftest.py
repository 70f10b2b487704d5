"""Fixtures: app, db, client, clock, sms, and the `auth` helper (flaskr's pattern).

The tests' phone is the `memory` SMS backend behind a guard: it refuses a delivery while any
request of the app is open, so a test fails if a request ever calls the SMS gateway itself. Codes
reach it when the relay runs (`sms.sent`, `tests.support.codes.deliver`), as the scheduler would.

The schema is made once per run by the Alembic migrations, as in production. Each test then
starts from empty tables; tests commit for real (views commit), so cleanup deletes rows.
SQLite by default; set TEST_DATABASE_URL to run the same suite on PostgreSQL.
"""
from __future__ import annotations

import contextvars
import os
import re
from datetime import UTC, datetime

import pytest
import time_machine
from flask import g, has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

from portal import create_app
from portal.extensions import db, limiter
from tests import factories
from tests.browser import form
from tests.support.codes import deliver

START = datetime(2021, 3, 10, 3, 0, tzinfo=UTC)  # Rabu, 10 Maret 2021 10.00 WIB


class GuardedPhone(list):
    """The memory backend's list: a delivery while a request of `app` is open fails the test."""

    def __init__(self, app):
        super().__init__()
        self.app = app

    def append(self, message) -> None:
        open_requests = self.app.extensions.get("requests_open", 0)
        assert open_requests == 0, f"the SMS gateway was called while {open_requests} request(s) were open"
        super().append(message)


def count_open_requests(app) -> None:
    """Keep `app.extensions["requests_open"]` (for GuardedPhone): up in before_request, down in teardown."""
    app.extensions["requests_open"] = 0

    @app.before_request
    def opened():
        g.counted_open = True
        app.extensions["requests_open"] += 1

    @app.teardown_request
    def closed(error=None):
        if g.pop("counted_open", False):  # a test_request_context is torn down without opening
            app.extensions["requests_open"] -= 1


def _reset_schema() -> None:
    """An empty database for the migrations to build on."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    else:
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context, as in production.

    Without this, requests would share the test's app context: one `g` (and so one CSRF token
    cache) and one database session for the whole test. The test's own transaction is ended
    before each request (an open SQLite read transaction would block the request's writes) and
    its objects expired after, so the test reads what the request committed.
    """

    def open(self, *args, **kwargs):
        if has_app_context():
            db.session.commit()
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            db.session.expire_all()
        return response


@pytest.fixture(scope="session")
def base_app(tmp_path_factory):
    overrides = {"PORTAL_ENV": "test"}
    if not os.environ.get("TEST_DATABASE_URL"):
        overrides["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    app = create_app(overrides)
    app.test_client_class = IsolatedClient
    count_open_requests(app)
    with app.app_context():
        _reset_schema()
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def _empty_tables() -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    else:
        for name in tables:
            db.session.execute(text(f"DELETE FROM {name}"))
    db.session.commit()


@pytest.fixture
def app(base_app):
    """The test app, with an app context and empty tables."""
    base_app.extensions["sms_memory"] = GuardedPhone(base_app)
    with base_app.app_context():
        yield base_app
        db.session.rollback()
        _empty_tables()
        db.session.remove()


@pytest.fixture
def make_app(app, base_app):
    """Build another app with different settings on the same test database (emptied after)."""
    made = []
    # The limiter is one object per process, reconfigured by every create_app: put it back after.
    saved_limiter = dict(vars(limiter))

    def build(**overrides):
        settings = {"PORTAL_ENV": "test", "SQLALCHEMY_DATABASE_URI": base_app.config["SQLALCHEMY_DATABASE_URI"]}
        settings.update(overrides)
        made.append(create_app(settings))
        made[-1].test_client_class = IsolatedClient
        count_open_requests(made[-1])
        made[-1].extensions["sms_memory"] = GuardedPhone(made[-1])
        return made[-1]

    yield build
    for other in made:
        with other.app_context():
            db.engine.dispose()
    vars(limiter).clear()
    vars(limiter).update(saved_limiter)


@pytest.fixture
def siti_is_known(app):
    """The factories' Siti in the population registry: Buat Akun checks NIK, name and mother there."""
    return factories.create_person()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def clock():
    """Frozen time that tests move on purpose: `clock.shift(seconds=61)`, `clock.move_to(dt)`."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


class Sms:
    """What reached the tests' phone (the memory SMS backend) during the test.

    Reading it first runs the SMS relay, as the scheduler would between two requests.
    """

    def __init__(self, app):
        self.app = app

    @property
    def sent(self):
        return deliver(self.app)

    def last_to(self, phone: str):
        matching = [m for m in self.sent if m.to == phone]
        assert matching, f"no SMS sent to {phone}"
        return matching[-1]

    def last_code(self, phone: str) -> str:
        return re.search(r"\b(\d{6})\b", self.last_to(phone).text).group(1)


@pytest.fixture
def sms(app):
    return Sms(app)


class Auth:
    """Log in and out through the real forms."""

    def __init__(self, client):
        self.client = client

    def login(self, login: str = factories.NIK, password: str = factories.PASSWORD):
        page = self.client.get("/masuk")
        return form(self.client, page, "Masuk").fill("NIK atau Email", login).fill("Kata Sandi", password).submit()

    def logout(self):
        page = self.client.get("/")
        return form(self.client, page, "Keluar").submit()


@pytest.fixture
def auth(client):
    return Auth(client)
