import pytest

from portal.services import DomainError
from portal.services.accounts import normalise_email, normalise_phone
from portal.services.sms import mask_phone


@pytest.mark.parametrize(
    "raw", ["081234567890", "6281234567890", "+62 812 3456 7890", "+62-812-3456-7890", " 0812 3456 7890 "]
)
def test_one_mobile_number_in_every_usual_form(raw):
    assert normalise_phone(raw) == "+6281234567890"


@pytest.mark.parametrize(
    "raw, reason",
    [
        ("0221234567", "not a mobile"),  # a Bandung landline
        ("+6591234567", "Indonesian"),  # Singapore mobile
        ("+1 650 253 0000", "Indonesian"),
        ("0812", "Indonesian"),
        ("nomor saya", "valid mobile"),
    ],
)
def test_refuses_landlines_foreign_and_malformed_numbers(raw, reason):
    with pytest.raises(DomainError, match=reason) as refused:
        normalise_phone(raw)
    assert refused.value.field == "phone"


def test_email_is_validated_and_lower_cased(app):
    assert normalise_email("  Siti.Rahma@Contoh.ID ") == "siti.rahma@contoh.id"
    for bad in ("siti", "siti@", "@contoh.id", "siti rahma@contoh.id"):
        with pytest.raises(DomainError):
            normalise_email(bad)


def test_masked_phone_shows_only_the_ends():
    assert mask_phone("+6281234567890") == "+62 812-****-7890"
