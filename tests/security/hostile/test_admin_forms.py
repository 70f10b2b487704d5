"""Hostile values in the PMO's forms: recycling, the demo clock, labels, categories, programmes,
issuing a card and the CSV upload."""
from __future__ import annotations

import pytest
from hypothesis import given

from tests.security.hostile.common import FORM_SETTINGS, attack, csv_file, form_data, form_fields
from tests.security.hostile.world import build_world, login


@pytest.fixture
def admin(app, client, clock):
    world = build_world()
    login(client, "admin")
    return world


@FORM_SETTINGS
@given(data=form_data(["number", "from_wave_13", "from_wave_1"]))
def test_daur_ulang_gelombang(admin, client, data):
    attack(client, "/admin/gelombang", "/admin/gelombang/daur-ulang", data)


@FORM_SETTINGS
@given(data=form_data(["step"]))
def test_jam_demo(admin, client, data):
    attack(client, "/admin/gelombang", "/admin/jam-demo", data)


@FORM_SETTINGS
@given(data=form_data([]))
def test_label_lembaga(admin, client, data):
    for action in (f"/admin/lembaga/{admin.other_provider}/cabut", f"/admin/lembaga/{admin.other_provider}/berikan"):
        attack(client, "/admin/lembaga", action, data)


@FORM_SETTINGS
@given(data=form_data(["name"]))
def test_tambah_kategori(admin, client, data):
    attack(client, "/admin/kategori", "/admin/kategori", data)


@FORM_SETTINGS
@given(data=form_data(["name"]))
def test_ganti_nama_kategori(admin, client, data):
    data = {f"category-{admin.category}-{k}" if k == "name" else k: v for k, v in data.items()}
    attack(client, "/admin/kategori", f"/admin/kategori/{admin.category}/ganti-nama", data)


@FORM_SETTINGS
@given(data=form_data(["title", "category", "hours", "description", "slug"]))
def test_program(admin, client, data):
    attack(client, "/admin/program/baru", "/admin/program/baru", data)
    url = f"/admin/program/{admin.programme}"
    attack(client, url, url, data)


@FORM_SETTINGS
@given(data=form_data(["nik", "name", "phone", "wave", "accepted_at"]))
def test_terbitkan_kartu(admin, client, data):
    attack(client, "/admin/kartu", "/admin/kartu/terbitkan", data)


@FORM_SETTINGS
@given(data=form_data(["upload-wave", "upload-accepted_at"]), upload=csv_file())
def test_unggah_csv(admin, client, data, upload):
    attack(client, "/admin/kartu", "/admin/kartu/unggah", data, files={"upload-file": upload})


def test_the_field_lists_match_the_pages(admin, client):
    """The hostile posts above name the fields the pages really have."""
    assert set(form_fields(client, "/admin/kartu", "/admin/kartu/terbitkan")) >= {"nik", "name", "phone", "wave"}
    assert "upload-file" in form_fields(client, "/admin/kartu", "/admin/kartu/unggah")
    assert set(form_fields(client, "/admin/program/baru", "/admin/program/baru")) >= {"title", "hours", "slug"}
    assert f"category-{admin.category}-name" in form_fields(client, "/admin/kategori",
                                                           f"/admin/kategori/{admin.category}/ganti-nama")
