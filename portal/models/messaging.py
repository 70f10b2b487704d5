"""One-time codes and the SMS outbox."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.types import UTCDateTime


class OtpPurpose(StrEnum):
    """What a code proves: an account's phone, a password reset, a login, a card payment, or a NIK claim."""

    ACTIVATION = "activation"
    PASSWORD_RESET = "password_reset"
    LOGIN = "login"  # Masuk dengan kode SMS
    CARD_PAYMENT = "card_payment"
    ACCOUNT_CLAIM = "account_claim"  # the card holder proves the card's phone to take back their NIK


class OtpChallenge(db.Model):
    """A code sent by SMS to prove a phone, for one purpose and one subject.

    Only a keyed hash of the current code is kept. The challenge is dead once consumed, expired,
    or after too many wrong codes; a resend replaces the code but never the failure count.
    """

    __tablename__ = "otp_challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(30))  # an OtpPurpose
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(100), default="")  # what the code is bound to
    phone: Mapped[str] = mapped_column(String(16))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    send_count: Mapped[int] = mapped_column(Integer, default=1)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    consumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SmsStatus(StrEnum):
    """Where a message is on its way out (portal/services/sms.py): the relay's queue."""

    QUEUED = "queued"  # waiting for the relay, first time or after a failed attempt
    SENDING = "sending"  # claimed by a relay until next_attempt_at (its lease)
    SENT = "sent"
    FAILED = "failed"  # given up after the bounded attempts, or refused outright


class SmsMessage(db.Model):
    """The SMS outbox: every message is written here by the request, and sent by the relay.

    With the `outbox` backend this table is the phone (HP Simulasi reads it) and a message is
    `sent` when written. Through a gateway, the text is erased once sent or given up: it carries
    a code.
    """

    __tablename__ = "sms_messages"
    __table_args__ = (Index("ix_sms_messages_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to_phone: Mapped[str] = mapped_column(String(16), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(10), default=SmsStatus.QUEUED)  # an SmsStatus
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # wall-clock UTC
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(100))  # "HTTP 503", "ConnectTimeout": never the text
