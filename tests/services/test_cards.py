"""Card numbers, the 30-day deadline in WIB, wave quota, the blacklist, the grant in the ledger."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.clock import WIB
from portal.extensions import db
from portal.models import BlacklistEntry, LedgerEntry, Wave
from portal.services import DomainError
from portal.services.cards import (
    days_left,
    deadline_passed,
    is_valid_card_number,
    issue_card,
    luhn_check_digit,
    new_card_number,
    purchase_deadline,
)
from tests.factories import MOTHER, NIK, PHONE, create_wave

NOW = datetime(2021, 3, 10, 3, 0, tzinfo=UTC)


def test_luhn_matches_known_numbers():
    assert luhn_check_digit("7992739871") == "3"  # the textbook example
    assert is_valid_card_number("4539578763621486")
    assert not is_valid_card_number("4539578763621487")
    assert not is_valid_card_number("453957876362148")
    assert not is_valid_card_number("45395787636214８6")


def test_new_numbers_are_valid_and_random():
    numbers = {new_card_number() for _ in range(200)}
    assert len(numbers) == 200 and all(is_valid_card_number(n) and n[0] != "0" for n in numbers)


def test_wave_13_deadline_is_thursday_8_april_2021_2359_wib():
    accepted = datetime(2021, 3, 9, 20, 0, tzinfo=WIB)
    assert purchase_deadline(accepted) == datetime(2021, 4, 8, 23, 59, 59, tzinfo=WIB)


def test_acceptance_late_in_the_wib_evening_counts_on_the_wib_date():
    accepted_utc = datetime(2021, 3, 9, 17, 30, tzinfo=UTC)  # 10 March 00:30 WIB
    assert purchase_deadline(accepted_utc) == datetime(2021, 4, 9, 23, 59, 59, tzinfo=WIB)


def test_deadline_edge(app):
    create_wave()
    card = issue_card(NIK, "Siti", PHONE, 13, datetime(2021, 3, 9, 10, 0, tzinfo=WIB), NOW, mother=MOTHER)
    last_second = datetime(2021, 4, 8, 23, 59, 59, 999999, tzinfo=WIB)
    assert not deadline_passed(card, last_second)
    assert deadline_passed(card, datetime(2021, 4, 9, 0, 0, 0, tzinfo=WIB))
    assert days_left(card, datetime(2021, 3, 10, 8, 0, tzinfo=WIB)) == 29
    assert days_left(card, datetime(2021, 4, 8, 8, 0, tzinfo=WIB)) == 0


def test_issue_card_grants_the_balance_through_the_ledger(app):
    create_wave()
    card = issue_card(NIK, " Siti   Rahmawati ", "0812-3456-7890", 13, NOW, NOW, mother=MOTHER)
    assert card.balance == 1_000_000 and card.status == "active" and card.holder_name == "Siti Rahmawati"
    assert card.phone == PHONE and is_valid_card_number(card.number)
    grant = db.session.scalar(select(LedgerEntry))
    assert (grant.kind, grant.card_id, grant.amount) == ("grant", card.id, 1_000_000)


def test_wave_quota_is_never_exceeded(app):
    create_wave(number=14, quota=2)
    issue_card("3171021207000001", "A", "081200000001", 14, NOW, NOW, mother=MOTHER)
    issue_card("3171021207000002", "B", "081200000002", 14, NOW, NOW, mother=MOTHER)
    with pytest.raises(DomainError, match="tidak memiliki sisa kuota"):
        issue_card("3171021207000003", "C", "081200000003", 14, NOW, NOW, mother=MOTHER)
    assert db.session.scalar(select(Wave.cards_issued).where(Wave.number == 14)) == 2


@pytest.mark.parametrize("nik, phone, wave, message", [
    ("12345", PHONE, 13, "16 angka"),
    (NIK, "0221234567", 13, "bukan nomor HP"),
    (NIK, PHONE, 99, "Tidak ada gelombang 99"),
])
def test_issue_card_refuses_bad_input(app, nik, phone, wave, message):
    create_wave()
    with pytest.raises(DomainError, match=message):
        issue_card(nik, "Siti", phone, wave, NOW, NOW, mother=MOTHER)


def test_blacklisted_nik_gets_no_card(app):
    create_wave()
    db.session.add(BlacklistEntry(nik=NIK, name="Siti", reason="test", created_at=NOW))
    with pytest.raises(DomainError, match="daftar hitam"):
        issue_card(NIK, "Siti", PHONE, 13, NOW, NOW, mother=MOTHER)


def test_one_active_card_per_person(app):
    create_wave()
    issue_card(NIK, "Siti", PHONE, 13, NOW, NOW, mother=MOTHER)
    with pytest.raises(DomainError, match="sudah memiliki Kartu Prakerja aktif"):
        issue_card(NIK, "Siti", PHONE, 13, NOW + timedelta(days=1), NOW, mother=MOTHER)
