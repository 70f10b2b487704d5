"""HP Simulasi beside the OTP forms: the code just sent is on the same screen, for this session's phone only."""
import re

import pytest
from flask_login import login_user
from sqlalchemy import select

from portal.demo.phones import messages_beside_form
from portal.extensions import db
from portal.models import SmsMessage
from tests.auth.test_register import register
from tests.browser import form
from tests.conftest import Auth
from tests.factories import PHONE, create_card, create_offering, create_participant, create_user
from tests.queries import statements_for

pytestmark = pytest.mark.usefixtures("siti_is_known")  # Buat Akun asks the population registry first

BESIDE = 'id="beside-phone-title"'


@pytest.fixture
def outbox_app(make_app):
    """Demo mode with the outbox, where HP Simulasi reads its messages (the test profile's
    memory backend keeps them out of the database)."""
    return make_app(SMS_BACKEND="outbox")


def latest_code() -> str:
    body = db.session.scalar(select(SmsMessage.body).order_by(SmsMessage.id.desc()).limit(1))
    return re.search(r"\b(\d{6})\b", body).group(1)


def beside(html: str) -> str:
    """The HP Simulasi part of the page (after the form)."""
    assert BESIDE in html
    return html[html.index('<div class="demo-beside__phone">'):]


def test_the_activation_code_shows_beside_the_form(outbox_app, clock):
    client = outbox_app.test_client()
    with outbox_app.app_context():
        page = register(client)
        assert page.request.path == "/aktivasi"
        html = page.get_data(as_text=True)
        phone = beside(html)
        assert latest_code() in phone and "+62 812-****-7890" in phone
        assert 'href="/aktivasi"' in phone and 'href="/demo/hp"' in phone  # reload, and the full phone
        assert html.index('action="/aktivasi"') < html.index(BESIDE)  # the form first: on a phone, stacked under it
        activated = form(client, page, "Aktivasi Sekarang").fill("Kode OTP", latest_code()).submit()
        assert activated.request.path == "/masuk"


def test_the_reset_code_shows_beside_the_form(outbox_app, clock):
    client = outbox_app.test_client()
    with outbox_app.app_context():
        user = create_user()
        page = form(client, client.get("/kendala-masuk"), "Kirim Kode").fill("NIK atau Email", user.email).submit()
        assert page.request.path == "/kendala-masuk/kata-sandi-baru"
        phone = beside(page.get_data(as_text=True))
        assert latest_code() in phone and 'href="/kendala-masuk/kata-sandi-baru"' in phone


def test_the_payment_code_shows_beside_the_form_within_the_statement_budget(outbox_app, make_app, clock):
    client = outbox_app.test_client()
    with outbox_app.app_context():
        user = create_participant()
        card = create_card(user)
        offering = create_offering(price=500_000)
        Auth(client).login()
        page = client.get(f"/prakerja/daftar/{offering.id}")
        page = form(client, page, "Kirim OTP").fill("Nomor Kartu Prakerja", card.number).submit()
        verify = page.request.path
        assert verify.startswith("/prakerja/verifikasi/")
        code = latest_code()
        assert code in beside(page.get_data(as_text=True))
        demo = statements_for(client, verify)
    plain_app = make_app(DEMO_MODE=False, SMS_BACKEND="outbox")
    plain = plain_app.test_client()
    with plain_app.app_context():
        Auth(plain).login()
        plain_page = plain.get(verify)
        assert BESIDE not in plain_page.get_data(as_text=True) and code not in plain_page.get_data(as_text=True)
        without = statements_for(plain, verify)
    assert demo <= 8 and demo - without <= 2, (demo, without)  # the panel's one and the phone's one
    with outbox_app.app_context():
        assert form(client, client.get(verify), "Verifikasi").fill("Kode OTP", code).submit() \
            .request.path.startswith("/prakerja/berhasil/")


def test_only_this_sessions_phones_are_read(outbox_app, clock):
    with outbox_app.app_context():
        mine, other = create_user(), create_user(nik="3273014508950011", phone="+6281234567891")
        for to in (PHONE, other.phone):
            db.session.add(SmsMessage(to_phone=to, body=f"Kode 12345{to[-1]} untuk {to}", created_at=mine.created_at))
        db.session.commit()
        with outbox_app.test_request_context():
            assert messages_beside_form(other.phone) == ([], [])  # a visitor with nothing pending
            assert messages_beside_form(None) == ([], [])
            login_user(mine)
            phones, messages = messages_beside_form(other.phone)
            assert messages == []
            phones, messages = messages_beside_form(PHONE)
            assert [m.to_phone for m in messages] == [PHONE]
            create_card(mine, phone=other.phone)  # a card registered to another number is the account's too
            assert [m.to_phone for m in messages_beside_form(other.phone)[1]] == [other.phone]


def test_without_demo_mode_the_form_stands_alone(make_app, clock):
    app = make_app(DEMO_MODE=False, SMS_BACKEND="outbox")
    client = app.test_client()
    with app.app_context():
        page = register(client)
        html = page.get_data(as_text=True)
        assert page.request.path == "/aktivasi" and "demo-beside" not in html and latest_code() not in html
        assert form(client, page, "Aktivasi Sekarang").fill("Kode OTP", latest_code()).submit().request.path == "/masuk"


def test_the_full_phone_page_does_not_reload_itself(outbox_app, clock):
    client = outbox_app.test_client()
    with outbox_app.app_context():
        register(client)
        html = client.get("/demo/hp").get_data(as_text=True)
    assert 'id="phone-title"' in html and latest_code_in(html) and 'http-equiv="refresh"' not in html
    assert BESIDE not in html


def latest_code_in(html: str) -> bool:
    return re.search(r'<article class="sms">.*?\b\d{6}\b', html, re.S) is not None
