"""The simulated population registry (Dukcapil): who a NIK belongs to."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.types import UTCDateTime


class PopulationRecord(db.Model):
    """A person as Dukcapil knows them: NIK, full name and mother's maiden name.

    Only the simulated registry reads this table; a production deployment asks the real service.
    """

    __tablename__ = "population_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    nik: Mapped[str] = mapped_column(String(16), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    mother_maiden_name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AccountClaim(db.Model):
    """A card holder's claim on the account that another person opened on their NIK.

    Made when Buat Akun finds the identity right but the NIK taken; it holds what the holder typed
    (email, phone, a password hash) until a code sent to the card's registered phone proves them.
    """

    __tablename__ = "account_claims"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"))
    card_phone: Mapped[str] = mapped_column(String(16))  # E.164, the programme's; the code goes here
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    challenge_id: Mapped[int | None] = mapped_column(ForeignKey("otp_challenges.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
