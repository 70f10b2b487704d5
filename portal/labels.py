"""The words on screen for every status and kind the portal stores, in one place.

English here, Indonesian in the catalogue (portal/translations). Each mapping is keyed by its enum's
members, which equal the strings in the database, so a loaded row finds its words too. Templates
reach this module as `labels` (see portal/main/context.py).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.models import (
    Accreditation,
    AuditAction,
    CardStatus,
    CertificateIssuer,
    EnrollmentStatus,
    LabelState,
    LedgerKind,
    OfferingMode,
    ProviderKind,
    Role,
    RunStatus,
    RunTrigger,
)

ROLE = {
    Role.JOB_SEEKER: _l("Job seeker"),
    Role.PROVIDER_STAFF: _l("Provider staff"),
    Role.ADMIN: _l("PMO"),
}
CARD_STATUS = {
    CardStatus.ACTIVE: _l("Active"),
    CardStatus.REVOKED: _l("Revoked"),
}
ENROLLMENT_STATUS = {
    EnrollmentStatus.NOT_STARTED: _l("Not started"),
    EnrollmentStatus.IN_PROGRESS: _l("In progress"),
    EnrollmentStatus.AWAITING_CONFIRMATION: _l("Waiting for the provider's confirmation"),
    EnrollmentStatus.COMPLETED: _l("Completed"),
}
# Who issued a certificate (portfolio and certificate pages).
CERTIFICATE_ISSUER = {
    CertificateIssuer.PROVIDER: _l("Training provider"),
    CertificateIssuer.KEMNAKER: _l("Ministry of Manpower (Kemnaker)"),
}
LEDGER_KIND = {
    LedgerKind.GRANT: _l("Grant to a card"),
    LedgerKind.PURCHASE: _l("Training purchase"),
    LedgerKind.RETURN: _l("Return to the fund"),
}
PROVIDER_KIND = {
    ProviderKind.BLK_PEMERINTAH: _l("Government BLK"),
    ProviderKind.BLK_KOMUNITAS: _l("Community BLK"),
    ProviderKind.LPK_SWASTA: _l("Private LPK"),
}
# The grades are letters in every language; only "not yet" is words.
ACCREDITATION = {
    Accreditation.A: "A",
    Accreditation.B: "B",
    Accreditation.C: "C",
    Accreditation.BELUM: _l("Not yet accredited"),
}
OFFERING_MODE = {
    OfferingMode.DARING: _l("Online"),
    OfferingMode.LURING: _l("In person"),
    OfferingMode.CAMPURAN: _l("Blended"),
}
LABEL_STATE = {
    LabelState.REQUESTED: _l("Requested"),
    LabelState.LABELLED: _l("Labelled"),
    LabelState.WITHDRAWN: _l("Withdrawn"),
    LabelState.NONE: _l("No label"),
}
RUN_STATUS = {
    RunStatus.RUNNING: _l("running"),
    RunStatus.OK: _l("done"),
    RunStatus.ERROR: _l("failed"),
    RunStatus.SKIPPED: _l("skipped"),
}
RUN_TRIGGER = {
    RunTrigger.SCHEDULED: _l("scheduled"),
    RunTrigger.MANUAL: _l("manual"),
    RunTrigger.CLI: _l("command line"),
}
# The provider's verdict on a finished training (Enrollment.passed), as its form offers it.
TRAINING_RESULT = {"passed": _l("Passed"), "failed": _l("Failed")}
AUDIT_ACTION = {
    AuditAction.CARD_ISSUE: _l("Card issued"),
    AuditAction.CARD_IMPORT: _l("Cards uploaded (CSV)"),
    AuditAction.CATEGORY_CREATE: _l("Category added"),
    AuditAction.CATEGORY_RENAME: _l("Category renamed"),
    AuditAction.PROGRAMME_CREATE: _l("Programme added"),
    AuditAction.PROGRAMME_EDIT: _l("Programme edited"),
    AuditAction.PROGRAMME_SET_SESSION_PLAN: _l("Session plan written"),
    AuditAction.LABEL_GRANT: _l("Label granted"),
    AuditAction.LABEL_WITHDRAW: _l("Label withdrawn"),
    AuditAction.OFFERING_CREATE: _l("Training offered (draft)"),
    AuditAction.OFFERING_UPDATE: _l("Training edited"),
    AuditAction.OFFERING_PUBLISH: _l("Training published"),
    AuditAction.OFFERING_UNPUBLISH: _l("Training withdrawn from the catalogue"),
    AuditAction.PROVIDER_UPDATE_PROFILE: _l("Provider profile edited"),
    AuditAction.PROVIDER_REQUEST_LABEL: _l("Kartu Prakerja label requested"),
    AuditAction.ENROLLMENT_CONFIRM_COMPLETION: _l("Completion confirmed"),
    AuditAction.JOB_RUN: _l("Job run by hand"),
    AuditAction.WAVE_RECYCLE: _l("Wave opened from revoked quota"),
    AuditAction.DEMO_CLOCK_MOVE: _l("Demo clock moved"),
    AuditAction.ACCOUNT_CLAIM_START: _l("NIK claim: code sent to the card's phone"),
    AuditAction.ACCOUNT_CLAIM: _l("NIK claimed by the card holder (account moved, sessions ended)"),
}
# The audit log's detail keys, as the PMO reads them (portal/admin/audit_facts.py shows the values).
AUDIT_DETAIL = {
    "accepted_at": _l("Accepted"),
    "accepted_on": _l("Acceptance day"),
    "after": _l("After"),
    "before": _l("Before"),
    "card": _l("Card"),
    "category_id": _l("Category"),
    "code_to": _l("Code sent to"),
    "certificates": _l("Certificates"),
    "changed": _l("Changes"),
    "city": _l("City"),
    "control": _l("Control"),
    "email_changed": _l("Email changed"),
    "end_date": _l("End date"),
    "filename": _l("File"),
    "hours": _l("Hours"),
    "job": _l("Job"),
    "issued": _l("Lines issued"),
    "issued_count": _l("Cards issued"),
    "mode": _l("Mode"),
    "name": _l("Name"),
    "nik": "NIK",
    "offering_id": _l("Offering"),
    "passed": _l("Passed"),
    "phone_changed": _l("Mobile number changed"),
    "price": _l("Price"),
    "programme_id": _l("Programme"),
    "provider": _l("Provider"),
    "quota": _l("Quota"),
    "province_code": _l("Province"),
    "rejected": _l("Lines refused"),
    "rejected_count": _l("Rows rejected"),
    "requested_at": _l("Requested"),
    "score": _l("Score"),
    "seats": _l("Seats"),
    "sessions": _l("Sessions"),
    "sessions_ended": _l("Sessions ended"),
    "sources": _l("From waves"),
    "slug": _l("Address name"),
    "start_date": _l("Start date"),
    "status": _l("Outcome"),
    "title": _l("Title"),
    "wave": _l("Wave"),
}
# The demo clock's controls, in the order of its buttons (the wave's deadline day has its own form).
DEMO_CLOCK_CONTROL = {
    "midnight": _l("To the next midnight (00.00 WIB)"),
    "1d": _l("+1 day"),
    "7d": _l("+7 days"),
    "deadline": _l("Just past the next deadline"),
    "start": _l("Back to the scenario's start"),
    "reset": _l("Back to real time"),
}
WAVE_DEADLINE_CONTROL = _l("23.59.30 WIB on wave %(n)d's deadline day")
