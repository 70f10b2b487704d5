"""Races on PostgreSQL: threads on their own connections, real commits, the database decides.

SQLite runs one writer at a time, so these run only with TEST_DATABASE_URL (as `.ci/run` does).
Where a race could be lost by timing (one racer done before the other starts), the test holds
the contested row until both racers are blocked on it (see helpers.py). 50 buyers for 10 seats
and 20 codes on one card: test_seats_and_balance.py; the sweep meeting a purchase in a forced
order: test_sweep_races.py; two scheduler processes: test_two_schedulers.py.
"""
import pytest
from sqlalchemy import func, select

from portal import clock
from portal.extensions import db
from portal.models import Card, Enrollment, OtpChallenge, User, Wave
from portal.services import DomainError
from portal.services.cards import issue_card
from portal.services.ledger import check_ledger
from portal.services.purchases import complete_purchase, start_payment
from tests.concurrency.helpers import hold_row, release_when_waiting, run_together
from tests.factories import MOTHER, PHONE, create_card, create_offering, create_participant, create_wave

pytestmark = pytest.mark.postgres


def _buyer(nik, phone, offering):
    user = create_participant(nik=nik, email=f"{nik}@contoh.id", phone=phone)
    card = create_card(user, phone=phone)
    challenge = start_payment(user, offering, card.number, clock.now())
    db.session.commit()
    return user.id, challenge.id


def test_same_code_submitted_twice_at_once_buys_once(app, racers, sms):
    offering = create_offering(price=400_000)
    user_id, challenge_id = _buyer("3273014508950003", PHONE, offering)
    code = sms.last_code(PHONE)

    def submit():
        user = db.session.get(User, user_id)
        return complete_purchase(user, db.session.get(OtpChallenge, challenge_id), code, clock.now()).id

    holder = hold_row(OtpChallenge, challenge_id)  # both read the live code, then queue to consume it
    outcomes = run_together(racers, [submit, submit], meanwhile=release_when_waiting(holder, 2))
    assert outcomes[0] == outcomes[1] and isinstance(outcomes[0], int)
    assert db.session.scalar(select(func.count(Enrollment.id))) == 1
    assert db.session.scalar(select(Card.balance)) == 600_000
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
    [refused] = [o for o in outcomes if not isinstance(o, int)]  # refused by the guard, not by a CHECK (a 500)
    assert isinstance(refused, DomainError) and "tidak cukup" in str(refused.message), repr(refused)
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


def test_two_issuers_racing_for_one_nik_grant_one_card(app, racers):
    wave = create_wave(number=17)

    def issue():
        return issue_card("3273014508950003", "Siti", PHONE, 17, clock.now(), clock.now(), mother=MOTHER).number

    holder = hold_row(Wave, wave.id)  # both find no active card for the NIK, then queue to count it in the wave
    outcomes = run_together(racers, [issue, issue], meanwhile=release_when_waiting(holder, 2))
    assert sum(isinstance(o, str) for o in outcomes) == 1
    [refused] = [o for o in outcomes if not isinstance(o, str)]
    assert isinstance(refused, DomainError) and "sudah memiliki" in str(refused.message), repr(refused)
    assert db.session.scalar(select(func.count(Card.id))) == 1 and check_ledger().balanced
