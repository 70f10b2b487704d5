"""Typed SQLAlchemy models, one module per area. Importing this registers them all."""
from portal.models.accounts import LoginThrottle, ParticipantProfile, Role, User
from portal.models.catalogue import (
    Accreditation,
    Category,
    LabelState,
    Offering,
    OfferingMode,
    Programme,
    Provider,
    ProviderKind,
)
from portal.models.jobs import AuditAction, AuditEvent, DemoClock, JobLease, JobRun, RunStatus, RunTrigger
from portal.models.learning import (
    Certificate,
    CertificateIssuer,
    Enrollment,
    EnrollmentEvent,
    EnrollmentStatus,
    Review,
    SessionProgress,
    TrainingSession,
)
from portal.models.messaging import OtpChallenge, OtpPurpose, SmsMessage
from portal.models.population import AccountClaim, PopulationRecord
from portal.models.prakerja import (
    BlacklistEntry,
    Card,
    CardStatus,
    LedgerEntry,
    LedgerKind,
    ReminderSent,
    Wave,
    WaveRecycling,
)

# The closed sets stored in columns: templates see these names too (portal/main/context.py).
ENUMS = (
    "Accreditation",
    "CardStatus",
    "CertificateIssuer",
    "EnrollmentStatus",
    "LabelState",
    "LedgerKind",
    "OfferingMode",
    "OtpPurpose",
    "ProviderKind",
    "Role",
    "RunStatus",
    "RunTrigger",
)

__all__ = [
    "Accreditation",
    "CardStatus",
    "CertificateIssuer",
    "EnrollmentStatus",
    "LabelState",
    "LedgerKind",
    "OfferingMode",
    "OtpPurpose",
    "ProviderKind",
    "Role",
    "RunStatus",
    "RunTrigger",
    "AccountClaim",
    "AuditAction",
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
    "LoginThrottle",
    "Offering",
    "OtpChallenge",
    "ParticipantProfile",
    "PopulationRecord",
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
