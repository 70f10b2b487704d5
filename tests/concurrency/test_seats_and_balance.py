"""Many verifications at once: the guarded UPDATEs let through exactly what the seats, or the balance, allow.

Every payment code is started beforehand; then the test holds the contested row (the offering, the
card) until every racer is blocked on it, and lets go: all of them were in flight together.
"""
import re

import pytest
from sqlalchemy import func, select

from portal import clock
from portal.extensions import db
from portal.models import Card, Enrollment, LedgerEntry, Offering, OtpChallenge, User
from portal.services import DomainError
from portal.services.ledger import check_ledger
from portal.services.purchases import complete_purchase, start_payment
from tests.concurrency.helpers import hold_row, nik, release_when_waiting, run_together
from tests.factories import create_card, create_offering, create_participant
from tests.support.codes import deliver

pytestmark = pytest.mark.postgres

BALANCE = 1_000_000
NO_SEATS = "Kursi pelatihan ini sudah habis"
NOT_COVERED = "tidak cukup untuk harga"


def count(*where, of=Enrollment.id):
    return db.session.scalar(select(func.count(of)).where(*where))


def start_codes(racers, payments: list[tuple[int, str, int]]) -> list[tuple[int, int, str]]:
    """For each (user id, card number, offering id), a payment code sent through the real service:
    returns (user id, challenge id, code) for each."""
    started = []
    with racers.app_context():
        for user_id, number, offering_id in payments:
            user = db.session.get(User, user_id)
            challenge = start_payment(user, db.session.get(Offering, offering_id), number, clock.now())
            db.session.commit()
            code = re.search(r"\b(\d{6})\b", deliver(racers)[-1].text).group(1)
            started.append((user_id, challenge.id, code))
    return started


def submit(user_id: int, challenge_id: int, code: str):
    """What Verifikasi does with the code, in a racer's own session."""
    def verify():
        user = db.session.get(User, user_id)
        return complete_purchase(user, db.session.get(OtpChallenge, challenge_id), code, clock.now()).id
    return verify


def refused_with(outcomes, message: str) -> list:
    """The outcomes that are not a DomainError saying `message` (an IntegrityError would be a 500)."""
    return [repr(o) for o in outcomes if not (isinstance(o, DomainError) and message in str(o.message))]


def test_fifty_buyers_for_the_last_ten_seats_give_ten_enrollments(app, racers):
    price = 250_000
    offering = create_offering(price=price, seats=30, seats_taken=20)
    payments = []
    for i in range(1, 51):
        user = create_participant(nik=nik(i), email=f"pembeli{i}@contoh.id", phone=f"+6281300{i:06d}")
        payments.append((user.id, create_card(user, phone=user.phone).number, offering.id))
    buyers = start_codes(racers, payments)

    holder = hold_row(Offering, offering.id)  # all 50 debit their card, then queue here for a seat
    outcomes = run_together(racers, [submit(*b) for b in buyers], meanwhile=release_when_waiting(holder, 50))
    db.session.expire_all()

    enrolled = [o for o in outcomes if isinstance(o, int)]
    assert len(enrolled) == 10 == len(set(enrolled))
    assert refused_with([o for o in outcomes if not isinstance(o, int)], NO_SEATS) == []
    assert db.session.scalar(select(Offering.seats_taken)) == 30
    assert count() == 10 and count(of=func.distinct(Enrollment.user_id)) == 10
    # Each winner paid once, each of the 40 others kept its whole balance and its unspent code.
    assert count(Card.balance == BALANCE - price, of=Card.id) == 10
    assert count(Card.balance == BALANCE, of=Card.id) == 40
    assert count(LedgerEntry.kind == "purchase", of=LedgerEntry.id) == 10
    assert count(OtpChallenge.consumed_at.is_not(None), of=OtpChallenge.id) == 10
    assert check_ledger().balanced


def test_twenty_verifications_on_one_card_buy_one_training(app, racers):
    user = create_participant()
    card = create_card(user)
    # Any one of these costs more than half the balance: the card covers exactly one of them.
    offerings = [create_offering(price=510_000 + 10_000 * i) for i in range(20)]
    codes = start_codes(racers, [(user.id, card.number, offering.id) for offering in offerings])
    card_id = card.id

    holder = hold_row(Card, card_id)  # all 20 spend their code, then queue here to debit the card
    outcomes = run_together(racers, [submit(*c) for c in codes], meanwhile=release_when_waiting(holder, 20))
    db.session.expire_all()

    enrolled = [o for o in outcomes if isinstance(o, int)]
    assert len(enrolled) == 1, f"the card paid {len(enrolled)} times"
    won = enrolled[0]
    assert refused_with([o for o in outcomes if o != won], NOT_COVERED) == []
    enrollment = db.session.get(Enrollment, won)
    card = db.session.get(Card, card_id)
    assert card.balance == BALANCE - enrollment.price_paid and card.first_purchase_at is not None
    assert count() == 1 and db.session.scalar(select(func.sum(Offering.seats_taken))) == 1
    assert db.session.scalar(select(LedgerEntry.amount).where(LedgerEntry.kind == "purchase")) == enrollment.price_paid
    assert count(OtpChallenge.consumed_at.is_not(None), of=OtpChallenge.id) == 1
    assert check_ledger().balanced
