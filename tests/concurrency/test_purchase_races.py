"""Races on PostgreSQL: threads on their own connections, real commits, the database decides.

SQLite runs one writer at a time, so these run only with TEST_DATABASE_URL (as `.ci/run` does).
"""
import threading

import pytest
from sqlalchemy import func, select

from portal import clock
from portal.extensions import db
from portal.models import Card, Enrollment, Offering, OtpChallenge, User
from portal.services import DomainError
from portal.services.ledger import check_ledger
from portal.services.purchases import complete_purchase, start_payment
from tests.factories import PHONE, create_card, create_offering, create_participant

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _postgres_only(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL); SQLite runs one writer at a time")


def run_together(app, jobs):
    """Start every job at the same moment, each in its own app context and connection."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def worker(i, job):
        with app.app_context():
            barrier.wait()
            try:
                outcomes[i] = job()
                db.session.commit()
            except DomainError as refused:
                db.session.rollback()
                outcomes[i] = refused
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


def _buyer(nik, phone, offering):
    user = create_participant(nik=nik, email=f"{nik}@contoh.id", phone=phone)
    card = create_card(user, phone=phone)
    challenge = start_payment(user, offering, card.number, clock.now())
    db.session.commit()
    return user.id, challenge.id


def test_same_code_submitted_twice_at_once_buys_once(app, sms):
    offering = create_offering(price=400_000)
    user_id, challenge_id = _buyer("3273014508950003", PHONE, offering)
    code = sms.last_code(PHONE)

    def submit():
        user = db.session.get(User, user_id)
        return complete_purchase(user, db.session.get(OtpChallenge, challenge_id), code, clock.now()).id

    outcomes = run_together(app, [submit, submit])
    assert outcomes[0] == outcomes[1] and isinstance(outcomes[0], int)
    assert db.session.scalar(select(func.count(Enrollment.id))) == 1
    assert db.session.scalar(select(Card.balance)) == 600_000
    assert check_ledger().balanced


def test_ten_buyers_for_the_last_three_seats(app, sms):
    offering = create_offering(price=100_000, seats=3)
    buyers = []
    for i in range(10):
        phone = f"+62812000100{i:02d}"
        buyers.append((*_buyer(f"31710212070000{i + 10:02d}", phone, offering), sms.last_code(phone)))

    def submit(user_id, challenge_id, code):
        return lambda: complete_purchase(db.session.get(User, user_id), db.session.get(OtpChallenge, challenge_id),
                                         code, clock.now()).id

    outcomes = run_together(app, [submit(*b) for b in buyers])
    assert sum(isinstance(o, int) for o in outcomes) == 3
    assert all(isinstance(o, (int, DomainError)) for o in outcomes)
    assert db.session.scalar(select(Offering.seats_taken)) == 3
    assert db.session.scalar(select(func.count(Enrollment.id))) == 3
    assert db.session.scalar(select(func.sum(Card.balance))) == 10 * 1_000_000 - 3 * 100_000
    assert check_ledger().balanced


def test_one_card_racing_for_two_trainings_its_balance_covers_once(app, sms):
    first, second = create_offering(price=700_000), create_offering(price=600_000)
    user = create_participant()
    card = create_card(user)
    challenges = []
    for offering in (first, second):
        challenges.append((start_payment(user, offering, card.number, clock.now()).id, None))
        db.session.commit()
        challenges[-1] = (challenges[-1][0], sms.last_code(PHONE))

    user_id = user.id  # threads must not touch the test's own session

    def submit(challenge_id, code):
        return lambda: complete_purchase(db.session.get(User, user_id), db.session.get(OtpChallenge, challenge_id),
                                         code, clock.now()).id

    outcomes = run_together(app, [submit(*c) for c in challenges])
    assert sum(isinstance(o, int) for o in outcomes) == 1
    assert db.session.scalar(select(Card.balance)) in (300_000, 400_000)
    assert check_ledger().balanced


def test_a_purchase_racing_the_sweep_at_the_deadline_has_one_winner(app, sms):
    from datetime import datetime, timedelta

    from portal.clock import WIB
    from portal.jobs.sweep import revoke_expired_cards

    accepted = datetime(2021, 3, 9, 10, 0, tzinfo=WIB)
    last_second, midnight = datetime(2021, 4, 8, 23, 59, 59, tzinfo=WIB), datetime(2021, 4, 9, tzinfo=WIB)
    offering = create_offering(price=500_000)
    user = create_participant()
    card = create_card(user, accepted_at=accepted)
    challenge = start_payment(user, offering, card.number, last_second - timedelta(seconds=30))
    db.session.commit()
    user_id, challenge_id, code = user.id, challenge.id, sms.last_code(PHONE)

    def buy():
        return complete_purchase(db.session.get(User, user_id), db.session.get(OtpChallenge, challenge_id), code,
                                 last_second).id

    def sweep():
        return revoke_expired_cards(midnight)["revoked"]

    bought, revoked = run_together(app, [buy, sweep])
    card = db.session.get(Card, card.id)
    if isinstance(bought, int):  # the purchase won: the 30-day clock stopped in time
        assert revoked == 0 and card.status == "active" and card.balance == 500_000
    else:  # the sweep won: nothing was bought, the balance went back to the fund
        assert revoked == 1 and card.status == "revoked" and card.balance == 0
        assert db.session.scalar(select(func.count(Enrollment.id))) == 0
    assert check_ledger().balanced


def test_two_issuers_racing_for_one_nik_grant_one_card(app):
    from portal.services.cards import issue_card
    from tests.factories import create_wave

    create_wave(number=17)

    def issue():
        return issue_card("3273014508950003", "Siti", PHONE, 17, clock.now(), clock.now()).number

    outcomes = run_together(app, [issue, issue])
    assert sum(isinstance(o, str) for o in outcomes) == 1
    assert db.session.scalar(select(func.count(Card.id))) == 1 and check_ledger().balanced
