"""Hostile values in the lembaga's forms: profile, new and edited offering, session plan, and
Konfirmasi penyelesaian."""
from __future__ import annotations

import pytest
from hypothesis import given

from tests.security.hostile.common import FORM_SETTINGS, attack, form_data
from tests.security.hostile.world import build_world, login

OFFERING = ["price", "seats", "mode", "city", "province", "start_date", "end_date"]


@pytest.fixture
def staff(app, client, clock):
    world = build_world()
    login(client, "staff")
    return world


@FORM_SETTINGS
@given(data=form_data(["kind", "accreditation", "address", "city", "province"]))
def test_profil_lembaga(staff, client, data):
    attack(client, "/lembaga/profil", "/lembaga/profil", data)


@FORM_SETTINGS
@given(data=form_data(["programme", *OFFERING]))
def test_pelatihan_baru(staff, client, data):
    attack(client, "/lembaga/pelatihan/baru", "/lembaga/pelatihan/baru", data)


@FORM_SETTINGS
@given(data=form_data(OFFERING))
def test_ubah_pelatihan(staff, client, data):
    url = f"/lembaga/pelatihan/{staff.offering}/ubah"
    attack(client, url, url, data)


@FORM_SETTINGS
@given(data=form_data(["titles"]))
def test_rencana_sesi(staff, client, data):
    url = f"/lembaga/pelatihan/{staff.offering}/sesi"
    if "<textarea" not in client.get(url).get_data(as_text=True):
        return  # a plan was accepted: it is written once
    attack(client, url, url, data)


@FORM_SETTINGS
@given(data=form_data([f"e{n}-score" for n in (0,)] + ["e0-result"]))
def test_konfirmasi_penyelesaian(staff, client, data):
    prefix = f"e{staff.awaiting}-"
    data = {prefix + name.removeprefix("e0-") if name.startswith("e0-") else name: v for name, v in data.items()}
    url, action = f"/lembaga/pelatihan/{staff.offering}/peserta", f"/lembaga/peserta/{staff.awaiting}/konfirmasi"
    if f'action="{action}"' not in client.get(url).get_data(as_text=True):
        return  # confirmed: the row no longer has a form
    attack(client, url, action, data)
