"""Typed SQLAlchemy models, one module per area. Importing this registers them all."""
from portal.models.accounts import ParticipantProfile, User
from portal.models.catalogue import Category, Offering, Programme, Provider
from portal.models.jobs import AuditEvent, DemoClock, JobLease, JobRun
from portal.models.learning import (
    Certificate,
    Enrollment,
    EnrollmentEvent,
    Review,
    SessionProgress,
    TrainingSession,
)
from portal.models.messaging import OtpChallenge, SmsMessage
from portal.models.prakerja import BlacklistEntry, Card, LedgerEntry, ReminderSent, Wave, WaveRecycling

__all__ = [
    "AuditEvent",
    "Certificate",
    "EnrollmentEvent",
    "Review",
    "BlacklistEntry",
    "Card",
    "Category",
    "DemoClock",
    "Enrollment",
    "JobLease",
    "JobRun",
    "LedgerEntry",
    "Offering",
    "OtpChallenge",
    "ParticipantProfile",
    "Programme",
    "Provider",
    "ReminderSent",
    "SessionProgress",
    "SmsMessage",
    "TrainingSession",
    "User",
    "Wave",
    "WaveRecycling",
]
