"""Paying for a training with the Kartu Prakerja: the checks, the SMS code, and the purchase.

Money and seats move only through guarded UPDATEs in the caller's one transaction, so the
database decides who wins a race: a card never pays twice beyond its balance, a seat is never
sold twice, and a double submit creates nothing more.
"""
from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.formatting import rupiah
from portal.models import (
    Card,
    CardStatus,
    Enrollment,
    EnrollmentStatus,
    LedgerEntry,
    LedgerKind,
    Offering,
    OtpChallenge,
    OtpPurpose,
    Provider,
    User,
    Wave,
)
from portal.services import DomainError
from portal.services.cards import deadline_passed, is_blacklisted, is_valid_card_number, open_deadline_after
from portal.services.learning import record_status
from portal.services.otp import OtpRejected, otp_minutes, start_challenge, verify_code

_UNKNOWN_CARD = _l("No Kartu Prakerja with this number belongs to your account.")
_NOT_LABELLED = _l("This provider does not carry the Kartu Prakerja label: the card cannot pay here.")


class PriceChanged(DomainError):
    """The offering's price is no longer the amount the code was sent for: the code is void.

    Raised once the code is proven, before any money moves; its one write (the code consumed) is
    kept, so the same code can never pay the new price.
    """

    keeps_writes = True

    def __init__(self, sent: int | None, now_price: int):
        if sent is None:  # a code from before codes named their amount
            super().__init__(_l("This code was sent before codes named the amount they pay, so it is no longer "
                                "valid. Nothing was paid. Press “Kirim OTP” again for a new code."), "code")
            return
        super().__init__(_l("The price of this training changed from %(sent)s to %(now)s after the code was sent, "
                            "so that code is no longer valid. Nothing was paid. Press “Kirim OTP” again to pay "
                            "the new price.", sent=rupiah(sent), now=rupiah(now_price)), "code")


class CardRefused(DomainError):
    """A pre-check failed after the card was identified; the page can still show the card."""

    def __init__(self, message, card: Card):
        super().__init__(message, "card_number")
        self.card = card


def offering_for_registration(offering_id: int) -> Offering | None:
    """A published offering with its programme and provider, or None."""
    return db.session.scalar(
        select(Offering).options(joinedload(Offering.programme), joinedload(Offering.provider))
        .where(Offering.id == offering_id, Offering.published.is_(True))
    )


def latest_card_of(user: User) -> Card | None:
    """The account holder's newest card, revoked or not (cards are tied to the NIK)."""
    return db.session.scalar(select(Card).where(Card.holder_nik == user.nik).order_by(Card.id.desc()).limit(1))


def check_card(user: User, offering: Offering, number: str, now: datetime) -> Card:
    """Every check before an SMS is sent; returns the card or raises DomainError / CardRefused.

    An unknown card and someone else's card get the same message, so numbers cannot be probed.
    """
    if not offering.provider.prakerja_label:
        raise DomainError(_NOT_LABELLED)
    number = "".join(number.split()).replace("-", "")
    if not is_valid_card_number(number):
        raise DomainError(_l("A Kartu Prakerja number is 16 digits and its last digit did not check out. "
                             "Check the number and try again."), "card_number")
    card = db.session.scalar(select(Card).where(Card.number == number))
    if card is None or card.holder_nik != user.nik:
        raise DomainError(_UNKNOWN_CARD, "card_number")
    if is_blacklisted(user.nik):
        raise CardRefused(_l("Your NIK is on the programme's blacklist and can no longer buy trainings."), card)
    if card.status != CardStatus.ACTIVE:
        raise CardRefused(_l("This card has been revoked and can no longer be used."), card)
    if card.first_purchase_at is None and deadline_passed(card, now):  # the rule is about the first one
        raise CardRefused(_l("The 30-day deadline to buy a first training has passed for this card."), card)
    if card.balance < offering.price:
        raise CardRefused(_l("The card's balance of %(balance)s does not cover the price of %(price)s.",
                             balance=rupiah(card.balance), price=rupiah(offering.price)), card)
    if offering.seats_taken >= offering.seats:
        raise CardRefused(_l("No seats are left in this training. Choose another provider or schedule."), card)
    if _enrollment(user.id, offering.id) is not None:
        raise CardRefused(_l("You are already registered for this training."), card)
    return card


def payment_sms(offering: Offering, price: int):
    """The SMS of a payment code: the amount it pays, which is the amount it is bound to."""
    def text(code: str) -> str:
        return _("SIMULATION Prakerja: the OTP code to pay %(price)s for “%(title)s” is %(code)s. "
                 "Valid %(minutes)d minutes. Never share this code.",
                 price=rupiah(price), title=offering.programme.title, code=code, minutes=otp_minutes())
    return text


def start_payment(user: User, offering: Offering, number: str, now: datetime) -> OtpChallenge:
    """Check the card, then send a code to the card's registered phone, bound to the card, the
    offering and the amount the SMS names."""
    card = check_card(user, offering, number, now)
    return start_challenge(user, OtpPurpose.CARD_PAYMENT, card.phone, payment_sms(offering, offering.price), now,
                           subject=f"card:{card.id}:offering:{offering.id}:price:{offering.price}")


def _bound(challenge: OtpChallenge) -> dict[str, int]:
    parts = challenge.subject.split(":")  # card:<id>:offering:<id>:price:<rupiah>
    return {key: int(value) for key, value in zip(parts[::2], parts[1::2], strict=True)}


def payment_of(challenge: OtpChallenge) -> tuple[Card, Offering]:
    """The card and offering a payment code is bound to."""
    bound = _bound(challenge)
    return db.session.get(Card, bound["card"]), offering_for_registration(bound["offering"])


def bound_price(challenge: OtpChallenge) -> int | None:
    """The amount a payment code was sent for (and is the only amount it can pay). A code sent before
    codes named their amount is bound to none: it pays nothing, and the page asks for a new one."""
    return _bound(challenge).get("price")


def _enrollment(user_id: int, offering_id: int) -> Enrollment | None:
    return db.session.scalar(
        select(Enrollment).where(Enrollment.user_id == user_id, Enrollment.offering_id == offering_id)
    )


def complete_purchase(user: User, challenge: OtpChallenge, code: str, now: datetime) -> Enrollment:
    """On the right code, buy the training the code is bound to (see `buy_training`).

    A second submit of the same code (double click, second tab) returns the enrollment already
    made. A wrong code raises OtpRejected (the caller commits the failure count); a price changed
    since the code was sent raises PriceChanged (the code is spent, nothing else); any other
    refusal raises DomainError and the caller rolls everything back, the code included.
    """
    card, offering = payment_of(challenge)
    try:
        verify_code(challenge, code, now)
    except OtpRejected:
        db.session.refresh(challenge)
        done = _enrollment(user.id, offering.id) if challenge.consumed_at else None
        if done is not None:
            return done
        raise
    price = bound_price(challenge)
    if offering.price != price:
        raise PriceChanged(price, offering.price)
    return buy_training(user, card, offering, now, price)


def buy_training(user: User, card: Card, offering: Offering, now: datetime, price: int | None = None) -> Enrollment:
    """Debit the card `price` (the offering's price unless given: the amount the holder agreed to),
    take a seat, enrol, and write the ledger: all or nothing, in the caller's transaction. The seat's
    UPDATE also requires the offering to still cost `price`. Only call it once the card holder is
    proven (the SMS code, or the demo seed)."""
    price = offering.price if price is None else price
    first = _debit(card, price, user, now, offering)
    _take_seat(card, offering, price)
    enrollment = Enrollment(user_id=user.id, card_id=card.id, offering_id=offering.id, price_paid=price,
                            purchased_at=now, status=EnrollmentStatus.NOT_STARTED)
    try:
        with db.session.begin_nested():
            db.session.add(enrollment)
    except IntegrityError:
        raise CardRefused(_l("You are already registered for this training."), card) from None
    if price > 0:
        db.session.add(LedgerEntry(kind=LedgerKind.PURCHASE, card_id=card.id, enrollment_id=enrollment.id,
                                   amount=price, created_at=now))
    record_status(enrollment.id, EnrollmentStatus.NOT_STARTED, now)
    if first:  # last: every first purchase of the wave queues on its row, so hold the lock only until commit
        _count_first_purchase(card.wave_id)
    db.session.flush()
    db.session.refresh(card)
    return enrollment


def _debit(card: Card, price: int, user: User, now: datetime, offering: Offering) -> bool:
    """Take the price off the card; a first purchase also stops the 30-day clock. True when this was
    the card's first purchase (its wave counts it bought, in the same transaction)."""
    payable = (Card.id == card.id, Card.holder_nik == user.nik, Card.status == CardStatus.ACTIVE,
               Card.balance >= price)
    # Two guarded UPDATEs, one for a first purchase and one for a later one: the database, not this
    # process, says which this is. Two first purchases of one card racing: the second waits on the row
    # lock, then finds first_purchase_at set and falls through to the later-purchase UPDATE.
    first = (Card.first_purchase_at.is_(None), Card.deadline_at > open_deadline_after(now))
    later = (Card.first_purchase_at.is_not(None),)
    tries = (first, later) if card.first_purchase_at is None else (later, first)  # the likely one first
    for guard in tries:
        values = {"balance": Card.balance - price}
        if guard is first:
            values["first_purchase_at"] = now
        if db.session.execute(update(Card).where(*payable, *guard).values(**values)
                              .execution_options(synchronize_session=False)).rowcount == 1:
            return guard is first
    db.session.refresh(card)
    check_card(user, offering, card.number, now)  # names the reason
    raise CardRefused(_l("The card could not be charged. Try again."), card)


def _count_first_purchase(wave_id: int) -> None:
    """The wave's `cards_bought`, raised in the purchase's transaction (guarded by the table's CHECK)."""
    db.session.execute(update(Wave).where(Wave.id == wave_id).values(cards_bought=Wave.cards_bought + 1)
                       .execution_options(synchronize_session=False))


def _take_seat(card: Card, offering: Offering, price: int) -> None:
    labelled = select(Provider.id).where(Provider.prakerja_label.is_(True))
    seated = db.session.execute(
        update(Offering)
        .where(Offering.id == offering.id, Offering.seats_taken < Offering.seats, Offering.published.is_(True),
               Offering.provider_id.in_(labelled),
               Offering.price == price)  # a reprice racing this purchase: the holder agreed to `price`
        .values(seats_taken=Offering.seats_taken + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if seated != 1:  # name the reason: the label may have been withdrawn since the code was sent
        db.session.refresh(offering)
        db.session.refresh(offering.provider)
        if not offering.provider.prakerja_label:
            raise CardRefused(_NOT_LABELLED, card)
        if offering.price != price:  # rolled back whole, the debit too; the next try voids the code
            raise CardRefused(_l("The price of this training changed meanwhile. Nothing was paid; try again."), card)
        raise CardRefused(_l("No seats are left in this training. Choose another provider or schedule."), card)
