"""Kode OTP → Verifikasi → Pembayaran Berhasil: the money moves once, or not at all."""
from datetime import timedelta

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Card, Enrollment, LedgerEntry, Offering, OtpChallenge
from portal.services.ledger import check_ledger
from tests.browser import form
from tests.conftest import Auth
from tests.factories import PHONE, create_participant
from tests.prakerja.conftest import enter_card, enter_code, other_code


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_right_code_pays_takes_a_seat_enrols_and_writes_the_ledger(client, buyer, sms, clock):
    page = enter_card(client, buyer.offering.id, buyer.card.number)
    paid = enter_code(client, page, sms.last_code(PHONE))
    html = paid.get_data(as_text=True)
    assert paid.request.path.startswith("/prakerja/berhasil/")
    assert "Pembayaran Berhasil" in html and "Cek Portofolio" in html and 'href="/portofolio/"' in html
    assert 'id="card-balance">Rp500.000' in html

    card = db.session.get(Card, buyer.card.id)
    assert card.balance == 500_000 and card.first_purchase_at is not None
    assert db.session.get(Offering, buyer.offering.id).seats_taken == 1
    enrollment = db.session.scalar(select(Enrollment))
    assert (enrollment.user_id, enrollment.price_paid, enrollment.status) == (buyer.user.id, 500_000, "not_started")
    purchase = db.session.scalar(select(LedgerEntry).where(LedgerEntry.kind == "purchase"))
    assert (purchase.amount, purchase.enrollment_id) == (500_000, enrollment.id)
    assert check_ledger().balanced


def test_double_submit_creates_nothing_more(client, buyer, sms, clock):
    page = enter_card(client, buyer.offering.id, buyer.card.number)
    code = sms.last_code(PHONE)
    first = enter_code(client, page, code)
    again = enter_code(client, page, code)  # the same form, submitted a second time
    assert again.request.path == first.request.path
    assert count(Enrollment) == 1 and db.session.get(Card, buyer.card.id).balance == 500_000
    assert db.session.get(Offering, buyer.offering.id).seats_taken == 1
    assert count(LedgerEntry) == 2 and check_ledger().balanced


def test_second_tab_cannot_buy_the_same_training_again(client, buyer, sms, clock):
    tab_one = enter_card(client, buyer.offering.id, buyer.card.number)
    code_one = sms.last_code(PHONE)
    enter_code(client, tab_one, code_one)
    tab_two = enter_card(client, buyer.offering.id, buyer.card.number)
    assert "Anda sudah terdaftar di pelatihan ini" in tab_two.get_data(as_text=True)
    assert count(Enrollment) == 1


def test_wrong_code_then_right_code(client, buyer, sms, clock):
    page = enter_card(client, buyer.offering.id, buyer.card.number)
    code = sms.last_code(PHONE)
    wrong = enter_code(client, page, other_code(code))
    assert "Sisa kesempatan: 4" in wrong.get_data(as_text=True) and count(Enrollment) == 0
    assert db.session.get(Card, buyer.card.id).balance == 1_000_000
    assert "Pembayaran Berhasil" in enter_code(client, page, code).get_data(as_text=True)


def test_sixth_wrong_code_kills_the_payment_code(client, buyer, sms, clock):
    page = enter_card(client, buyer.offering.id, buyer.card.number)
    code = sms.last_code(PHONE)
    for _ in range(5):
        enter_code(client, page, other_code(code))
    html = enter_code(client, page, code).get_data(as_text=True)
    assert "Terlalu banyak kode salah" in html and count(Enrollment) == 0


def test_expired_code_and_resend(client, buyer, sms, clock):
    page = enter_card(client, buyer.offering.id, buyer.card.number)
    old = sms.last_code(PHONE)
    clock.shift(timedelta(minutes=10, seconds=1))
    assert "kedaluwarsa" in enter_code(client, page, old).get_data(as_text=True)
    resent = form(client, client.get(page.request.path), "Kirim ulang kode").submit()
    assert "Kode baru sudah dikirim" in resent.get_data(as_text=True) and len(sms.sent) == 2
    assert "Pembayaran Berhasil" in enter_code(client, resent, sms.last_code(PHONE)).get_data(as_text=True)


def test_early_resend_is_refused(client, buyer, sms, clock):
    page = enter_card(client, buyer.offering.id, buyer.card.number)
    refused = form(client, page, "Kirim ulang kode").submit()
    assert "Tunggu 60 detik" in refused.get_data(as_text=True) and len(sms.sent) == 1


def test_last_seat_taken_meanwhile_consumes_nothing(client, buyer, sms, clock):
    page = enter_card(client, buyer.offering.id, buyer.card.number)
    buyer.offering.seats_taken = buyer.offering.seats  # someone else bought the last seat
    db.session.commit()
    html = enter_code(client, page, sms.last_code(PHONE)).get_data(as_text=True)
    assert "Kursi pelatihan ini sudah habis" in html
    assert db.session.get(Card, buyer.card.id).balance == 1_000_000 and count(Enrollment) == 0
    assert db.session.scalar(select(OtpChallenge.consumed_at)) is None  # the code is not spent


def test_balance_spent_meanwhile_consumes_nothing(client, buyer, sms, clock):
    page = enter_card(client, buyer.offering.id, buyer.card.number)
    buyer.card.balance = 100_000
    db.session.commit()
    html = enter_code(client, page, sms.last_code(PHONE)).get_data(as_text=True)
    assert "tidak cukup" in html and count(Enrollment) == 0
    assert db.session.get(Offering, buyer.offering.id).seats_taken == 0


def test_deadline_passing_between_code_and_verify(client, auth, buyer, sms, clock):
    clock.move_to(buyer.card.deadline_at - timedelta(minutes=2))
    auth.login()
    page = enter_card(client, buyer.offering.id, buyer.card.number)
    clock.move_to(buyer.card.deadline_at + timedelta(seconds=1))
    html = enter_code(client, page, sms.last_code(PHONE)).get_data(as_text=True)
    assert "Batas waktu 30 hari" in html and count(Enrollment) == 0


def test_purchase_at_the_last_second_counts(client, auth, buyer, sms, clock):
    clock.move_to(buyer.card.deadline_at - timedelta(minutes=2))
    auth.login()
    page = enter_card(client, buyer.offering.id, buyer.card.number)
    clock.move_to(buyer.card.deadline_at)  # 23:59:59 WIB on day 30
    assert "Pembayaran Berhasil" in enter_code(client, page, sms.last_code(PHONE)).get_data(as_text=True)


def test_a_code_belongs_to_its_account(app, buyer, client, sms, clock):
    page = enter_card(client, buyer.offering.id, buyer.card.number)
    stranger = app.test_client()
    create_participant(nik="3171021207000001", email="lain@contoh.id", phone="+6281299990000")
    Auth(stranger).login("lain@contoh.id")
    assert stranger.get(page.request.path).status_code == 404
    code = sms.last_code(PHONE)
    enter_code(client, page, code)
    enrollment_id = db.session.scalar(select(Enrollment.id))
    assert stranger.get(f"/prakerja/berhasil/{enrollment_id}").status_code == 404


def test_second_training_keeps_the_first_purchase_time(client, auth, buyer, sms, clock):
    from tests.factories import create_offering

    enter_code(client, enter_card(client, buyer.offering.id, buyer.card.number), sms.last_code(PHONE))
    first = db.session.get(Card, buyer.card.id).first_purchase_at
    clock.shift(timedelta(minutes=20))
    second = create_offering(price=300_000)
    enter_code(client, enter_card(client, second.id, buyer.card.number), sms.last_code(PHONE))
    card = db.session.get(Card, buyer.card.id)
    assert card.balance == 200_000 and card.first_purchase_at == first and check_ledger().balanced


def test_verify_without_csrf_is_refused(client, buyer, sms, clock):
    page = enter_card(client, buyer.offering.id, buyer.card.number)
    refused = form(client, page, "Verifikasi").fill("Kode OTP", sms.last_code(PHONE)).submit(drop=("csrf_token",))
    assert refused.status_code == 400 and count(Enrollment) == 0


def test_a_second_training_can_be_bought_after_day_30(client, auth, buyer, sms, clock):
    """The 30-day rule is about the first training; what is left stays usable afterwards."""
    from tests.factories import create_offering

    enter_code(client, enter_card(client, buyer.offering.id, buyer.card.number), sms.last_code(PHONE))
    clock.move_to(buyer.card.deadline_at + timedelta(days=10))
    auth.login()
    second = create_offering(price=300_000)
    paid = enter_code(client, enter_card(client, second.id, buyer.card.number), sms.last_code(PHONE))
    assert "Pembayaran Berhasil" in paid.get_data(as_text=True)
    assert db.session.get(Card, buyer.card.id).balance == 200_000 and check_ledger().balanced


def test_label_withdrawn_after_the_code_was_sent_says_so(client, buyer, sms, clock):
    page = enter_card(client, buyer.offering.id, buyer.card.number)
    buyer.offering.provider.prakerja_label = False
    db.session.commit()
    html = enter_code(client, page, sms.last_code(PHONE)).get_data(as_text=True)
    assert "tidak berlabel Kartu Prakerja" in html and count(Enrollment) == 0
