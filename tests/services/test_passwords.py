import pytest

from portal.services import DomainError
from portal.services.passwords import check_password, hash_password, password_matches

CONTEXT = ("3273014508950003", "Siti Rahmawati", "siti.r")


@pytest.mark.parametrize(
    "password",
    [
        "tiga ekor kucing",
        "Kucing Hitam Lompat Pagar Tinggi Sekali",  # long passwords are fine
        "kata-kata biasa saja 2021",
        "x" * 60 + "yz12",  # 64 characters are accepted
        "gunung🌋berapi",  # any Unicode character counts
    ],
)
def test_accepts_long_uncommon_passwords_without_composition_rules(password):
    check_password(password, CONTEXT)


@pytest.mark.parametrize(
    "password, reason",
    [
        ("pendek7", "at least 8"),
        ("p" * 129, "at most 128"),
        ("password", "too common"),
        ("PASSWORD123", "too common"),  # the blocklist ignores case
        ("12345678", "too common"),
        ("bismillah", "too common"),
        ("aaaaaaaaaaaa", "too common"),  # repetitive
        ("abcdefghij", "too common"),  # sequential
        ("98765432", "too common"),
        ("prakerja2021!", "must not contain"),
        ("SisnakerKu99", "must not contain"),
        ("kemnaker hebat", "must not contain"),
        ("rahmawati 1995", "must not contain"),  # the account's name
        ("x3273014508950003", "must not contain"),  # the NIK
    ],
)
def test_refuses_short_common_and_context_passwords(password, reason):
    with pytest.raises(DomainError, match=reason):
        check_password(password, CONTEXT)


def test_hash_is_salted_and_verifies():
    first, second = hash_password("tiga ekor kucing"), hash_password("tiga ekor kucing")
    assert first != second and first.startswith("scrypt:")
    assert password_matches(first, "tiga ekor kucing")
    assert not password_matches(first, "tiga ekor kucinG")
