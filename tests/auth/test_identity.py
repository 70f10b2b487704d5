"""Buat Akun asks the population registry (Dukcapil) first: NIK, full name and mother's maiden name.

A stranger who knows a NIK but not the person behind it gets one message, whichever of the three
is wrong and whether or not the NIK exists or already has an account, and nothing is stored.
"""
import re

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AccountClaim, OtpChallenge, User
from portal.services.population import SimulatedRegistry, name_key, registry
from tests.auth.test_register import register
from tests.factories import NIK, create_person, create_user

MISMATCH = "NIK, nama lengkap, dan nama ibu kandung tidak sesuai dengan data kependudukan (Dukcapil)"


def alerts(page) -> list[str]:
    return re.findall(r'role="alert">([^<]*)<', page.get_data(as_text=True))


def stored() -> tuple[int, int, int]:
    return tuple(db.session.scalar(select(func.count()).select_from(model))
                 for model in (User, OtpChallenge, AccountClaim))


@pytest.mark.parametrize("changes", [
    {"NIK": "3171021207000001"},  # a valid NIK the registry does not know
    {"Nama Lengkap": "Siti Rahma"},
    {"Nama Ibu Kandung": "Sri Wahyu"},
    {"Nama Lengkap": "Budi Santoso", "Nama Ibu Kandung": "Ani"},
])
def test_an_identity_the_registry_does_not_confirm_gets_one_message_and_nothing_is_stored(
        client, sms, siti_is_known, changes):
    page = register(client, **changes)
    assert page.status_code == 200 and page.request.path == "/buat-akun"
    assert alerts(page) == [MISMATCH + ". Periksa kembali sesuai KTP dan Kartu Keluarga Anda."]
    assert stored() == (0, 0, 0) and sms.sent == []


def test_an_unknown_nik_and_a_wrong_mother_read_the_same(client, sms, siti_is_known):
    unknown = register(client, NIK="3171021207000001").get_data(as_text=True)
    wrong_mother = register(client, **{"Nama Ibu Kandung": "Sri Wahyu"}).get_data(as_text=True)

    def message(html):
        return re.search(r'role="alert">([^<]*)<', html).group(1)

    assert message(unknown) == message(wrong_mother)


def test_a_taken_nik_is_not_told_to_someone_who_does_not_know_the_person(client, sms, siti_is_known):
    create_user(nik=NIK, email="penyerobot@contoh.id", phone="+6281311111111")
    html = register(client, **{"Nama Ibu Kandung": "Tebakan"}).get_data(as_text=True)
    assert MISMATCH in html and "sudah memiliki akun" not in html
    assert stored() == (1, 0, 0) and sms.sent == []


def test_names_compare_without_case_spacing_or_punctuation(client, sms):
    create_person(NIK, "NUR'AINI  PUTRI", "Sri Wahyuni")
    page = register(client, **{"Nama Lengkap": "Nur aini putri.", "Nama Ibu Kandung": " SRI wahyuni "})
    assert page.request.path == "/aktivasi"
    assert db.session.scalar(select(User.full_name)) == "Nur aini putri."  # stored as typed, spacing tidied


@pytest.mark.parametrize("typed, recorded, same", [
    ("Siti  Rahmawati", "SITI RAHMAWATI", True),
    ("Nur'aini", "Nuraini", True),
    ("Nur Aini", "NURAINI", True),
    ("Muh. Ali", "Muhammad Ali", False),
    ("Siti", "Siti Rahmawati", False),
    ("", "", True),
])
def test_name_key(typed, recorded, same):
    assert (name_key(typed) == name_key(recorded)) is same


def test_the_simulated_registry_needs_all_three(app):
    create_person(NIK, "Siti Rahmawati", "Sri Wahyuni")
    known = SimulatedRegistry()
    assert known.matches(NIK, "siti rahmawati", "SRI WAHYUNI")
    assert not known.matches(NIK, "Siti Rahmawati", "")
    assert not known.matches(NIK, "", "Sri Wahyuni")
    assert not known.matches("3171021207000001", "Siti Rahmawati", "Sri Wahyuni")


class NobodyKnown:
    """A stand-in for a real Dukcapil service: the setting names it, the portal calls `matches`."""

    asked: list[tuple[str, str, str]] = []

    def matches(self, nik, full_name, mother_maiden_name):
        NobodyKnown.asked.append((nik, full_name, mother_maiden_name))
        return False


def test_a_deployment_plugs_in_its_own_registry(make_app, siti_is_known):
    app = make_app(POPULATION_REGISTRY="tests.auth.test_identity:NobodyKnown")
    NobodyKnown.asked.clear()
    with app.app_context():
        assert isinstance(registry(), NobodyKnown)
        page = register(app.test_client())
        assert MISMATCH in page.get_data(as_text=True)  # the table knows Siti; the plugged-in registry does not
        assert NobodyKnown.asked == [(NIK, "Siti  Rahmawati", "Sri Wahyuni")]
