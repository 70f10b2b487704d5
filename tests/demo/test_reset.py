"""`flask demo reset`: the demo world back as `demo seed` made it; never outside demo mode."""
import re
from datetime import timedelta
from time import perf_counter

import pytest
from sqlalchemy import func, select

from portal import clock as portal_clock
from portal.extensions import db
from portal.models import Card, DemoClock, Enrollment, Offering, Provider, SmsMessage, User
from portal.services.democlock import move_demo_clock
from portal.services.ledger import check_ledger
from tests.browser import form
from tests.conftest import Auth
from tests.factories import create_user

DEMO_PASSWORD = "coba simulasi saja"


def table_counts() -> dict[str, int]:
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


@pytest.fixture
def demo(make_app, clock):
    """A demo app with the outbox (HP Simulasi's messages are rows), seeded; the clock put back after."""
    app = make_app(SMS_BACKEND="outbox")
    with app.app_context():
        assert app.test_cli_runner().invoke(args=["demo", "seed"]).exit_code == 0
        yield app
    portal_clock.set_offset(timedelta(0))


def buy_as_siti(app) -> None:
    """Siti buys a training at a labelled lembaga, through the forms, the code read from the outbox."""
    client = app.test_client()
    Auth(client).login("siti@demo.prakerja.id", DEMO_PASSWORD)
    offering = db.session.scalar(select(Offering).join(Provider).where(Provider.prakerja_label)
                                 .order_by(Offering.price).limit(1))
    number = db.session.scalar(select(Card.number).where(Card.holder_name == "Siti Rahmawati"))
    page = form(client, client.get(f"/prakerja/daftar/{offering.id}"), "Kirim OTP") \
        .fill("Nomor Kartu Prakerja", number).submit()
    body = db.session.scalar(select(SmsMessage.body).order_by(SmsMessage.id.desc()).limit(1))
    page = form(client, page, "Verifikasi").fill("Kode OTP", re.search(r"\b(\d{6})\b", body).group(1)).submit()
    assert page.request.path.startswith("/prakerja/berhasil/")


def test_reset_restores_the_seeded_world(demo):
    seeded = table_counts()
    siti_balance = db.session.scalar(select(Card.balance).where(Card.holder_name == "Siti Rahmawati"))
    buy_as_siti(demo)
    create_user(nik="3273014508950011", email="tamu@contoh.id", phone="+6281299990000")
    move_demo_clock(timedelta(days=3))
    db.session.commit()
    changed = table_counts()
    assert changed["enrollments"] == seeded["enrollments"] + 1 and changed["sms_messages"] > seeded["sms_messages"]
    assert portal_clock.offset() == timedelta(days=3)

    started = perf_counter()
    result = demo.test_cli_runner().invoke(args=["demo", "reset", "--yes"])
    took = perf_counter() - started
    assert result.exit_code == 0, result.output
    assert "rows deleted" in result.output and "Demo clock: real time." in result.output
    assert "100 offerings created" in result.output

    db.session.expire_all()
    assert table_counts() == seeded
    assert portal_clock.offset() == timedelta(0) and db.session.get(DemoClock, 1) is None  # no offset stored
    assert db.session.scalar(select(Card.balance).where(Card.holder_name == "Siti Rahmawati")) == siti_balance
    assert db.session.scalar(select(User).where(User.email == "tamu@contoh.id")) is None
    assert db.session.scalar(select(func.count(Enrollment.id))) == 1  # Dewi's, as seeded
    assert db.session.scalar(select(func.count(SmsMessage.id))) == seeded["sms_messages"]  # HP Simulasi emptied
    assert check_ledger().balanced
    print(f"demo reset took {took:.2f} s")  # measured, never asserted


def test_the_world_works_after_a_reset(demo):
    assert demo.test_cli_runner().invoke(args=["demo", "reset", "--yes"]).exit_code == 0
    buy_as_siti(demo)  # the same purchase again: the seat, the balance and the card are back


def test_reset_asks_before_deleting(demo):
    before = table_counts()
    refused = demo.test_cli_runner().invoke(args=["demo", "reset"], input="n\n")
    assert refused.exit_code != 0 and "Delete every account" in refused.output
    assert table_counts() == before
    agreed = demo.test_cli_runner().invoke(args=["demo", "reset"], input="y\n")
    assert agreed.exit_code == 0 and "Demo world:" in agreed.output


def test_reset_is_refused_outside_demo_mode(make_app):
    app = make_app(DEMO_MODE=False)
    with app.app_context():
        create_user()
        result = app.test_cli_runner().invoke(args=["demo", "reset", "--yes"])
        assert result.exit_code != 0 and "only in demo mode" in result.output
        assert db.session.scalar(select(func.count(User.id))) == 1
