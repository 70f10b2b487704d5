"""One-time codes and the SMS outbox."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text
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


class SmsMessage(db.Model):
    """An SMS as the `outbox` backend keeps it; HP Simulasi reads these."""

    __tablename__ = "sms_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_phone: Mapped[str] = mapped_column(String(16), index=True)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
