"""The words on screen for every status and kind the portal stores, in one place.

English here, Indonesian in the catalogue (portal/translations). Each mapping is keyed by its enum's
members, which equal the strings in the database, so a loaded row finds its words too. Templates
reach this module as `labels` (see portal/main/context.py).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.models import (
    Accreditation,
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
    "label.grant": _l("Label granted"),
    "label.withdraw": _l("Label withdrawn"),
    "category.create": _l("Category added"),
    "category.rename": _l("Category renamed"),
    "programme.create": _l("Programme added"),
    "programme.edit": _l("Programme edited"),
    "card.issue": _l("Card issued"),
    "card.import": _l("Cards uploaded (CSV)"),
    "account.claim_start": _l("NIK claim: code sent to the card's phone"),
    "account.claim": _l("NIK claimed by the card holder (account moved, sessions ended)"),
}
