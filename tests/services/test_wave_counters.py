"""A wave's figures are counters on the waves table, moved in the same transaction as the cards that
cause them: issuance, the first purchase (not a later one), the sweep, recycling. `ledger check`
proves each one against the cards and names the one that is off."""
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from portal.clock import WIB
from portal.extensions import db
from portal.jobs.sweep import revoke_expired_cards
from portal.models import Card, Wave
from portal.services import DomainError
from portal.services.audit import Actor
from portal.services.cards import issue_card
from portal.services.ledger import check_ledger
from portal.services.purchases import buy_training
from portal.services.waves import open_wave, open_wave_from_recycled, wave_figures
from tests.factories import MOTHER, create_offering, create_participant, create_user, create_wave

ACCEPTED = datetime(2021, 3, 9, 10, 0, tzinfo=WIB)  # wave 13: deadline Thursday 8 April 2021 23:59:59 WIB
MIDNIGHT = datetime(2021, 4, 9, 0, 0, tzinfo=WIB)


def counters(number: int = 13) -> dict[str, int]:
    wave = db.session.scalar(select(Wave).where(Wave.number == number).execution_options(populate_existing=True))
    return dict(issued=wave.cards_issued, bought=wave.cards_bought, revoked=wave.revoked_count,
                recycled_out=wave.recycled_out, recycled_in=wave.recycled_in)


def figures(number: int = 13):
    return {f.number: f for f in wave_figures()}[number]


def issue(i: int, wave: int = 13) -> Card:
    return issue_card(f"31710212070{i:05d}", f"Peserta {i}", f"+6281200{i:06d}", wave, ACCEPTED, ACCEPTED,
                      mother=MOTHER)


def buyer(i: int):
    """A participant holding card i of wave 13."""
    user = create_participant(nik=f"31710212070{i:05d}", email=f"p{i}@contoh.id", phone=f"+6281200{i:06d}")
    return user, issue(i)


def test_issuance_counts_each_card(app):
    create_wave(13, quota=5)
    for i in (1, 2, 3):
        issue(i)
    db.session.commit()
    assert counters() == dict(issued=3, bought=0, revoked=0, recycled_out=0, recycled_in=0)
    assert figures().not_yet_bought == 3
    assert check_ledger().balanced


def test_only_the_first_purchase_of_a_card_counts_as_bought(app):
    create_wave(13)
    user, card = buyer(1)
    first, second = create_offering(price=400_000), create_offering(price=300_000)
    buy_training(user, card, first, ACCEPTED + timedelta(days=2))
    db.session.commit()
    assert counters()["bought"] == 1 and figures().not_yet_bought == 0
    buy_training(user, card, second, ACCEPTED + timedelta(days=40))  # after day 30: allowed, not counted again
    db.session.commit()
    assert counters()["bought"] == 1 and card.first_purchase_at == ACCEPTED + timedelta(days=2)
    assert card.balance == 300_000 and check_ledger().balanced


def test_a_refused_purchase_counts_nothing(app):
    create_wave(13)
    user, card = buyer(1)
    offering = create_offering(price=400_000)
    with pytest.raises(DomainError):
        buy_training(user, card, offering, MIDNIGHT)  # past the deadline
    db.session.rollback()
    assert counters()["bought"] == 0 and db.session.get(Card, card.id).first_purchase_at is None


def test_the_sweep_counts_revoked_and_not_yet_bought_is_what_is_left(app):
    create_wave(13)
    user, card = buyer(1)
    for i in (2, 3, 4):
        issue(i)
    buy_training(user, card, create_offering(price=400_000), ACCEPTED + timedelta(days=29))
    db.session.commit()
    assert (figures().bought, figures().not_yet_bought, figures().revoked) == (1, 3, 0)
    assert revoke_expired_cards(MIDNIGHT)["revoked"] == 3
    assert counters() == dict(issued=4, bought=1, revoked=3, recycled_out=0, recycled_in=0)
    # A revoked card never bought: bought and revoked are disjoint, so issued = bought + revoked + waiting.
    assert figures().not_yet_bought == 0
    assert check_ledger().balanced


def test_recycling_moves_the_source_and_target_counters(app):
    create_wave(12, accepted_on=date(2021, 3, 2))
    create_wave(13)
    for i in (1, 2):
        issue(i, wave=12)
    for i in (3, 4, 5):
        issue(i)
    db.session.commit()
    revoke_expired_cards(MIDNIGHT)
    actor = Actor(create_user(role="admin", nik="3171011203850004", email="pmo@contoh.id", phone="+6281299990001"))
    open_wave_from_recycled(actor, 17, {12: 2, 13: 3}, MIDNIGHT, date(2021, 4, 10))
    db.session.commit()
    assert (counters(12)["recycled_out"], counters(13)["recycled_out"]) == (2, 3)
    assert counters(17) == dict(issued=0, bought=0, revoked=0, recycled_out=0, recycled_in=5)
    assert check_ledger().balanced


@pytest.mark.parametrize("counter, name", [
    ("cards_issued", "cards issued"), ("cards_bought", "bought"), ("revoked_count", "revoked"),
    ("recycled_out", "recycled out"), ("recycled_in", "recycled in"),
])
def test_ledger_check_names_the_counter_that_is_off(app, counter, name):
    create_wave(12, accepted_on=date(2021, 3, 2))
    create_wave(13)
    user, card = buyer(1)
    issue(2, wave=12)
    buy_training(user, card, create_offering(price=400_000), ACCEPTED)
    db.session.commit()
    revoke_expired_cards(MIDNIGHT)
    actor = Actor(create_user(role="admin", nik="3171011203850004", email="pmo@contoh.id", phone="+6281299990001"))
    open_wave_from_recycled(actor, 17, {12: 1}, MIDNIGHT)
    db.session.commit()
    assert check_ledger().balanced
    number = {"cards_bought": 13, "recycled_in": 17}.get(counter, 12)
    kept = getattr(db.session.scalar(select(Wave).where(Wave.number == number)), counter)
    changed = kept + 1 if counter == "cards_issued" else kept - 1
    values = {counter: changed}
    if counter == "revoked_count":  # recycled_out <= revoked_count (a CHECK): that one must give way too
        values["recycled_out"] = 0
    db.session.execute(update(Wave).where(Wave.number == number).values(values))
    db.session.commit()
    problems = check_ledger().problems
    assert f"wave {number}: {name} {changed} (counted {kept})" in problems, problems


def test_a_wave_knows_its_acceptance_day_and_deadline(app):
    wave = open_wave(13, 100, datetime(2021, 3, 12, 9, 0, tzinfo=WIB), date(2021, 3, 9))
    db.session.commit()
    assert wave.accepted_on == date(2021, 3, 9)
    assert figures().deadline_at == datetime(2021, 4, 8, 23, 59, 59, tzinfo=WIB)
    late = open_wave(14, 100, datetime(2021, 3, 16, 23, 30, tzinfo=WIB))  # 16:30 UTC: still the 16th in WIB
    assert late.accepted_on == date(2021, 3, 16)


def test_a_cards_deadline_is_still_its_own_acceptance_time(app):
    create_wave(13, accepted_on=date(2021, 3, 9))
    card = issue_card("3171021207000001", "Peserta", "+6281200000001", 13, ACCEPTED + timedelta(days=3), ACCEPTED,
                      mother=MOTHER)
    assert card.deadline_at == datetime(2021, 4, 11, 23, 59, 59, tzinfo=WIB)
    assert figures().deadline_at == datetime(2021, 4, 8, 23, 59, 59, tzinfo=WIB)
