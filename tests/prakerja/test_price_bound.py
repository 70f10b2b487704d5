"""A payment code is bound to the amount its SMS named: a changed price voids it, and the card is
never charged more than the holder agreed to."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from portal import clock as portal_clock
from portal.extensions import db
from portal.models import Card, Enrollment, Offering, OtpChallenge
from portal.services.ledger import check_ledger
from portal.services.purchases import CardRefused, bound_price, buy_training
from tests.browser import form
from tests.factories import PHONE
from tests.prakerja.conftest import enter_card, enter_code


def _reprice(offering_id: int, price: int) -> None:
    """The lembaga edits the price (allowed: nobody has registered yet)."""
    db.session.execute(update(Offering).where(Offering.id == offering_id).values(price=price)
                       .execution_options(synchronize_session=False))
    db.session.commit()


def _enrollments() -> int:
    return db.session.scalar(select(func.count()).select_from(Enrollment))


def test_the_sms_names_the_amount_the_code_is_bound_to(client, buyer, sms, clock):
    enter_card(client, buyer.offering.id, buyer.card.number)
    challenge = db.session.scalar(select(OtpChallenge))
    assert bound_price(challenge) == buyer.offering.price == 500_000
    assert "Rp500.000" in sms.last_to(PHONE).text


def test_a_price_raised_after_the_sms_voids_the_code(client, buyer, sms, clock):
    page = enter_card(client, buyer.offering.id, buyer.card.number)
    code = sms.last_code(PHONE)
    _reprice(buyer.offering.id, 1_000_000)
    refused = enter_code(client, page, code)
    html = refused.get_data(as_text=True)
    assert "berubah dari Rp500.000 menjadi Rp1.000.000" in html and "tidak berlaku lagi" in html
    assert db.session.get(Card, buyer.card.id).balance == 1_000_000  # nothing paid
    assert _enrollments() == 0
    challenge = db.session.scalar(select(OtpChallenge))
    assert challenge.consumed_at is not None  # void: the same code can never pay the new price
    # Even once the price is back, the voided code pays nothing.
    _reprice(buyer.offering.id, 500_000)
    again = enter_code(client, page, code)
    assert "sudah digunakan" in again.get_data(as_text=True)
    assert _enrollments() == 0 and check_ledger().balanced


def test_the_code_page_says_so_before_typing(client, buyer, sms, clock):
    page = enter_card(client, buyer.offering.id, buyer.card.number)
    _reprice(buyer.offering.id, 450_000)
    shown = client.get(page.request.path).get_data(as_text=True)
    assert 'id="price-changed"' in shown and 'name="code"' not in shown
    assert "Kembali ke nomor kartu" in shown


def test_resend_after_a_price_change_sends_nothing(client, buyer, sms, clock):
    page = enter_card(client, buyer.offering.id, buyer.card.number)
    resend = form(client, page, "Kirim ulang kode")  # the button as it was before the change
    sent = len(sms.sent)
    clock.shift(120)  # past the resend wait
    _reprice(buyer.offering.id, 450_000)
    answer = resend.submit()
    assert answer.request.path == f"/prakerja/daftar/{buyer.offering.id}"
    assert "tidak berlaku lagi" in answer.get_data(as_text=True)
    assert len(sms.sent) == sent  # no SMS naming a price the code cannot pay


def test_a_reprice_racing_the_purchase_charges_nothing(app, buyer, clock):
    """The seat's UPDATE requires the agreed price: a price changed between check and debit rolls
    the whole purchase back, the debit included."""
    card = db.session.get(Card, buyer.card.id)
    offering = db.session.get(Offering, buyer.offering.id)
    db.session.execute(update(Offering).where(Offering.id == offering.id).values(price=900_000)
                       .execution_options(synchronize_session=False))
    with pytest.raises(CardRefused) as refused:
        buy_training(buyer.user, card, offering, portal_clock.now(), price=500_000)
    assert "berubah" in str(refused.value.message)
    db.session.rollback()
    assert db.session.get(Card, buyer.card.id).balance == 1_000_000 and _enrollments() == 0


def test_a_code_from_before_amounts_were_bound_pays_nothing(client, buyer, sms, clock):
    """A payment code sent before this rule (its subject names no amount) is void, not a 500."""
    page = enter_card(client, buyer.offering.id, buyer.card.number)
    challenge = db.session.scalar(select(OtpChallenge))
    challenge.subject = f"card:{buyer.card.id}:offering:{buyer.offering.id}"
    db.session.commit()
    shown = client.get(page.request.path).get_data(as_text=True)
    assert 'id="price-changed"' in shown and "Rp500.000" in shown
    refused = enter_code(client, page, sms.last_code(PHONE))
    assert refused.status_code == 200 and "tidak berlaku lagi" in refused.get_data(as_text=True)
    assert _enrollments() == 0 and db.session.get(Card, buyer.card.id).balance == 1_000_000
