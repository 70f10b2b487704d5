"""A participant with a card, logged in, in front of a labelled provider's offering."""
from dataclasses import dataclass

import pytest

from portal.models import Card, Offering, User
from tests.browser import form
from tests.factories import create_card, create_offering, create_participant


@dataclass
class Buyer:
    user: User
    card: Card
    offering: Offering


@pytest.fixture
def buyer(app, auth, clock):
    user = create_participant()
    card = create_card(user)
    offering = create_offering(price=500_000, seats=20)
    auth.login()
    return Buyer(user, card, offering)


def enter_card(client, offering_id: int, number: str):
    page = client.get(f"/prakerja/daftar/{offering_id}")
    return form(client, page, "Kirim OTP").fill("Nomor Kartu Prakerja", number).submit()


def enter_code(client, page, code: str):
    return form(client, page, "Verifikasi").fill("Kode OTP", code).submit()


def other_code(code: str) -> str:
    return "000000" if code != "000000" else "111111"
