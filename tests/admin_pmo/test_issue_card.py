"""Kartu: issue one card (NIK, Nama, Nomor HP, Gelombang, accepted time) and see its number."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import BlacklistEntry, Card, LedgerEntry, PopulationRecord
from tests.admin_pmo import audit_actions, cards_count, field_error, login_admin, nik, submit
from tests.conftest import START
from tests.factories import create_card, create_person, create_wave

PAGE = "/admin/kartu"
ISSUE = "/admin/kartu/terbitkan"


def issue(client, **fields):
    values = {"nik": nik(1), "name": "Budi Santoso", "phone": "0812 3456 7001", "mother": "Sri Wahyuni", "wave": "13",
              "accepted_at": ""}
    values.update(fields)
    return submit(client, client.get(PAGE), ISSUE, **values)


def test_a_card_is_issued_and_its_number_shown(client, auth, clock):
    create_wave(13, quota=10)
    login_admin(auth)
    page = issue(client)
    card = db.session.scalar(select(Card))
    assert page.request.path == PAGE and page.request.args["kartu"] == str(card.id)
    html = page.get_data(as_text=True)
    assert f'id="new-card" aria-labelledby="new-card-heading" data-card-number="{card.number}"' in html
    assert (card.holder_nik, card.holder_name, card.phone, card.balance) == (nik(1), "Budi Santoso", "+6281234567001",
                                                                             1_000_000)
    assert card.accepted_at == START and card.wave.cards_issued == 1
    assert "Jumat, 9 April 2021 23.59 WIB" in html  # the 30-day deadline, in WIB
    assert db.session.scalar(select(LedgerEntry.amount).where(LedgerEntry.kind == "grant")) == 1_000_000
    assert audit_actions() == [("card.issue", f"card:{card.id}")]


def test_the_acceptance_time_is_read_in_wib(client, auth, clock):
    create_wave(13, quota=10)
    login_admin(auth)
    issue(client, accepted_at="2021-03-08T09:30")
    card = db.session.scalar(select(Card))
    assert card.accepted_at == datetime(2021, 3, 8, 2, 30, tzinfo=UTC)


@pytest.mark.parametrize("fields, field_id, message", [
    ({"nik": "12345"}, "nik", "NIK harus terdiri dari tepat 16 angka."),
    ({"phone": "+1 415 555 0123"}, "phone", "nomor HP Indonesia"),
    ({"name": "   "}, "name", "Kolom ini wajib diisi."),
    ({"wave": "99"}, "wave", "Tidak ada gelombang 99."),
    ({"wave": ""}, "wave", ""),
    ({"accepted_at": "kemarin"}, "accepted_at", ""),
    ({"accepted_at": "2021-03-11T10:00"}, "accepted_at", ""),  # tomorrow
    ({"accepted_at": "2021-01-01T10:00"}, "accepted_at", ""),  # its 30 days are long over
])
def test_bad_input_is_refused_next_to_its_field(client, auth, clock, fields, field_id, message):
    create_wave(13, quota=10)
    login_admin(auth)
    page = issue(client, **fields)
    assert page.status_code == 200 and page.request.path == ISSUE
    assert message in field_error(page.get_data(as_text=True), field_id)
    assert cards_count() == 0 and audit_actions() == []


def test_a_blacklisted_nik_is_refused(client, auth, clock):
    create_wave(13, quota=10)
    db.session.add(BlacklistEntry(nik=nik(1), name="Budi Santoso", reason="tidak membeli pelatihan", created_at=START))
    db.session.commit()
    login_admin(auth)
    html = issue(client).get_data(as_text=True)
    assert "masuk daftar hitam" in field_error(html, "nik")
    assert cards_count() == 0 and audit_actions() == []


def test_a_full_wave_is_refused(client, auth, clock):
    wave = create_wave(13, quota=1)
    create_card(wave=wave, nik=nik(2))
    login_admin(auth)
    html = issue(client).get_data(as_text=True)
    assert "Gelombang 13 tidak memiliki sisa kuota." in field_error(html, "wave")
    assert cards_count() == 1 and db.session.get(type(wave), wave.id).cards_issued == 1


def test_a_second_active_card_for_the_same_nik_is_refused(client, auth, clock):
    create_card(wave=create_wave(13, quota=10), nik=nik(1))
    login_admin(auth)
    assert "sudah memiliki Kartu Prakerja aktif" in field_error(issue(client).get_data(as_text=True), "nik")
    assert cards_count() == 1


def test_issuing_records_the_person_in_the_population_registry(client, auth, clock):
    create_wave(13, quota=10)
    login_admin(auth)
    issue(client, name="Budi  Santoso", mother="Siti Aminah")
    record = db.session.scalar(select(PopulationRecord))
    assert (record.nik, record.full_name, record.mother_maiden_name) == (nik(1), "Budi Santoso", "Siti Aminah")


def test_a_person_the_registry_does_not_know_needs_the_mother_s_name(client, auth, clock):
    create_wave(13, quota=10)
    login_admin(auth)
    html = issue(client, mother="").get_data(as_text=True)
    assert "isi nama ibu kandung" in field_error(html, "mother")
    assert cards_count() == 0 and audit_actions() == [] and db.session.scalar(select(PopulationRecord)) is None


def test_a_known_person_is_issued_by_their_registered_name(client, auth, clock):
    create_wave(13, quota=10)
    create_person(nik(1), "BUDI SANTOSO", "Sri Wahyuni")
    login_admin(auth)
    other = issue(client, name="Budi Susanto", mother="").get_data(as_text=True)
    assert "tidak sesuai dengan nama NIK ini" in field_error(other, "name") and cards_count() == 0
    wrong_mother = issue(client, mother="Ani").get_data(as_text=True)
    assert "nama ibu kandung ini tidak sesuai" in field_error(wrong_mother, "mother").lower() and cards_count() == 0
    issue(client, mother="")
    assert db.session.scalar(select(Card.holder_name)) == "Budi Santoso"


def test_the_wave_list_shows_places_left(client, auth, clock):
    create_wave(12, quota=5, opened_at=START - timedelta(days=30))
    create_card(wave=create_wave(13, quota=3), nik=nik(2))
    login_admin(auth)
    html = client.get(PAGE).get_data(as_text=True)
    assert '<option value="13">' in html and '<option value="12">' in html
    assert html.index('<option value="13">') < html.index('<option value="12">')  # the newest first
