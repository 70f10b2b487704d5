"""Statements per page on the buying journey: counted, never timed, and not growing with data."""
import re

from tests.factories import PHONE, create_offering
from tests.prakerja.conftest import enter_card, enter_code
from tests.queries import statements_for

LIMIT = 8


def test_buying_pages_stay_within_the_statement_budget(client, buyer, sms):
    for _ in range(30):  # more offerings of the same programme must not add statements
        create_offering(programme=buyer.offering.programme)
    programme = f"/pelatihan/program/{buyer.offering.programme.slug}"
    daftar = f"/prakerja/daftar/{buyer.offering.id}"
    verify = enter_card(client, buyer.offering.id, buyer.card.number).request.path
    counts = {"home": statements_for(client, "/"), "daftar": statements_for(client, daftar),
              "verify": statements_for(client, verify), "programme": statements_for(client, programme)}
    paid = enter_code(client, client.get(verify), sms.last_code(PHONE)).request.path
    counts["paid"] = statements_for(client, paid)
    counts["portfolio"] = statements_for(client, "/portofolio/")
    training = re.search(r'href="(/portofolio/pelatihan/\d+)"', client.get("/portofolio/").get_data(as_text=True))
    counts["training"] = statements_for(client, training.group(1))
    assert all(n <= LIMIT for n in counts.values()), counts
