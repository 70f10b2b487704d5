"""The wave counters under races on PostgreSQL: the database, not a Python process, decides which
purchase was a card's first, and which recycling got the last revoked places."""
from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from portal.clock import WIB
from portal.extensions import db
from portal.models import Card, Enrollment, Offering, User, Wave, WaveRecycling
from portal.services import DomainError
from portal.services.audit import Actor
from portal.services.ledger import check_ledger
from portal.services.purchases import buy_training
from portal.services.waves import open_wave_from_recycled
from tests.concurrency.helpers import hold_row, issue_cards, release_when_waiting, run_together
from tests.factories import create_card, create_offering, create_participant, create_user, create_wave

pytestmark = pytest.mark.postgres

BOUGHT_AT = datetime(2021, 3, 12, 10, 0, tzinfo=WIB)


def test_two_first_purchases_of_one_card_at_once_count_it_bought_once(app, racers):
    user = create_participant()
    card = create_card(user, accepted_at=datetime(2021, 3, 9, 10, 0, tzinfo=WIB))
    offerings = [create_offering(price=400_000).id, create_offering(price=300_000).id]
    user_id, card_id = user.id, card.id

    def buy(offering_id):
        return lambda: buy_training(db.session.get(User, user_id), db.session.get(Card, card_id),
                                    db.session.get(Offering, offering_id), BOUGHT_AT).id

    holder = hold_row(Card, card_id)  # both have read the card unbought; both queue on its row
    outcomes = run_together(racers, [buy(o) for o in offerings], meanwhile=release_when_waiting(holder, 2))
    assert all(isinstance(o, int) for o in outcomes), outcomes  # the balance covers both: both bought
    assert db.session.scalar(select(func.count(Enrollment.id))) == 2
    assert db.session.scalar(select(Wave.cards_bought)) == 1
    assert db.session.scalar(select(Card.balance)) == 300_000
    assert check_ledger().balanced


def test_two_recyclings_racing_for_the_last_places_one_wins_whole(app, racers):
    create_wave(12, quota=10, accepted_on=date(2021, 3, 2))
    issue_cards(3, datetime(2021, 3, 2, 10, 0, tzinfo=WIB), wave_number=12)
    from portal.jobs.sweep import revoke_expired_cards

    revoke_expired_cards(datetime(2021, 4, 2, 0, 0, tzinfo=WIB))
    admin_id = create_user(role="admin", nik="3171011203850004", email="pmo@contoh.id", phone="+6281299990001").id
    wave_12 = db.session.scalar(select(Wave.id).where(Wave.number == 12))
    db.session.commit()

    def recycle(number):
        return lambda: open_wave_from_recycled(Actor(db.session.get(User, admin_id)), number, {12: 2},
                                               datetime(2021, 4, 9, tzinfo=WIB)).number

    holder = hold_row(Wave, wave_12)
    outcomes = run_together(racers, [recycle(17), recycle(18)], meanwhile=release_when_waiting(holder, 2))
    assert sum(isinstance(o, int) for o in outcomes) == 1
    [refused] = [o for o in outcomes if not isinstance(o, int)]
    assert isinstance(refused, DomainError) and "tidak memiliki 2" in str(refused.message), repr(refused)
    assert db.session.scalar(select(func.count(Wave.id))) == 2  # the loser's wave was rolled back with it
    assert db.session.scalar(select(Wave.recycled_out).where(Wave.id == wave_12)) == 2
    assert db.session.scalar(select(func.count(WaveRecycling.id))) == 1
    assert check_ledger().balanced
