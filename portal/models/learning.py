"""Trainings bought: enrollments, the sessions of a programme, and the participant's progress."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Boolean, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db
from portal.models.catalogue import Offering
from portal.models.prakerja import Card
from portal.models.types import UTCDateTime, one_of


class EnrollmentStatus(StrEnum):
    """A bought training's way: bought, started, all sessions done, confirmed by the provider."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    AWAITING_CONFIRMATION = "awaiting_confirmation"
    COMPLETED = "completed"


class CertificateIssuer(StrEnum):
    """Who signs a certificate: the training provider, or Kemnaker. Listed in the order they are shown."""

    PROVIDER = "provider"
    KEMNAKER = "kemnaker"


class Enrollment(db.Model):
    """A training bought with a card: one per participant and offering."""

    __tablename__ = "enrollments"
    __table_args__ = (
        UniqueConstraint("user_id", "offering_id", name="uq_enrollments_user_offering"),
        CheckConstraint(one_of("status", EnrollmentStatus), name="status"),
        CheckConstraint("price_paid >= 0", name="price_not_negative"),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 100)", name="score_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"), index=True)
    offering_id: Mapped[int] = mapped_column(ForeignKey("offerings.id"), index=True)
    price_paid: Mapped[int] = mapped_column(BigInteger)
    purchased_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(25), default=EnrollmentStatus.NOT_STARTED)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # all sessions done
    # The provider's confirmation: a score and pass or fail; a pass earns the certificates.
    score: Mapped[int | None] = mapped_column(Integer)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    card: Mapped[Card] = relationship()
    offering: Mapped[Offering] = relationship()
    progress: Mapped[list[SessionProgress]] = relationship(back_populates="enrollment")


class TrainingSession(db.Model):
    """One part of a programme's material (a module), worked through in order."""

    __tablename__ = "training_sessions"
    __table_args__ = (UniqueConstraint("programme_id", "position", name="uq_training_sessions_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(160))


class SessionProgress(db.Model):
    """A session the participant marked done."""

    __tablename__ = "session_progress"
    __table_args__ = (UniqueConstraint("enrollment_id", "session_id", name="uq_session_progress_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_sessions.id"))
    done_at: Mapped[datetime] = mapped_column(UTCDateTime())

    enrollment: Mapped[Enrollment] = relationship(back_populates="progress")


class EnrollmentEvent(db.Model):
    """A change of an enrollment's status, kept so the portfolio can show its history."""

    __tablename__ = "enrollment_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(25))  # an EnrollmentStatus
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class Certificate(db.Model):
    """A certificate of a passed training: one from the provider, one from Kemnaker, each with a
    public verification code."""

    __tablename__ = "certificates"
    __table_args__ = (
        UniqueConstraint("enrollment_id", "issuer", name="uq_certificates_one_per_issuer"),
        CheckConstraint(one_of("issuer", CertificateIssuer), name="issuer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"), index=True)
    issuer: Mapped[str] = mapped_column(String(10))
    code: Mapped[str] = mapped_column(String(20), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())

    enrollment: Mapped[Enrollment] = relationship()


class Review(db.Model):
    """Ulasan: the participant's rating (1–5 stars) and words, once, after completion."""

    __tablename__ = "reviews"
    __table_args__ = (CheckConstraint("rating >= 1 AND rating <= 5", name="rating_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"), unique=True)
    offering_id: Mapped[int] = mapped_column(ForeignKey("offerings.id"), index=True)  # for averages
    rating: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
