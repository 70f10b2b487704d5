"""Card numbers are masked (`•••• •••• •••• 1234`) wherever the full number is not needed.

The one place it is needed: the PMO hands a new card's number to its holder. So the admin who
issued a card (one, or a file of them) sees the full number for HANDOVER_WINDOW after issuing;
an old or shared link, another admin, the audit log, the ledger, the blacklist and the holder's
own portfolio show the last four digits.
"""
from datetime import timedelta

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.formatting import mask_card_number
from portal.models import Card
from portal.services.card_import import HANDOVER_WINDOW
from tests.admin_pmo import login_admin, nik, submit, upload
from tests.conftest import Auth
from tests.factories import create_card, create_participant, create_user, create_wave

PAGE = "/admin/kartu"


@pytest.mark.parametrize(("number", "shown"), [
    ("5123456789012346", "•••• •••• •••• 2346"), ("5123 4567 8901 2346", "•••• •••• •••• 2346"),
    ("2346", "•••• •••• •••• 2346"), ("12", "••••"), ("", ""), (None, ""),
])
def test_mask_card_number(number, shown):
    assert mask_card_number(number) == shown


def issue(client):
    submit(client, client.get(PAGE), "/admin/kartu/terbitkan", nik=nik(1), name="Budi Santoso",
           phone="0812 3456 7001", wave="13", accepted_at="", mother="Sri Wahyuni")
    return db.session.scalar(select(Card))


def other_admin(app):
    create_user(nik="3171015506900006", email="pmo2@contoh.id", role="admin", full_name="Admin Kedua")
    client = app.test_client()
    Auth(client).login("3171015506900006")
    return client


def test_the_issuing_admin_sees_the_full_number_to_hand_it_over_then_the_last_four(app, client, auth, clock):
    create_wave(13, quota=10)
    login_admin(auth)
    card = issue(client)
    url = f"{PAGE}?kartu={card.id}"
    html = client.get(url).text
    assert f'data-card-number="{card.number}" data-full="yes"' in html and 'id="card-number-note"' in html

    clock.shift(HANDOVER_WINDOW + timedelta(seconds=1))
    later = client.get(url).text
    assert card.number not in later
    assert f'data-card-number="{mask_card_number(card.number)}" data-full="no"' in later
    assert f"•••• •••• •••• {card.number[-4:]}" in later


def test_another_admin_sees_only_the_last_four(app, client, auth, clock):
    create_wave(13, quota=10)
    login_admin(auth)
    card = issue(client)
    html = other_admin(app).get(f"{PAGE}?kartu={card.id}").text
    assert card.number not in html and 'data-full="no"' in html and card.number[-4:] in html


def test_a_card_not_issued_on_this_page_shows_only_the_last_four(client, auth, clock):
    card = create_card(create_participant())  # the demo seed, the CLI or an upload: no handover here
    login_admin(auth)
    html = client.get(f"{PAGE}?kartu={card.id}").text
    assert card.number not in html and 'data-full="no"' in html


def test_the_upload_report_shows_full_numbers_to_its_uploader_for_the_handover_only(app, client, auth, clock):
    create_wave(13, quota=10)
    login_admin(auth)
    report = upload(client, f"nik,nama,hp,nama_ibu\n{nik(1)},Budi Santoso,081234567001,Sri Wahyuni\n".encode())
    card = db.session.scalar(select(Card))
    assert f'data-card-number="{card.number}"' in report.text and 'id="report-numbers-note"' in report.text
    url = report.request.path
    assert card.number not in other_admin(app).get(url).text

    clock.shift(HANDOVER_WINDOW + timedelta(seconds=1))
    later = client.get(url).text
    assert card.number not in later and f'data-card-number="{mask_card_number(card.number)}"' in later


def test_no_other_page_shows_a_full_card_number(app, client, auth, clock):
    create_wave(13, quota=10)
    login_admin(auth)
    card = issue(client)
    upload(client, f"nik,nama,hp,nama_ibu\n{nik(2)},Rina Wijaya,081234567002,Sri Wahyuni\n".encode())
    uploaded = db.session.scalar(select(Card).where(Card.holder_nik == nik(2)))
    for path in ("/admin/audit", "/admin/buku-besar", "/admin/daftar-hitam", "/admin/kartu", "/admin/gelombang"):
        html = client.get(path).text
        assert card.number not in html and uploaded.number not in html, path

    # The holder's own portfolio: the holder received the number when the card was handed over and
    # types it at Daftar; the account shows the last four, so whoever holds the account cannot read it.
    holder = create_participant(nik=nik(1), email="budi@contoh.id", full_name="Budi Santoso")
    auth.logout()
    auth.login(holder.nik)
    html = client.get("/portofolio/").text
    assert f"•••• •••• •••• {card.number[-4:]}" in html and card.number not in html
