"""Daftar hitam, Buku besar (the fund and the ledger check) and the audit log show the right rows."""
import re
from datetime import UTC, datetime

import pytest

from portal import clock as portal_clock
from portal.extensions import db
from portal.jobs.sweep import revoke_expired_cards
from portal.services.audit import Actor, record
from portal.services.purchases import buy_training
from tests.admin_pmo import ADMIN_NIK, login_admin, nik, submit
from tests.conftest import START
from tests.factories import NIK, create_card, create_offering, create_participant, create_provider, create_user

PAST_DEADLINE = datetime(2021, 4, 9, 17, 0, tzinfo=UTC)  # 10 April 00.00 WIB: cards accepted 10 March expire


@pytest.fixture
def money_moved(app, clock):
    """Card A (Siti) is granted Rp1.000.000 and buys a training for Rp500.000; card B is granted
    Rp1.000.000, never buys, and is revoked: its balance returns to the fund, its NIK is blacklisted."""
    user = create_participant()
    card_a = create_card(user)
    card_b = create_card(nik=nik(2))
    offering = create_offering(price=500_000)
    buy_training(user, card_a, offering, portal_clock.now())
    db.session.commit()
    clock.move_to(PAST_DEADLINE)
    assert revoke_expired_cards(portal_clock.now())["revoked"] == 1
    return {"a": card_a, "b": card_b, "offering": offering}


def figures(html: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'data-amount="(\w+)" data-value="(-?\d+)"', html)}


def test_the_fund_account_after_a_grant_a_purchase_and_a_return(client, auth, money_moved):
    login_admin(auth)
    html = client.get("/admin/buku-besar").get_data(as_text=True)
    assert figures(html) == dict(granted=2_000_000, returned=1_000_000, net_drawn=1_000_000, on_cards=500_000,
                                 spent=500_000)
    assert "Rp2.000.000" in html and "Rp500.000" in html
    assert 'data-balanced="yes"' in html
    entries = re.findall(r'class="ledger-entry" id="entry-\d+" data-kind="(\w+)" data-amount="(\d+)"', html)
    assert entries == [("return", "1000000"), ("purchase", "500000"), ("grant", "1000000"), ("grant", "1000000")]
    assert money_moved["offering"].programme.title in html  # the training a purchase paid for
    returns = client.get("/admin/buku-besar?jenis=return").get_data(as_text=True)
    assert re.findall(r'class="ledger-entry" id="entry-\d+" data-kind="(\w+)"', returns) == ["return"]
    assert 'id="ledger-total" data-total="1"' in returns


def test_an_unbalanced_ledger_is_reported(client, auth, money_moved):
    money_moved["a"].balance += 1  # a rupiah from nowhere
    db.session.commit()
    login_admin(auth)
    html = client.get("/admin/buku-besar").get_data(as_text=True)
    assert 'data-balanced="no"' in html and f"card id {money_moved['a'].id}" in html


def test_the_blacklist_lists_revoked_niks_and_finds_one(client, auth, money_moved):
    login_admin(auth)
    html = client.get("/admin/daftar-hitam").get_data(as_text=True)
    rows = re.findall(r'<tr class="blacklisted" data-nik="(\d+)">(.*?)</tr>', html, re.S)
    assert [n for n, _ in rows] == [nik(2)]
    assert f"•••• {money_moved['b'].number[-4:]}" in rows[0][1] and "<td>13</td>" in rows[0][1]
    assert "Sabtu, 10 April 2021 00.00 WIB" in rows[0][1]
    assert 'data-nik="' + nik(2) in client.get(f"/admin/daftar-hitam?nik={nik(2)}").get_data(as_text=True)
    assert 'data-total="0"' in client.get(f"/admin/daftar-hitam?nik={NIK}").get_data(as_text=True)


def test_the_audit_log_shows_who_what_when_and_from_where(client, auth, clock):
    provider = create_provider("LPK Yasmin", labelled=False)
    staff = create_user(nik=nik(30), email="staf@contoh.id", role="provider_staff", full_name="Staf Yasmin")
    staff.provider_id = provider.id
    db.session.commit()
    record(Actor(staff, "10.1.2.3"), "provider.request_label", f"provider:{provider.id}", START)
    db.session.commit()
    login_admin(auth)
    clock.shift(60)
    submit(client, client.get("/admin/lembaga"), f"/admin/lembaga/{provider.id}/berikan")
    html = client.get("/admin/audit").get_data(as_text=True)
    rows = re.findall(r'<tr class="audit-event" id="event-\d+" data-action="([\w.]+)" data-subject="([^"]*)" '
                      r'data-role="(\w+)" data-ip="([^"]*)">(.*?)</tr>', html, re.S)
    assert [r[:4] for r in rows] == [("label.grant", f"provider:{provider.id}", "admin", "127.0.0.1"),
                                     ("provider.request_label", f"provider:{provider.id}", "provider_staff",
                                      "10.1.2.3")]
    assert "Admin PMO" in rows[0][4] and "Rabu, 10 Maret 2021 10.01 WIB" in rows[0][4]
    assert "Lembaga: LPK Yasmin" in rows[0][4] and "provider:" not in rows[0][4]  # words, not keys
    assert "Label diberikan" in rows[0][4] and "Manajemen Pelaksana Prakerja" in rows[0][4]
    assert "Staf Yasmin" in rows[1][4] and "Rabu, 10 Maret 2021 10.00 WIB" in rows[1][4]
    assert "LPK Yasmin" in rows[1][4]  # the staff member's institution
    only = client.get("/admin/audit?aksi=label.grant").get_data(as_text=True)
    assert re.findall(r'data-action="([\w.]+)"', only) == ["label.grant"]
    assert ADMIN_NIK not in html  # who is named, their NIK is not shown whole


def test_the_audit_log_pages_by_fifty(client, auth, clock):
    admin = login_admin(auth)
    for n in range(55):
        record(Actor(admin, "127.0.0.1"), "category.create", f"category:{n}", START)
    db.session.commit()
    first = client.get("/admin/audit").get_data(as_text=True)
    assert first.count('class="audit-event"') == 50 and 'href="/admin/audit?halaman=2"' in first
    second = client.get("/admin/audit?halaman=2").get_data(as_text=True)
    assert second.count('class="audit-event"') == 5 and 'href="/admin/audit?halaman=1"' in second
    assert client.get("/admin/audit?halaman=99").status_code == 200


def test_the_index_links_every_admin_page(client, auth):
    login_admin(auth)
    html = client.get("/admin/").get_data(as_text=True)
    for url in ("/admin/gelombang", "/admin/kartu", "/admin/lembaga", "/admin/kategori", "/admin/program",
                "/admin/daftar-hitam", "/admin/buku-besar", "/admin/audit"):
        assert f'href="{url}"' in html, url
        assert 'href="/admin/"' in client.get(url).get_data(as_text=True) or url == "/admin/gelombang", url


def test_the_audit_log_says_its_details_in_words(client, auth, clock):
    """No internal codes on the page: yes/no, rupiah, WIB times, province names, field names in words."""
    admin = login_admin(auth)
    record(Actor(admin, "127.0.0.1"), "enrollment.confirm_completion", "enrollment:1", START, passed=True, score=85)
    record(Actor(admin, "127.0.0.1"), "offering.update", "offering:1", START,
           changed={"price": [500_000, 600_000], "province_code": ["32", "33"]})
    record(Actor(admin, "127.0.0.1"), "card.issue", "card:1", START, accepted_at=START)
    db.session.commit()
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "Lulus: Ya" in html and "Nilai: 85" in html and "True" not in html
    assert "Harga: Rp500.000 → Rp600.000" in html and "Jawa Barat → Jawa Tengah" in html
    assert "Rabu, 10 Maret 2021 10.00 WIB" in html and "+00:00" not in html
    for code in ("enrollment.confirm_completion", "offering.update", "card.issue"):
        assert f">{code}<" not in html  # the action in words, the code only in a data attribute
