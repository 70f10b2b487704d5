"""The sweep: exact at the WIB minute, safe to run twice or in parallel, the ledger balanced."""
import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal.clock import WIB
from portal.extensions import db
from portal.jobs.sweep import revoke_expired_cards
from portal.models import BlacklistEntry, Card, LedgerEntry, User, Wave
from portal.services import DomainError
from portal.services.audit import Actor
from portal.services.cards import issue_card
from portal.services.ledger import check_ledger
from portal.services.waves import open_wave_from_recycled, wave_figures
from tests.factories import MOTHER, create_card, create_user, create_wave, mark_bought

ACCEPTED = datetime(2021, 3, 9, 10, 0, tzinfo=WIB)  # wave 13: deadline Thursday 8 April 2021 23:59:59 WIB
LAST_SECOND = datetime(2021, 4, 8, 23, 59, 59, tzinfo=WIB)
NEXT_DAY = datetime(2021, 4, 9, 0, 0, 0, tzinfo=WIB)
PMO_NIK = "3171011203850004"


def cards(n: int, wave: int = 13, accepted: datetime = ACCEPTED) -> list[Card]:
    if db.session.scalar(select(Wave.id).where(Wave.number == wave)) is None:
        create_wave(number=wave)
    made = [issue_card(f"31710212070{i:05d}", f"Peserta {i}", f"+6281200{i:06d}", wave, accepted, accepted,
                       mother=MOTHER)
            for i in range(1, n + 1)]
    db.session.commit()
    return made


def pmo() -> Actor:
    """The PMO admin who recycles (created the first time)."""
    user = db.session.scalar(select(User).where(User.nik == PMO_NIK)) or create_user(
        nik=PMO_NIK, email="pmo@contoh.id", phone="+6281299990001", role="admin")
    return Actor(user)


def statuses():
    return dict(db.session.execute(select(Card.id, Card.status)).all())


def test_last_second_of_day_30_is_still_open_and_midnight_revokes(app):
    [card] = cards(1)
    assert revoke_expired_cards(LAST_SECOND)["revoked"] == 0
    assert revoke_expired_cards(LAST_SECOND + timedelta(microseconds=999_999))["revoked"] == 0
    result = revoke_expired_cards(NEXT_DAY)
    assert result == {"revoked": 1, "returned": 1_000_000, "blacklisted": 1}
    db.session.refresh(card)
    assert (card.status, card.balance, card.revoked_at) == ("revoked", 0, NEXT_DAY)


def test_a_card_that_bought_at_235958_is_never_revoked(app):
    [card] = cards(1)
    mark_bought(card, LAST_SECOND - timedelta(seconds=1))
    db.session.commit()
    for later in (NEXT_DAY, NEXT_DAY + timedelta(days=400)):
        assert revoke_expired_cards(later)["revoked"] == 0
    assert db.session.get(Card, card.id).status == "active"


def test_revocation_returns_the_balance_and_blacklists_the_holder(app):
    [card] = cards(1)
    card.balance = 350_000  # part of it was spent elsewhere before (a later issue's refunds aside)
    db.session.add(LedgerEntry(kind="purchase", card_id=card.id, amount=650_000, created_at=ACCEPTED))
    db.session.commit()
    revoke_expired_cards(NEXT_DAY)
    back = db.session.scalar(select(LedgerEntry).where(LedgerEntry.kind == "return"))
    assert (back.card_id, back.amount) == (card.id, 350_000)
    entry = db.session.scalar(select(BlacklistEntry))
    assert (entry.nik, entry.name, entry.card_id) == (card.holder_nik, card.holder_name, card.id)
    assert check_ledger().balanced


def test_two_sweeps_revoke_once_and_return_once(app):
    cards(5)
    first, second = revoke_expired_cards(NEXT_DAY), revoke_expired_cards(NEXT_DAY + timedelta(minutes=5))
    assert first["revoked"] == 5 and second == {"revoked": 0, "returned": 0, "blacklisted": 0}
    assert db.session.scalar(select(func.count()).where(LedgerEntry.kind == "return")) == 5
    assert db.session.scalar(select(Wave.revoked_count)) == 5
    assert check_ledger().balanced


def test_batches_cover_every_card(app):
    cards(7)
    assert revoke_expired_cards(NEXT_DAY, batch_size=2)["revoked"] == 7
    assert set(statuses().values()) == {"revoked"}


def test_only_expired_cards_of_the_right_waves_go(app):
    old = cards(2)
    create_wave(number=14)
    fresh = issue_card("3171021207000099", "Baru", "+6281299999999", 14, NEXT_DAY - timedelta(days=5), NEXT_DAY,
                       mother=MOTHER)
    db.session.commit()
    assert revoke_expired_cards(NEXT_DAY)["revoked"] == 2
    assert statuses() == {old[0].id: "revoked", old[1].id: "revoked", fresh.id: "active"}


def test_two_sweeps_in_parallel_threads_revoke_each_card_once(app):
    cards(40)
    results, barrier = [], threading.Barrier(2)

    def sweep():
        with app.app_context():
            barrier.wait()
            try:
                results.append(revoke_expired_cards(NEXT_DAY, batch_size=5))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sum(r["revoked"] for r in results) == 40 and len(results) == 2
    assert sum(r["returned"] for r in results) == 40 * 1_000_000
    assert db.session.scalar(select(func.count()).where(LedgerEntry.kind == "return")) == 40
    assert db.session.scalar(select(func.count(BlacklistEntry.id))) == 40
    assert db.session.scalar(select(Wave.revoked_count)) == 40 and check_ledger().balanced


def test_the_blacklist_refuses_a_new_card(app):
    [card] = cards(1)
    revoke_expired_cards(NEXT_DAY)
    create_wave(number=17)
    with pytest.raises(DomainError, match="daftar hitam"):
        issue_card(card.holder_nik, card.holder_name, card.phone, 17, NEXT_DAY, NEXT_DAY, mother=MOTHER)


def test_recycled_places_open_a_new_wave_once(app):
    cards(3, wave=12)
    cards_13 = [issue_card(f"31710212071{i:05d}", f"P{i}", f"+6281201{i:06d}", 13, ACCEPTED, ACCEPTED, mother=MOTHER)
                for i in range(1, 3)] if db.session.scalar(select(Wave.id).where(Wave.number == 13)) else None
    create_wave(number=13)
    for i in range(1, 3):
        issue_card(f"31710212071{i:05d}", f"P{i}", f"+6281201{i:06d}", 13, ACCEPTED, ACCEPTED, mother=MOTHER)
    db.session.commit()
    assert cards_13 is None
    revoke_expired_cards(NEXT_DAY)
    figures = {f.number: f for f in wave_figures()}
    assert (figures[12].revoked, figures[12].recyclable, figures[13].recyclable) == (3, 3, 2)

    wave = open_wave_from_recycled(pmo(), 17, {12: 3, 13: 1}, NEXT_DAY)
    db.session.commit()
    assert wave.quota == 4
    figures = {f.number: f for f in wave_figures()}
    assert (figures[12].recyclable, figures[13].recyclable, figures[17].recycled_in) == (0, 1, 4)
    with pytest.raises(DomainError, match="does not have|tidak memiliki"):
        open_wave_from_recycled(pmo(), 18, {12: 1}, NEXT_DAY)
    db.session.rollback()
    assert db.session.scalar(select(Wave.id).where(Wave.number == 18)) is None
    assert check_ledger().balanced


def test_ledger_check_catches_a_miscounted_wave(app):
    cards(1)
    revoke_expired_cards(NEXT_DAY)
    db.session.execute(Wave.__table__.update().values(revoked_count=0, recycled_out=0))
    db.session.commit()
    problems = check_ledger().problems
    assert any("wave 13" in p and "revoked 0 (counted 1)" in p for p in problems)


def test_factory_cards_are_swept_like_any_other(app):
    card = create_card(accepted_at=ACCEPTED)
    revoke_expired_cards(NEXT_DAY)
    assert db.session.get(Card, card.id).status == "revoked"
