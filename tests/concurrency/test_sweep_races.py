"""The sweep and a purchase meeting on one card at the deadline, in each order, made certain.

(test_purchase_races.py lets them start at the same moment and accepts either winner; here each
order is forced by pausing one side inside its transaction until the other has arrived.)
- Purchase first: the card is debited (row locked, not committed) when the sweep comes. The sweep's
  `FOR UPDATE SKIP LOCKED` passes the card by; the purchase commits; the card stays, nothing returns.
- Sweep first: the card is revoked (not committed) when the purchase comes. The guarded debit waits
  for the sweep's commit, then finds the card revoked: refused, nothing spent, the code unspent.
"""
import re
import threading
from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from portal.clock import WIB
from portal.extensions import db
from portal.jobs import sweep as sweep_job
from portal.models import BlacklistEntry, Card, Enrollment, LedgerEntry, OtpChallenge, User
from portal.services import DomainError
from portal.services import purchases as purchase_service
from portal.services.ledger import check_ledger
from portal.services.purchases import complete_purchase, start_payment
from tests.concurrency.helpers import lock_waiters, run_together, wait_until
from tests.factories import PHONE, create_card, create_offering, create_participant

pytestmark = pytest.mark.postgres

ACCEPTED = datetime(2021, 3, 9, 10, 0, tzinfo=WIB)  # deadline: Kamis, 8 April 2021 23.59.59 WIB
LAST_SECOND = datetime(2021, 4, 8, 23, 59, 59, tzinfo=WIB)
MIDNIGHT = datetime(2021, 4, 9, tzinfo=WIB)
NOTHING = {"revoked": 0, "returned": 0, "blacklisted": 0}


@pytest.fixture
def buyer(app, sms):
    offering = create_offering(price=500_000)
    user = create_participant()
    card = create_card(user, accepted_at=ACCEPTED)
    challenge = start_payment(user, offering, card.number, LAST_SECOND - timedelta(seconds=30))
    db.session.commit()
    return SimpleNamespace(user_id=user.id, card_id=card.id, challenge_id=challenge.id, code=sms.last_code(PHONE))


def purchase(buyer):
    def buy():
        user, challenge = db.session.get(User, buyer.user_id), db.session.get(OtpChallenge, buyer.challenge_id)
        return complete_purchase(user, challenge, buyer.code, LAST_SECOND).id
    return buy


def pause_after(monkeypatch, module, name: str, reached: threading.Event, other_done: threading.Event) -> None:
    """Wrap `module.name`: after its first real call (its rows locked, uncommitted), signal `reached`
    and wait until the other side has finished or is blocked on a lock."""
    real = getattr(module, name)

    def paused(*args, **kwargs):
        result = real(*args, **kwargs)
        if not reached.is_set():
            reached.set()
            wait_until(lambda: other_done.is_set() or lock_waiters() >= 1, f"the other side to meet {name}")
        return result

    monkeypatch.setattr(module, name, paused)


def after(event: threading.Event, work, done: threading.Event):
    def job():
        assert event.wait(20), "the first side never got there"
        try:
            return work()
        finally:
            done.set()
    return job


def counted(model, *where) -> int:
    return db.session.scalar(select(func.count(model.id)).where(*where))


def test_the_sweep_passes_by_a_card_whose_purchase_is_in_flight(app, racers, buyer, monkeypatch):
    debited, swept = threading.Event(), threading.Event()
    pause_after(monkeypatch, purchase_service, "_debit", debited, swept)

    bought, revoked = run_together(racers, [
        purchase(buyer), after(debited, lambda: sweep_job.revoke_expired_cards(MIDNIGHT), swept),
    ])
    db.session.expire_all()

    assert isinstance(bought, int), bought
    assert revoked == NOTHING  # skipped the locked card: no return, no blacklist entry
    card = db.session.get(Card, buyer.card_id)
    assert (card.status, card.balance) == ("active", 500_000)
    assert counted(LedgerEntry, LedgerEntry.kind == "return") == 0 and counted(BlacklistEntry) == 0
    assert sweep_job.revoke_expired_cards(MIDNIGHT + timedelta(minutes=5)) == NOTHING  # it bought in time
    assert check_ledger().balanced


def test_a_purchase_arriving_mid_sweep_waits_and_is_refused(app, racers, buyer, monkeypatch):
    revoking, bought_or_refused = threading.Event(), threading.Event()
    pause_after(monkeypatch, sweep_job, "revoke_batch", revoking, bought_or_refused)

    revoked, bought = run_together(racers, [
        lambda: sweep_job.revoke_expired_cards(MIDNIGHT), after(revoking, purchase(buyer), bought_or_refused),
    ])
    db.session.expire_all()

    assert revoked == {"revoked": 1, "returned": 1_000_000, "blacklisted": 1}
    # Refused for what the sweep did: the holder is blacklisted, the card revoked (whichever it names first).
    assert isinstance(bought, DomainError) and re.search("daftar hitam|dicabut", str(bought.message)), repr(bought)
    card = db.session.get(Card, buyer.card_id)
    assert (card.status, card.balance, card.first_purchase_at) == ("revoked", 0, None)
    assert counted(Enrollment) == 0 and counted(LedgerEntry, LedgerEntry.kind == "purchase") == 0
    assert db.session.get(OtpChallenge, buyer.challenge_id).consumed_at is None
    assert check_ledger().balanced
