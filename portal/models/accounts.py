"""Sisnaker accounts and the participant profile."""
from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.types import UTCDateTime, one_of


class Role(StrEnum):
    """Who an account is: a participant (pencari kerja), a lembaga's staff, or the PMO."""

    JOB_SEEKER = "job_seeker"
    PROVIDER_STAFF = "provider_staff"
    ADMIN = "admin"


class User(UserMixin, db.Model):
    """A Sisnaker account. The NIK is the username; login by NIK or email."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(one_of("role", Role), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    nik: Mapped[str] = mapped_column(String(16), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    mother_maiden_name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    phone: Mapped[str] = mapped_column(String(16), unique=True)  # E.164; one account per phone
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.JOB_SEEKER)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Part of the login cookie's id: bumping it ends every session of this account.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    # Consecutive wrong passwords: past LOGIN_BACKOFF_AFTER each one makes the next try wait longer
    # (login_backoff_until); at LOGIN_MAX_FAILURES only an SMS code opens the account again.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    login_backoff_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Provider staff belong to exactly one lembaga (set when their account is made); nobody else has one.
    provider_id: Mapped[int | None] = mapped_column(ForeignKey("providers.id"), index=True)

    profile: Mapped[ParticipantProfile | None] = relationship(back_populates="user", uselist=False)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return self.activated_at is not None

    @property
    def is_participant(self) -> bool:
        return self.profile is not None

    def get_id(self) -> str:
        return f"{self.id}.{self.session_version}"


class LoginThrottle(db.Model):
    """The password back-off of a login typed that names no account, kept like an account's own,
    so an unknown NIK or email is answered exactly as a known one (portal/services/throttle.py)."""

    __tablename__ = "login_throttles"

    login_key: Mapped[str] = mapped_column(String(64), primary_key=True)  # an HMAC of the login typed
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    login_backoff_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)  # housekeeping forgets old ones


class ParticipantProfile(db.Model):
    """The short profile of "Daftar sebagai Peserta Pelatihan"; birth date and sex come from the NIK."""

    __tablename__ = "participant_profiles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    birth_date: Mapped[date] = mapped_column(Date)
    sex: Mapped[str] = mapped_column(String(1))  # "L" laki-laki / "P" perempuan, from the NIK
    education: Mapped[str] = mapped_column(String(10))
    province_code: Mapped[str] = mapped_column(String(2))
    regency: Mapped[str] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship(back_populates="profile")
