"""Angka Program and the Gelombang page read the waves' counters, never the cards: the same SQL
statements at 100 times the cards (the programme's 27,000 against 2.7 million, scaled down so the
test stays quick). Statements are counted, never timed."""
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import event, insert

from portal.clock import WIB
from portal.extensions import db
from portal.models import Card, Wave
from tests.conftest import Auth, _empty_tables
from tests.factories import create_user

SIZES = (30, 3_000)  # cards per wave; five waves, 12–16
ADMIN_NIK = "3171011203850004"
NOW = datetime(2021, 4, 8, 21, 0, tzinfo=WIB)


def _programme(cards_per_wave: int) -> None:
    """Waves 12–16 with `cards_per_wave` cards each, loaded in bulk with their counters set, as the
    scenario builder loads them: a tenth bought, a tenth of wave 12 revoked."""
    serial = 0
    for number in range(12, 17):
        accepted_on = date(2021, 3, 2) + timedelta(days=7 * (number - 12))
        accepted = datetime.combine(accepted_on, datetime.min.time(), WIB).replace(hour=10)
        bought, revoked = cards_per_wave // 10, cards_per_wave // 10 if number == 12 else 0
        wave = Wave(number=number, quota=cards_per_wave, cards_issued=cards_per_wave, cards_bought=bought,
                    revoked_count=revoked, accepted_on=accepted_on, opened_at=accepted)
        db.session.add(wave)
        db.session.flush()
        rows = []
        for i in range(cards_per_wave):
            serial += 1
            rows.append(dict(
                number=f"{serial:016d}", holder_nik=f"{serial:016d}", holder_name="Peserta", phone="+6281200000000",
                wave_id=wave.id, accepted_at=accepted, deadline_at=accepted + timedelta(days=31), balance=1_000_000,
                status="revoked" if i < revoked else "active", created_at=accepted,
                first_purchase_at=accepted if revoked <= i < revoked + bought else None))
        db.session.execute(insert(Card), rows)
    db.session.commit()


def _statements(client, url: str) -> list[str]:
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.split()[0].upper() not in ("BEGIN", "COMMIT", "ROLLBACK"):  # SQLite's, not the page's
            seen.append(" ".join(statement.split()))

    db.session.remove()
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 200 and 'id="wave-16"' in response.get_data(as_text=True)
    return seen


@pytest.mark.parametrize("url, login", [("/angka", False), ("/admin/gelombang", True)])
def test_the_wave_pages_cost_the_same_statements_at_100_times_the_cards(app, clock, url, login):
    clock.move_to(NOW)
    measured = []
    for size in SIZES:
        _empty_tables()
        _programme(size)
        client = app.test_client()
        if login:
            auth = Auth(client)
            create_user(nik=ADMIN_NIK, email="pmo@contoh.id", role="admin", full_name="Admin PMO")
            auth.login(ADMIN_NIK)
        statements = _statements(client, url)
        assert not [s for s in statements if " cards" in s.lower()], statements  # no statement reads the cards
        measured.append(statements)
    assert measured[0] == measured[1]
    figures = [s for s in measured[0] if "FROM waves" in s]
    assert len(figures) == 1 and len(measured[0]) <= (1 if not login else 8), measured[0]
