"""Daftar: every check before an SMS is sent, each with its own message."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.jobs.relay import relay_due
from portal.models import BlacklistEntry, Card, OtpChallenge, SmsMessage
from portal.services.cards import luhn_check_digit
from tests.factories import PHONE, create_card, create_offering, create_participant, create_provider, create_user
from tests.prakerja.conftest import enter_card


def challenges():
    return db.session.scalar(select(func.count()).select_from(OtpChallenge))


def test_programme_page_has_daftar_for_labelled_offerings_only(client, app):
    labelled = create_offering()
    plain = create_offering(programme=labelled.programme, provider=create_provider(labelled=False))
    html = client.get(f"/pelatihan/program/{labelled.programme.slug}").get_data(as_text=True)
    assert f'href="/prakerja/daftar/{labelled.id}"' in html
    assert f'href="/prakerja/daftar/{plain.id}"' not in html
    assert "tidak berlabel Kartu Prakerja" in html


def test_daftar_page_shows_the_card_balance_and_days_left(client, buyer):
    html = client.get(f"/prakerja/daftar/{buyer.offering.id}").get_data(as_text=True)
    assert ">Nomor Kartu Prakerja</label>" in html and 'value="Kirim OTP"' in html
    assert "Rp1.000.000" in html and "30 hari lagi" in html and buyer.card.number[-4:] in html
    assert "Rp500.000" in html


def test_right_card_sends_the_code_to_the_cards_phone(client, buyer, sms):
    page = enter_card(client, buyer.offering.id, buyer.card.number)
    assert page.request.path.startswith("/prakerja/verifikasi/")
    html = page.get_data(as_text=True)
    assert "+62 812-****-7890" in html and ">Kode OTP</label>" in html and 'value="Verifikasi"' in html
    assert "Kirim ulang kode" in html
    assert sms.last_to(PHONE).text.count("Rp500.000") == 1
    challenge = db.session.scalar(select(OtpChallenge))
    assert challenge.subject == f"card:{buyer.card.id}:offering:{buyer.offering.id}:price:{buyer.offering.price}"


def test_spaces_in_the_number_are_fine(client, buyer, sms):
    spaced = " ".join(buyer.card.number[i:i + 4] for i in range(0, 16, 4))
    assert enter_card(client, buyer.offering.id, spaced).request.path.startswith("/prakerja/verifikasi/")


def _refused(client, buyer, sms, number, message, status=200):
    page = enter_card(client, buyer.offering.id, number)
    html = page.get_data(as_text=True)
    assert page.request.path == f"/prakerja/daftar/{buyer.offering.id}"
    assert message in html, html[html.find('role="alert"') - 200:][:600]
    assert challenges() == 0 and sms.sent == []
    return html


@pytest.mark.parametrize("number", ["1234", "12345678901234567", "abcdabcdabcdabcd"])
def test_malformed_number(client, buyer, sms, number):
    _refused(client, buyer, sms, number, "16 angka dan angka terakhirnya tidak cocok")


def test_wrong_check_digit(client, buyer, sms):
    n = buyer.card.number
    _refused(client, buyer, sms, n[:15] + str((int(n[15]) + 1) % 10), "angka terakhirnya tidak cocok")


def test_unknown_card_and_someone_elses_card_get_the_same_message(client, buyer, sms):
    body = "512345678901234"
    _refused(client, buyer, sms, body + luhn_check_digit(body), "Tidak ada Kartu Prakerja dengan nomor ini")
    other = create_card(create_user(nik="3171021207000001", email="lain@contoh.id"), phone="+6281299990000")
    theirs = _refused(client, buyer, sms, other.number, "Tidak ada Kartu Prakerja dengan nomor ini")
    # the page shows the account's own card, never the one typed
    assert f"•••• {other.number[-4:]}" not in theirs and f"•••• {buyer.card.number[-4:]}" in theirs


def test_revoked_card(client, buyer, sms):
    buyer.card.status = "revoked"
    db.session.commit()
    _refused(client, buyer, sms, buyer.card.number, "sudah dicabut")


def test_deadline_passed(client, auth, buyer, sms, clock):
    clock.move_to(buyer.card.deadline_at + timedelta(seconds=1))
    auth.login()  # a session lasts 12 hours at most
    _refused(client, buyer, sms, buyer.card.number, "Batas waktu 30 hari")


def test_blacklisted_holder(client, buyer, sms):
    db.session.add(BlacklistEntry(nik=buyer.user.nik, name=buyer.user.full_name, reason="test",
                                  created_at=buyer.card.created_at))
    db.session.commit()
    _refused(client, buyer, sms, buyer.card.number, "daftar hitam")


def test_balance_too_low_shows_the_balance(client, buyer, sms):
    buyer.card.balance = 400_000
    db.session.commit()
    html = _refused(client, buyer, sms, buyer.card.number, "Saldo kartu Rp400.000 tidak cukup untuk harga Rp500.000")
    assert 'card-balance">Rp400.000' in html


def test_no_seat_left(client, buyer, sms):
    buyer.offering.seats_taken = buyer.offering.seats
    db.session.commit()
    _refused(client, buyer, sms, buyer.card.number, "Kursi pelatihan ini sudah habis")


def test_unlabelled_offering(client, app, auth, clock, sms):
    user = create_participant()
    card = create_card(user)
    offering = create_offering(provider=create_provider(labelled=False))
    auth.login()
    page = enter_card(client, offering.id, card.number)
    assert "tidak berlabel Kartu Prakerja" in page.get_data(as_text=True) and sms.sent == []


def test_unpublished_or_unknown_offering_is_404(client, buyer):
    buyer.offering.published = False
    db.session.commit()
    assert client.get(f"/prakerja/daftar/{buyer.offering.id}").status_code == 404
    assert client.get("/prakerja/daftar/999999").status_code == 404


def test_non_participant_is_sent_to_register_first(client, auth, app):
    create_user()
    offering = create_offering()
    auth.login()
    page = client.get(f"/prakerja/daftar/{offering.id}", follow_redirects=True)
    assert page.request.path == "/pelatihan/daftar-peserta"
    assert "daftarlah terlebih dahulu sebagai peserta pelatihan" in page.get_data(as_text=True)


def test_anonymous_is_sent_to_login(client, app):
    offering = create_offering()
    page = client.get(f"/prakerja/daftar/{offering.id}")
    assert page.status_code == 302 and page.headers["Location"].startswith("/masuk")


def test_card_number_without_csrf_is_refused(client, buyer, sms):
    from tests.browser import form
    page = client.get(f"/prakerja/daftar/{buyer.offering.id}")
    refused = form(client, page, "Kirim OTP").fill("Nomor Kartu Prakerja", buyer.card.number).submit(
        drop=("csrf_token",))
    assert refused.status_code == 400 and sms.sent == []


def test_sms_gateway_down_only_delays_the_code(make_app, clock):
    """The page goes on to the code at once; the code waits in the outbox for the gateway."""
    import socket

    from tests.conftest import Auth

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    app = make_app(SMS_BACKEND="http", SMS_HTTP_URL=f"http://127.0.0.1:{closed_port}/sms", SMS_HTTP_TOKEN="t",
                   SMS_HTTP_RETRIES=1, SMS_HTTP_BACKOFF=0)
    client = app.test_client()
    with app.app_context():
        user = create_participant()
        card = create_card(user)
        offering = create_offering()
        Auth(client).login()
        page = enter_card(client, offering.id, card.number)
        assert page.request.path.startswith("/prakerja/verifikasi/") and challenges() == 1
        assert db.session.scalar(select(SmsMessage.status)) == "queued"  # no gateway was called by the request
        assert relay_due() == {"retrying": 1}
        assert db.session.get(Card, card.id).balance == 1_000_000


def test_payment_codes_are_capped_per_hour(client, buyer, sms):
    for _ in range(5):
        assert enter_card(client, buyer.offering.id, buyer.card.number).request.path.startswith("/prakerja/verifikasi/")
    page = enter_card(client, buyer.offering.id, buyer.card.number)
    assert "Terlalu banyak permintaan kode" in page.get_data(as_text=True) and len(sms.sent) == 5
