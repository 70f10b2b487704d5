"""Unggah CSV: good rows are issued, every bad row is reported by line, an unreadable file issues nothing."""
import html as html_lib
import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, BlacklistEntry, Card, PopulationRecord
from portal.services import card_import
from tests.admin_pmo import audit_actions, cards_count, field_error, login_admin, nik, token, upload
from tests.conftest import START
from tests.factories import create_card, create_person, create_wave

UPLOAD = "/admin/kartu/unggah"


def report(page) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """(issued: line and card number, rejected: line and reason) as the report shows them."""
    html = page.get_data(as_text=True)
    issued = [(int(line), number) for line, number in
              re.findall(r'<tr class="issued" data-line="(\d+)" data-card-number="(\d+)">', html)]
    rejected = [(int(line), html_lib.unescape(reason)) for line, reason in
                re.findall(r'<tr class="rejected" data-line="(\d+)">.*?<td class="reason">(.*?)</td>', html)]
    return issued, rejected


def known(*people: tuple[int, str]) -> None:
    """People the population registry knows (by `nik(i)` and name): a 3-column file may issue them."""
    for i, name in people:
        create_person(nik(i), name)


def csv_file(*lines: str, header: str = "nik,nama,hp", newline: str = "\n") -> bytes:
    return newline.join((header, *lines)).encode() + newline.encode()


@pytest.fixture
def wave13(app, clock):
    """Wave 13 with 5 places, one taken; NIK 9 is blacklisted."""
    wave = create_wave(13, quota=5)
    create_card(wave=wave, nik=nik(50))
    db.session.add(BlacklistEntry(nik=nik(9), name="Dewi", reason="dicabut", created_at=START))
    db.session.commit()
    return wave


def test_a_mixed_file_issues_the_good_rows_and_reports_every_bad_one(client, auth, wave13):
    login_admin(auth)
    known((1, "Ani Lestari"), (6, "Eko"), (7, "Fajar"), (8, "Gita"), (10, "Hadi"))
    content = csv_file(
        f"{nik(1)},Ani Lestari,081234567001",  # 2: issued
        "12345,Budi,081234567002",  # 3: malformed NIK
        f"{nik(3)},Citra,+14155550123",  # 4: not an Indonesian number
        f"{nik(9)},Dewi,081234567004",  # 5: blacklisted
        f"{nik(1)},Ani lagi,081234567005",  # 6: same NIK as line 2
        f"{nik(6)},Eko,081234567006",  # 7: issued
        "",  # 8: blank, skipped
        f"{nik(7)},Fajar,081234567007",  # 9: issued
        f"{nik(8)},Gita,081234567008",  # 10: issued, the wave's last place
        f"{nik(10)},Hadi,081234567010",  # 11: quota exhausted
        f"{nik(11)},Ira",  # 12: a column missing
    )
    page = upload(client, content)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "card.import"))
    assert page.request.path == f"/admin/kartu/impor/{event.id}"
    issued, rejected = report(page)
    assert [line for line, _ in issued] == [2, 7, 9, 10]
    assert [line for line, _ in rejected] == [3, 4, 5, 6, 11, 12]
    reasons = dict(rejected)
    assert reasons[3] == "NIK harus terdiri dari tepat 16 angka."
    assert reasons[4] == "Masukkan nomor HP Indonesia yang benar, misalnya 0812 3456 7890."
    assert reasons[5] == "NIK ini masuk daftar hitam dan tidak dapat mengikuti program lagi."
    assert "2" in reasons[6] and reasons[6] != reasons[3]
    assert reasons[11] == "Gelombang 13 tidak memiliki sisa kuota."
    assert "3" in reasons[12] and "2" in reasons[12]

    cards = {c.holder_nik: c.number for c in db.session.scalars(select(Card).where(Card.holder_nik != nik(50)))}
    assert cards == {nik(1): issued[0][1], nik(6): issued[1][1], nik(7): issued[2][1], nik(8): issued[3][1]}
    assert db.session.get(type(wave13), wave13.id).cards_issued == 5
    assert 'data-issued="4" data-rejected="6"' in page.get_data(as_text=True)
    assert f"{nik(1)[:6]}••••••{nik(1)[12:]}" in page.get_data(as_text=True)  # the NIK is masked
    assert audit_actions() == [("card.import", "wave:13")]
    assert str(issued[0][1]) not in event.detail  # the audit log keeps card ids, not card numbers

    again = client.get(f"/admin/kartu/impor/{event.id}")  # the report stays available
    assert report(again) == (issued, rejected)


def test_bom_crlf_semicolons_quotes_and_english_header_are_read(client, auth, wave13):
    login_admin(auth)
    known((1, "Rahmawati; Siti"), (2, 'Budi "Bud" Santoso'))
    content = "\ufeff" + "\r\n".join((
        "NIK;Name;Phone",
        f'{nik(1)};"Rahmawati; Siti";0812-3456-7001',
        f' {nik(2)} ; "Budi ""Bud"" Santoso" ;+62 812 3456 7002;;',
    )) + "\r\n"
    issued, rejected = report(upload(client, content.encode()))
    assert [line for line, _ in issued] == [2, 3] and rejected == []
    names = dict(db.session.execute(select(Card.holder_nik, Card.holder_name)).all())
    assert names[nik(1)] == "Rahmawati; Siti" and names[nik(2)] == 'Budi "Bud" Santoso'


def test_an_accepted_time_applies_to_every_row(client, auth, wave13):
    login_admin(auth)
    known((1, "Ani"), (2, "Budi"))
    upload(client, csv_file(f"{nik(1)},Ani,081234567001", f"{nik(2)},Budi,081234567002"),
           accepted_at="2021-03-09T08:00")
    times = set(db.session.scalars(select(Card.accepted_at).where(Card.holder_nik != nik(50))))
    assert times == {START.replace(day=9, hour=1)}


def too_many_rows() -> bytes:
    return csv_file(*(f"{nik(i)},Orang {i},0812345{i:05d}" for i in range(1, card_import.MAX_ROWS + 2)))


@pytest.mark.parametrize("content, filename", [
    (b"", "kartu.csv"),
    (b"nik,nama,hp\n", "kartu.csv"),
    (b"nomor,nama,telepon\n3273014508950001,Ani,081234567001\n", "kartu.csv"),
    (b"3273014508950001,Ani,081234567001\n", "kartu.csv"),
    (b"nik,nama,hp\n3273014508950001,Ani \xe9,081234567001\n", "kartu.csv"),
    (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 64, "kartu.xlsx"),
    (b"nik,nama,hp\n3273014508950001,Ani,0812\x00\n", "kartu.csv"),
    (too_many_rows(), "banyak.csv"),
])
def test_an_unreadable_file_is_refused_whole(client, auth, wave13, content, filename):
    login_admin(auth)
    page = upload(client, content, filename=filename)
    assert page.status_code == 200 and page.request.path == UPLOAD
    assert field_error(page.get_data(as_text=True), "upload-file")
    assert cards_count() == 1 and audit_actions() == []


def test_a_file_over_the_size_limit_is_refused_whole(client, auth, wave13, monkeypatch):
    # The limit is lowered: a real 1 MB upload would make the test client spool to a temporary file.
    monkeypatch.setattr(card_import, "MAX_BYTES", 100)
    login_admin(auth)
    page = upload(client, csv_file(f"{nik(1)},Ani,081234567001", f"{nik(2)},Budi,081234567002",
                                   f"{nik(3)},Citra,081234567003"))
    assert page.request.path == UPLOAD and field_error(page.get_data(as_text=True), "upload-file")
    assert cards_count() == 1 and audit_actions() == []


def test_an_unclosed_quote_is_reported_with_the_lines_it_swallowed(client, auth, wave13):
    login_admin(auth)
    known((1, "Ani"))
    content = csv_file(f"{nik(1)},Ani,081234567001", f'{nik(2)},"Budi,081234567002', f"{nik(3)},Citra,081234567003")
    issued, rejected = report(upload(client, content))
    assert [line for line, _ in issued] == [2]
    assert [line for line, _ in rejected] == [3] and "3" in rejected[0][1] and "4" in rejected[0][1]
    assert cards_count() == 2


def test_no_file_or_an_unknown_wave_is_refused(client, auth, wave13):
    login_admin(auth)
    page = client.get("/admin/kartu")
    no_file = client.post(UPLOAD, data={"csrf_token": token(page), "upload-wave": "13"},
                          content_type="multipart/form-data")
    assert field_error(no_file.get_data(as_text=True), "upload-file")
    unknown = upload(client, csv_file(f"{nik(1)},Ani,081234567001"), wave=99)
    assert "Tidak ada gelombang 99." in field_error(unknown.get_data(as_text=True), "upload-wave")
    assert cards_count() == 1 and audit_actions() == []


def test_a_full_wave_rejects_every_row_and_says_so(client, auth, clock):
    wave = create_wave(13, quota=1)
    create_card(wave=wave, nik=nik(50))
    login_admin(auth)
    known((1, "Ani"), (2, "Budi"))
    issued, rejected = report(upload(client, csv_file(f"{nik(1)},Ani,081234567001", f"{nik(2)},Budi,081234567002")))
    assert issued == [] and rejected == [(2, "Gelombang 13 tidak memiliki sisa kuota."),
                                         (3, "Gelombang 13 tidak memiliki sisa kuota.")]
    assert audit_actions() == [("card.import", "wave:13")]


def test_malformed_niks_are_reported_as_malformed_however_often(client, auth, wave13):
    login_admin(auth)
    known((1, "Citra"))
    content = csv_file("123,Ani,081234567001", "123,Budi,081234567002", f"{nik(1)},Citra,081234567003,,",
                       header="nik,nama,hp,,")
    issued, rejected = report(upload(client, content))
    assert [line for line, _ in issued] == [4]
    assert rejected == [(2, "NIK harus terdiri dari tepat 16 angka."), (3, "NIK harus terdiri dari tepat 16 angka.")]


def test_a_fourth_column_records_new_people_and_a_person_unknown_without_it_is_refused(client, auth, wave13):
    login_admin(auth)
    known((3, "Citra"))
    content = csv_file(
        f"{nik(1)},Ani,081234567001,Sri Wahyuni",  # 2: issued, and recorded in the registry
        f"{nik(2)},Budi,081234567002,",  # 3: unknown to the registry, no mother's name
        f"{nik(3)},CITRA,081234567003,",  # 4: known: the name matches, no mother's name needed
        f"{nik(4)},Dodi,081234567004",  # 5: three columns under a four-column header
        header="nik,nama,hp,nama_ibu",
    )
    issued, rejected = report(upload(client, content))
    assert [line for line, _ in issued] == [2, 4]
    assert rejected == [(3, "NIK ini belum tercatat di data kependudukan: isi nama ibu kandung untuk mencatat "
                            "orang tersebut."),
                        (5, "Seharusnya 4 kolom (NIK, nama, HP, nama ibu kandung); baris ini berisi 3.")]
    records = dict(db.session.execute(select(PopulationRecord.nik, PopulationRecord.mother_maiden_name)).all())
    assert records[nik(1)] == "Sri Wahyuni" and nik(2) not in records


def test_a_name_other_than_the_registry_s_is_refused(client, auth, wave13):
    login_admin(auth)
    known((1, "Ani Lestari"))
    issued, rejected = report(upload(client, csv_file(f"{nik(1)},Ani Susanti,081234567001")))
    assert issued == [] and rejected == [(2, "Nama ini tidak sesuai dengan nama NIK ini di data kependudukan.")]
