"""Kartu Prakerja cards: numbers, issuing into a wave, deadlines."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from portal.clock import end_of_day_wib, to_wib, today_wib
from portal.extensions import db
from portal.models import BlacklistEntry, Card, CardStatus, LedgerEntry, LedgerKind, Wave
from portal.services import DomainError
from portal.services.accounts import normalise_phone
from portal.services.nik import parse_nik
from portal.services.population import record_person

TRAINING_BALANCE = 1_000_000  # Rp1.000.000 (2020–21 benefit)
DAYS_TO_BUY = 30  # Permenko 11/2020 Pasal 20 ayat 1


def luhn_check_digit(digits: str) -> str:
    """The Luhn digit that makes `digits` + it a valid number."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 0:  # doubled: every second digit from the right, once the check digit is added
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return str((10 - total % 10) % 10)


def is_valid_card_number(number: str) -> bool:
    """16 ASCII digits whose last is the Luhn check digit of the first 15."""
    return len(number) == 16 and number.isascii() and number.isdigit() and luhn_check_digit(number[:15]) == number[15]


def new_card_number() -> str:
    """A random 16-digit number with a Luhn check digit (never starting with 0)."""
    body = str(secrets.randbelow(9 * 10**14) + 10**14)
    return body + luhn_check_digit(body)


def deadline_for(accepted_on: date) -> datetime:
    """23:59:59 WIB on the 30th day after the WIB day of acceptance, in UTC: a card's and its wave's."""
    return end_of_day_wib(accepted_on + timedelta(days=DAYS_TO_BUY))


def purchase_deadline(accepted_at: datetime) -> datetime:
    """A card's deadline: `deadline_for` the WIB date of its acceptance."""
    return deadline_for(to_wib(accepted_at).date())


def days_left(card: Card, now: datetime) -> int:
    """Whole WIB calendar days from today to the deadline's day (0 on the last day)."""
    return max(0, (to_wib(card.deadline_at).date() - today_wib(now)).days)


def is_blacklisted(nik: str) -> bool:
    return db.session.scalar(select(BlacklistEntry.id).where(BlacklistEntry.nik == nik)) is not None


def issue_card(nik: str, name: str, phone: str, wave_number: int, accepted_at: datetime, now: datetime,
               mother: str | None = None) -> Card:
    """Issue a card with the training balance to a person accepted in wave `wave_number`.

    A card holder is a person the programme knows: the NIK and name must match the population
    registry's record, or, for a NIK without one, `mother` (the mother's maiden name) records it
    (`population.record_person`).

    The wave's quota is taken with a guarded UPDATE, so concurrent issuers never exceed it. The
    balance is granted from the fund as a ledger entry. Raises DomainError on a bad NIK or phone,
    a blacklisted NIK, an unknown or full wave, or a person who already holds an active card.
    """
    parse_nik(nik, today_wib(now))
    phone = normalise_phone(phone)
    name = " ".join(name.split())
    if not name:
        raise DomainError(_l("The holder's name is required."), "name")
    if is_blacklisted(nik):
        raise DomainError(_l("This NIK is blacklisted and can never join the programme again."), "nik")
    if db.session.scalar(select(Card.id).where(Card.holder_nik == nik, Card.status == CardStatus.ACTIVE)):
        raise DomainError(_l("This NIK already holds an active Kartu Prakerja."), "nik")
    wave = db.session.scalar(select(Wave).where(Wave.number == wave_number))
    if wave is None:
        raise DomainError(_l("There is no wave %(n)d.", n=wave_number), "wave")
    record_person(nik, name, mother, now)
    taken = db.session.execute(
        update(Wave).where(Wave.id == wave.id, Wave.cards_issued < Wave.quota)
        .values(cards_issued=Wave.cards_issued + 1).execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        raise DomainError(_l("Wave %(n)d has no quota left.", n=wave_number), "wave")
    card = Card(
        holder_nik=nik, holder_name=name, phone=phone, wave_id=wave.id, accepted_at=accepted_at,
        deadline_at=purchase_deadline(accepted_at), balance=TRAINING_BALANCE, status=CardStatus.ACTIVE, created_at=now,
    )
    for _ in range(5):  # a collision among 9×10^14 numbers is rare; retry rather than fail
        card.number = new_card_number()
        try:
            with db.session.begin_nested():
                db.session.add(card)
            break
        except IntegrityError:  # the savepoint's rollback has already taken the card out of the session
            if db.session.scalar(select(Card.id).where(Card.holder_nik == nik, Card.status == CardStatus.ACTIVE)):
                # Another issuer won the race for this person (the partial unique index).
                raise DomainError(_l("This NIK already holds an active Kartu Prakerja."), "nik") from None
    else:
        raise RuntimeError("could not draw a unique card number")
    db.session.add(LedgerEntry(kind=LedgerKind.GRANT, card_id=card.id, amount=TRAINING_BALANCE, created_at=now))
    db.session.flush()
    return card


def open_deadline_after(now: datetime) -> datetime:
    """Cards whose `deadline_at` is later than this are still open at `now`.

    The deadline is stored as 23:59:59 WIB; the whole of that second still counts, and the card
    closes at 00:00:00 WIB the next day.
    """
    return now - timedelta(seconds=1)


def deadline_passed(card: Card, now: datetime) -> bool:
    """True from 00:00:00 WIB on the day after the 30th day."""
    return card.deadline_at <= open_deadline_after(now)


@dataclass(frozen=True)
class HeldCard:
    """A card as its holder sees it: what is left, and the deadline or the revocation."""

    number_tail: str  # the last four digits: enough to recognise it, not to use it
    balance: int
    status: str
    deadline_at: datetime
    first_purchase_at: datetime | None
    revoked_at: datetime | None
    days_left: int | None  # only while the 30-day clock runs

    @property
    def waiting_for_first_purchase(self) -> bool:
        return self.status == CardStatus.ACTIVE and self.first_purchase_at is None


def card_status(card: Card, now: datetime) -> HeldCard:
    status = HeldCard(card.number[-4:], card.balance, card.status, card.deadline_at, card.first_purchase_at,
                        card.revoked_at, None)
    if status.waiting_for_first_purchase:
        status = replace(status, days_left=days_left(card, now))
    return status


def cards_of(user, now: datetime) -> list[HeldCard]:
    """Every card issued to the holder's NIK, newest first (a revoked one stays visible)."""
    cards = db.session.scalars(
        select(Card).where(Card.holder_nik == user.nik).order_by(Card.created_at.desc(), Card.id.desc())
    )
    return [card_status(card, now) for card in cards]
