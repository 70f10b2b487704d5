"""What the holder sees: a countdown while the 30 days run, the revocation and its rule after."""
from datetime import datetime, timedelta

from portal.clock import WIB
from portal.jobs.sweep import revoke_expired_cards
from tests.factories import create_card, create_offering, create_participant
from tests.prakerja.conftest import enter_card

ACCEPTED = datetime(2021, 3, 9, 10, 0, tzinfo=WIB)
NEXT_DAY = datetime(2021, 4, 9, 0, 0, 0, tzinfo=WIB)


def test_portfolio_counts_down_to_the_deadline_in_wib(client, auth, clock):
    user = create_participant()
    create_card(user, accepted_at=ACCEPTED)
    clock.move_to(datetime(2021, 4, 5, 12, 0, tzinfo=WIB))
    auth.login()
    html = client.get("/portofolio/").get_data(as_text=True)
    assert "Kamis, 8 April 2021 23.59 WIB" in html and 'data-days-left="3"' in html and "3 hari lagi" in html
    clock.move_to(datetime(2021, 4, 8, 20, 0, tzinfo=WIB))
    auth.login()
    assert "Hari ini adalah hari terakhir" in client.get("/portofolio/").get_data(as_text=True)


def test_revoked_holder_sees_the_revocation_date_and_the_rule(client, auth, clock):
    user = create_participant()
    card = create_card(user, accepted_at=ACCEPTED)
    offering = create_offering()
    revoke_expired_cards(NEXT_DAY)
    clock.move_to(NEXT_DAY + timedelta(hours=9))
    auth.login()
    for path in ("/portofolio/", f"/prakerja/daftar/{offering.id}"):
        html = client.get(path).get_data(as_text=True)
        assert "Dicabut" in html and "Masuk daftar hitam" in html
        assert "Jumat, 9 April 2021 00.00 WIB" in html and "Pasal 20 ayat (2) dan (3)" in html
    refused = enter_card(client, offering.id, card.number).get_data(as_text=True)
    assert "daftar hitam" in refused
