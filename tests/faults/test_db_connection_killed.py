"""A database connection killed under the portal (`pg_terminate_backend`, as a failover or an admin would).

Between two requests: the pool's pre-ping (the product's setting) notices the dead connection and
the next request just works.
During a request, after its first statements: that request fails with the plain 500 page (no
traceback, nothing kept, nothing half-done), and the next one succeeds.
"""
import re

import pytest
from sqlalchemy import func, select, text

from portal.extensions import db
from portal.models import Card, Enrollment, OtpChallenge
from portal.prakerja import views as prakerja_views
from portal.services import purchases
from portal.services.ledger import check_ledger
from tests.browser import form
from tests.concurrency.helpers import require_postgres, sessions
from tests.conftest import Auth
from tests.factories import create_card, create_offering, create_participant
from tests.support.codes import deliver

pytestmark = pytest.mark.postgres

PORTAL = "portal-fault-db-killed"  # application_name of the portal's connections
ERROR_PAGE = "Terjadi kesalahan"


@pytest.fixture
def portal(app, make_app):
    require_postgres("pg_terminate_backend and pg_stat_activity are PostgreSQL's")
    # The product's engine options (pool_pre_ping among them), with the connections named.
    options = {**app.config["SQLALCHEMY_ENGINE_OPTIONS"], "connect_args": {"application_name": PORTAL}}
    # PROPAGATE_EXCEPTIONS off: the real 500 handler, as in production (TESTING would re-raise).
    return make_app(SQLALCHEMY_ENGINE_OPTIONS=options, PROPAGATE_EXCEPTIONS=False)


@pytest.fixture
def killer(app):
    """Terminate backends from the test's own connection, waiting until each is gone."""
    engine = db.engine

    def kill(pids: list[int]) -> None:
        with engine.connect() as conn:
            for pid in pids:
                assert conn.scalar(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
    return kill


@pytest.fixture
def buyer(app):
    user = create_participant()
    return create_card(user), create_offering(price=500_000)


def enter_card(client, offering_id: int, number: str):
    page = client.get(f"/prakerja/daftar/{offering_id}")
    return form(client, page, "Kirim OTP").fill("Nomor Kartu Prakerja", number).submit()


def code_sent(portal) -> str:
    return re.search(r"\b(\d{6})\b", deliver(portal)[-1].text).group(1)


def assert_clean_500(response) -> None:
    html = response.get_data(as_text=True)
    assert response.status_code == 500 and ERROR_PAGE in html
    for leak in ("Traceback", "OperationalError", "psycopg", "SELECT", "UPDATE", "terminating connection"):
        assert leak not in html


def dies_first_time(monkeypatch, module, name: str, kill) -> list[int]:
    """Wrap `module.name` so that its first call kills its own request's connection, mid-transaction
    (after the request's first statements), before doing its work; returns the killed pids."""
    real, killed = getattr(module, name), []

    def dying(*args, **kwargs):
        if not killed:
            killed.append(db.session.scalar(text("SELECT pg_backend_pid()")))
            kill(killed)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, dying)
    return killed


def test_connections_killed_between_requests_the_next_request_works(portal, killer, buyer):
    card, _ = buyer
    client = portal.test_client()
    Auth(client).login()
    assert client.get("/portofolio/").status_code == 200
    before = sessions(PORTAL)
    assert before, "the pool should keep the portal's connection"

    killer(before)
    assert not sessions(PORTAL)
    page = client.get("/portofolio/")  # a page that reads the database: the user, their cards, trainings
    assert page.status_code == 200 and card.number[-4:] in page.get_data(as_text=True)
    assert sessions(PORTAL) and not set(sessions(PORTAL)) & set(before)  # a fresh connection


def test_daftar_killed_mid_request_fails_cleanly_and_the_retry_works(portal, killer, buyer, monkeypatch):
    card, offering = buyer
    client = portal.test_client()
    Auth(client).login()
    killed = dies_first_time(monkeypatch, prakerja_views, "start_payment", killer)

    failed = enter_card(client, offering.id, card.number)
    assert killed and not set(sessions(PORTAL)) & set(killed)
    assert_clean_500(failed)
    assert db.session.scalar(select(func.count(OtpChallenge.id))) == 0 and not deliver(portal)

    page = enter_card(client, offering.id, card.number)  # the person tries again
    assert page.request.path.startswith("/prakerja/verifikasi/")
    paid = form(client, page, "Verifikasi").fill("Kode OTP", code_sent(portal)).submit()
    assert "Pembayaran Berhasil" in paid.get_data(as_text=True) and check_ledger().balanced


def test_verifikasi_killed_after_spending_the_code_keeps_nothing_and_the_retry_buys(portal, killer, buyer,
                                                                                       monkeypatch):
    card, offering = buyer
    client = portal.test_client()
    Auth(client).login()
    page = enter_card(client, offering.id, card.number)
    code = code_sent(portal)
    # buy_training runs after the code is consumed (an UPDATE, not committed): the kill comes there.
    killed = dies_first_time(monkeypatch, purchases, "buy_training", killer)

    failed = form(client, page, "Verifikasi").fill("Kode OTP", code).submit()
    assert killed and not set(sessions(PORTAL)) & set(killed)
    assert_clean_500(failed)
    db.session.expire_all()
    assert db.session.scalar(select(OtpChallenge.consumed_at)) is None  # rolled back with the connection
    assert db.session.get(Card, card.id).balance == 1_000_000
    assert db.session.scalar(select(func.count(Enrollment.id))) == 0

    paid = form(client, client.get(page.request.path), "Verifikasi").fill("Kode OTP", code).submit()
    assert "Pembayaran Berhasil" in paid.get_data(as_text=True)
    assert db.session.get(Card, card.id).balance == 500_000 and check_ledger().balanced
