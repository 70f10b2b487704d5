"""Every status and kind the portal stores has its words on screen, in English and in Indonesian."""
import pytest
from flask_babel import force_locale

from portal import labels, models
from portal.models import (
    Accreditation,
    CardStatus,
    CertificateIssuer,
    EnrollmentStatus,
    LabelState,
    LedgerKind,
    OfferingMode,
    OtpPurpose,
    ProviderKind,
    Role,
    RunStatus,
    RunTrigger,
    SmsStatus,
)

WORDS = {
    Accreditation: labels.ACCREDITATION,
    CardStatus: labels.CARD_STATUS,
    CertificateIssuer: labels.CERTIFICATE_ISSUER,
    EnrollmentStatus: labels.ENROLLMENT_STATUS,
    LabelState: labels.LABEL_STATE,
    LedgerKind: labels.LEDGER_KIND,
    OfferingMode: labels.OFFERING_MODE,
    ProviderKind: labels.PROVIDER_KIND,
    Role: labels.ROLE,
    RunStatus: labels.RUN_STATUS,
    RunTrigger: labels.RUN_TRIGGER,
}
# A code's purpose is the page it is typed on, never a word on screen; an SMS's place in the
# relay's queue is for the relay and the logs only.
NEVER_SHOWN = {OtpPurpose, SmsStatus}
SAME_IN_BOTH = {"A", "B", "C", "manual"}  # grades are letters; "manual" is Indonesian too


def test_every_stored_enum_is_either_worded_or_declared_never_shown():
    enums = {getattr(models, name) for name in models.ENUMS}
    assert enums == set(WORDS) | NEVER_SHOWN


@pytest.mark.parametrize("enum", sorted(WORDS, key=lambda e: e.__name__), ids=lambda e: e.__name__)
def test_each_member_has_words_in_english_and_indonesian(app, enum):
    words = WORDS[enum]
    assert set(words) == set(enum), f"{enum.__name__}: no words for {set(enum) - set(words)}"
    with app.test_request_context():
        for member in enum:
            with force_locale("en"):
                english = str(words[member])
            with force_locale("id"):
                indonesian = str(words[member])
            assert english and indonesian, member
            assert english == indonesian if english in SAME_IN_BOTH else english != indonesian, (member, indonesian)


def test_a_loaded_value_finds_its_words_like_the_member(app):
    # Rows come back as plain strings: the lookups in the templates must work with them too.
    with app.test_request_context(), force_locale("id"):
        assert str(labels.ENROLLMENT_STATUS["awaiting_confirmation"]) == "Menunggu konfirmasi lembaga"
        assert str(labels.CARD_STATUS["revoked"]) == "Dicabut"
