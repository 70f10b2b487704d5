"""The Sisnaker tutorial, all eight steps, through the forms as a job seeker fills them.

The steps are the shared journey driver's (tests/support/journey.py), the one .ci/ and bench/
drive a real server with. Here it runs over Flask's test client with each SMS backend's phone
(memory, outbox), and over real HTTP against a served app with the `http` backend and the
gateway stub.
"""
import asyncio
import contextvars
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from portal import clock as portal_clock
from portal.extensions import db
from portal.jobs.relay import relay_once
from portal.models import Enrollment
from portal.services.cards import issue_card
from portal.services.ledger import check_ledger
from tests.factories import create_offering, create_person, create_programme, create_wave
from tests.support.codes import MemoryCodes, OutboxCodes
from tests.support.journey import AsyncJourney, Journey, Person, link
from tests.support.sms_gateway import SmsGateway
from tests.support.transports import FlaskTransport, HttpTransport

NIK = "3273014508950011"
PHONE = "+6281234567890"
RINA = Person(nik=NIK, name="Rina Marlina", phone=PHONE, email="rina@contoh.id", password="kopi susu gula aren")
TOKEN = "token-gateway-uji"


def _catalogue():
    create_person(RINA.nik, RINA.name, RINA.mother)  # Buat Akun asks the population registry first
    programme = create_programme(title="Pemrograman Web Dasar dengan PHP dan MySQL")
    offering = create_offering(programme=programme, price=750_000)
    create_wave(number=17)
    from portal.demo.sessions import seed_training_sessions
    seed_training_sessions()
    db.session.commit()
    return offering


def _started(offering) -> None:
    enrollment = db.session.scalar(select(Enrollment))
    assert enrollment.status == "in_progress" and enrollment.started_at is not None
    assert enrollment.offering_id == offering.id and check_ledger().balanced


def test_from_buat_akun_to_mulai_pelatihan(app, client, runner, clock):
    offering = _catalogue()
    journey = Journey(FlaskTransport(client), MemoryCodes(app))

    # 1. Buat Akun, activation by SMS, Masuk
    journey.create_account(RINA)
    journey.activate(RINA)
    assert "Selamat datang, Rina Marlina." in journey.login(RINA).text

    # the PMO issues a card (the command line, for now)
    result = runner.invoke(args=["prakerja", "issue-card", "--nik", NIK, "--name", "Rina Marlina",
                                 "--phone", "0812 3456 7890", "--wave", "17"])
    card_number = result.output.strip()

    # 2–3. Pelatihan → Daftar sebagai Peserta Pelatihan; 4. choose a programme: search for it
    journey.register_participant(RINA)
    journey.open_programme("web")
    assert "Kartu Prakerja" in journey.visit.page.text

    # 5. a labelled provider → Daftar; 6. Nomor Kartu Prakerja → Kirim OTP → Kode OTP → Verifikasi
    daftar = link(journey.visit.page, r'href="(/prakerja/daftar/\d+)"', "program")
    assert journey.register_card(RINA, card_number, daftar)
    assert journey.verify_payment(RINA) == db.session.scalar(select(Enrollment.id))
    html = journey.visit.page.text
    assert "Pembayaran Berhasil" in html and "Rp250.000" in html

    # 7. Cek Portofolio → the training's title
    training = journey.portfolio()
    assert "Belum dimulai" in journey.visit.page.text

    # 8. Mulai Pelatihan
    html = journey.start_training(training).text
    assert "Sedang berjalan" in html and "Tandai selesai" in html
    _started(offering)


def _card_for(person: Person) -> str:
    now = portal_clock.now()
    number = issue_card(person.nik, person.name, person.phone, 17, now, now, mother=person.mother).number
    db.session.commit()
    return number


def test_the_tutorial_reads_its_codes_from_the_outbox(app, make_app, clock):
    offering = _catalogue()
    card_number = _card_for(RINA)
    journey = Journey(FlaskTransport(make_app(SMS_BACKEND="outbox").test_client()), OutboxCodes())
    purchase = journey.tutorial(RINA, card_number, "web")
    assert purchase.refused == {} and "Sedang berjalan" in journey.visit.page.text
    _started(offering)


@pytest.fixture
def served(make_app):
    """The app on a real socket, its SMS going to the gateway stub through a relay (as the
    scheduler process runs it, here a thread)."""
    with SmsGateway(token=TOKEN) as gateway:
        portal = make_app(SMS_BACKEND="http", SMS_HTTP_URL=gateway.url, SMS_HTTP_TOKEN=TOKEN, SMS_HTTP_BACKOFF=0)
        server = make_server("127.0.0.1", 0, portal, threaded=True)
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
        stop = threading.Event()

        def relay():
            while not stop.wait(0.05):
                relay_once(portal)

        relayer = threading.Thread(target=relay)
        thread.start()
        relayer.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}", gateway
        finally:
            stop.set()
            relayer.join(timeout=10)
            server.shutdown()
            server.server_close()
            thread.join(timeout=10)


def test_the_tutorial_over_http_with_the_gateway_as_the_phone(app, served):
    base, gateway = served
    offering = _catalogue()
    card_number = _card_for(RINA)
    transport = HttpTransport(base)
    try:
        purchase = Journey(transport, gateway).tutorial(RINA, card_number, "web")
    finally:
        transport.close()
    assert purchase.refused == {} and gateway.refused == 0
    assert [message.authorization for message in gateway.to(PHONE)] == [f"Bearer {TOKEN}"] * 2
    _started(offering)


class _Awaited:
    """The test client behind an async `send`: the async driver over the same requests."""

    def __init__(self, transport):
        self.transport = transport

    async def send(self, request):
        return self.transport.send(request)


def _run_apart(coroutine):
    """`asyncio.run` in a thread of its own, with this context: in one pytest process with the browser
    tests, Playwright's sync API leaves an event loop running in this thread."""
    context = contextvars.copy_context()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(context.run, asyncio.run, coroutine).result()


def test_the_async_twin_runs_the_same_steps(app, client, clock):
    offering = _catalogue()
    card_number = _card_for(RINA)
    journey = AsyncJourney(_Awaited(FlaskTransport(client)), MemoryCodes(app))
    purchase = _run_apart(journey.tutorial(RINA, card_number, "web"))
    assert purchase.refused == {} and "Sedang berjalan" in journey.visit.page.text
    _started(offering)
