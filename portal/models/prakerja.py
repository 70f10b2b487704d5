"""Kartu Prakerja: waves, cards, the blacklist, and the ledger of every rupiah that moves."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.clock import to_wib
from portal.extensions import db
from portal.models.types import UTCDateTime, one_of


def _accepted_on_default(context) -> date:
    """A wave opened without an acceptance day was accepted on the WIB day it opened."""
    return to_wib(context.get_current_parameters()["opened_at"]).date()


class Wave(db.Model):
    """A gelombang: people accepted together, each given a card, never more than the quota."""

    __tablename__ = "waves"
    __table_args__ = (
        CheckConstraint("cards_issued >= 0 AND cards_issued <= quota", name="within_quota"),
        CheckConstraint("recycled_out >= 0 AND recycled_out <= revoked_count", name="recycled_at_most_once"),
        # Bought and revoked are disjoint (the sweep takes only cards never bought), so neither can outgrow issued.
        CheckConstraint("cards_bought >= 0 AND cards_bought + revoked_count <= cards_issued", name="bought_or_revoked"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    quota: Mapped[int] = mapped_column(Integer)
    # The wave's figures are counters, each raised in the transaction of the card change that causes it, so
    # the pages that show them never count the cards; `flask ledger check` proves them against the cards.
    cards_issued: Mapped[int] = mapped_column(Integer, default=0)  # raised by a guarded UPDATE
    cards_bought: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # first purchases
    revoked_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # freed by the sweep
    recycled_out: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # given to later waves
    recycled_in: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # taken from earlier waves
    # The WIB day its participants were accepted: the wave's deadline is 23:59:59 WIB on the 30th day after.
    accepted_on: Mapped[date] = mapped_column(Date, default=_accepted_on_default)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CardStatus(StrEnum):
    """A card is active until its holder misses the 30-day deadline; then it is revoked for good."""

    ACTIVE = "active"
    REVOKED = "revoked"


class LedgerKind(StrEnum):
    """`grant`: fund → card; `purchase`: card → provider; `return`: card → fund."""

    GRANT = "grant"
    PURCHASE = "purchase"
    RETURN = "return"


AWAITING_FIRST_PURCHASE = f"status = '{CardStatus.ACTIVE}' AND first_purchase_at IS NULL"
ONE_ACTIVE = f"status = '{CardStatus.ACTIVE}'"


class Card(db.Model):
    """A Kartu Prakerja: a 16-digit number (Luhn), its holder, a balance and a 30-day deadline."""

    __tablename__ = "cards"
    __table_args__ = (
        CheckConstraint("balance >= 0", name="balance_not_negative"),
        CheckConstraint(one_of("status", CardStatus), name="status"),
        # One active card per person: two issuers racing cannot grant the balance twice.
        Index("uq_cards_one_active_per_nik", "holder_nik", unique=True,
              sqlite_where=text(ONE_ACTIVE), postgresql_where=text(ONE_ACTIVE)),
        # The sweep's worklist, oldest deadline first. Bought and revoked cards leave it, so finding the
        # next batch costs the expired cards only, not the wave's size nor the cards already swept.
        Index("ix_cards_awaiting_first_purchase", "deadline_at", "id",
              sqlite_where=text(AWAITING_FIRST_PURCHASE), postgresql_where=text(AWAITING_FIRST_PURCHASE)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    holder_nik: Mapped[str] = mapped_column(String(16), index=True)
    holder_name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str] = mapped_column(String(16))  # E.164; OTPs go here
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id"), index=True)
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The end (23:59:59 WIB) of the 30th day after acceptance, stored in UTC.
    deadline_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    balance: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(10), default=CardStatus.ACTIVE)
    first_purchase_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoke_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    wave: Mapped[Wave] = relationship()


class BlacklistEntry(db.Model):
    """A NIK (and name) that can never join the programme again (Permenko 11/2020 Pasal 20 ayat 3)."""

    __tablename__ = "blacklist"

    id: Mapped[int] = mapped_column(primary_key=True)
    nik: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(String(200))
    card_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class LedgerEntry(db.Model):
    """One movement of money, of a LedgerKind.

    For every card: grants = balance + purchases + returns. `flask ledger check` proves it.
    """

    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(one_of("kind", LedgerKind), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # a LedgerKind
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"), index=True)
    enrollment_id: Mapped[int | None] = mapped_column(ForeignKey("enrollments.id"), unique=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class WaveRecycling(db.Model):
    """Places revoked in a source wave, given to a later wave (wave 17 came from waves 12–16)."""

    __tablename__ = "wave_recyclings"
    __table_args__ = (CheckConstraint("places > 0", name="places_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id"), index=True)
    target_wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id"), index=True)
    places: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReminderSent(db.Model):
    """An SMS reminder `days_before` the deadline, sent once per card."""

    __tablename__ = "reminders_sent"
    __table_args__ = (UniqueConstraint("card_id", "days_before", name="uq_reminders_sent_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"))
    days_before: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
