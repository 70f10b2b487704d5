"""Creating and editing offerings: the terms, seats never below those taken, a sold price fixed."""
from datetime import date

import pytest
from sqlalchemy import select, update

from portal.extensions import db
from portal.models import Offering
from portal.services import DomainError
from portal.services.audit import Actor
from portal.services.offerings import update_offering
from tests.conftest import START
from tests.provider.conftest import IP, a_programme, detail, enrol, events, offering_of, submit

NEW = "/lembaga/pelatihan/baru"


def terms(**changes) -> dict:
    values = {"price": "750.000", "seats": "25", "mode": "campuran", "city": "Kota Bandung", "province": "32",
              "start_date": "2021-04-05", "end_date": "2021-04-30"}
    return {**values, **changes}


def edit_url(offering) -> str:
    return f"/lembaga/pelatihan/{offering.id}/ubah"


def test_a_new_offering_is_an_unpublished_draft(client, lembaga):
    programme = a_programme()
    page = client.get(NEW)
    assert f'<option value="{programme.id}">Digital Marketing untuk UMKM</option>' in page.text
    assert 'value="Bandung"' in page.text  # the lembaga's city is the default place
    response = submit(client, page, NEW, {"programme": programme.id, **terms()})
    assert response.request.path == "/lembaga/"
    offering = db.session.scalar(select(Offering))
    assert (offering.provider_id, offering.programme_id, offering.price, offering.seats, offering.seats_taken,
            offering.mode, offering.city, offering.province_code, offering.start_date, offering.end_date,
            offering.published) == (lembaga.provider_id, programme.id, 750_000, 25, 0, "campuran", "Kota Bandung",
                                    "32", date(2021, 4, 5), date(2021, 4, 30), False)
    [event] = events("offering.create")
    assert (event.actor_id, event.actor_role, event.subject, event.ip, event.at) == (
        lembaga.staff_id, "provider_staff", f"offering:{offering.id}", IP, START)
    assert detail(event)["price"] == 750_000 and detail(event)["programme_id"] == programme.id


@pytest.mark.parametrize("field, changes", [
    ("price", {"price": "-5000"}),
    ("price", {"price": "lima ratus ribu"}),
    ("price", {"price": "10.000.001"}),
    ("price", {"price": ""}),
    ("seats", {"seats": "0"}),
    ("seats", {"seats": "dua puluh"}),
    ("seats", {"seats": "10001"}),
    ("end_date", {"end_date": "2021-04-04"}),
    ("start_date", {"start_date": "2021-03-09", "end_date": "2021-03-20"}),  # the clock says 10 March
    ("start_date", {"start_date": "5 April"}),
    ("mode", {"mode": "hibrida"}),
    ("province", {"province": "99"}),
    ("programme", {"programme": "999"}),
    ("programme", {"programme": "semua"}),
])
def test_bad_terms_are_refused_next_to_the_field(client, lembaga, field, changes):
    programme = a_programme()
    page = client.get(NEW)
    response = submit(client, page, NEW, {"programme": programme.id, **terms(**changes)})
    assert response.status_code == 200
    assert f'id="{field}-error"' in response.text, response.text
    assert db.session.scalar(select(Offering)) is None
    assert events("offering.create") == []


def test_the_top_price_is_accepted(client, lembaga):
    programme = a_programme()
    submit(client, client.get(NEW), NEW, {"programme": programme.id, **terms(price="Rp10.000.000")})
    assert db.session.scalar(select(Offering.price)) == 10_000_000


def test_an_offering_is_edited_and_audited(client, lembaga):
    offering = offering_of(lembaga, price=500_000, seats=20)
    page = client.get(edit_url(offering))
    assert 'value="500000"' in page.text
    response = submit(client, page, edit_url(offering), terms(price="600000", seats="30", mode="luring"))
    assert response.request.path == "/lembaga/"
    db.session.refresh(offering)
    assert (offering.price, offering.seats, offering.mode, offering.start_date) == (600_000, 30, "luring",
                                                                                  date(2021, 4, 5))
    [event] = events("offering.update")
    assert (event.actor_id, event.subject, event.ip) == (lembaga.staff_id, f"offering:{offering.id}", IP)
    assert detail(event)["changed"]["price"] == [500_000, 600_000]


def test_seats_cannot_drop_below_those_taken(client, lembaga):
    offering = offering_of(lembaga, seats=5)
    for _ in range(3):
        enrol(offering, status="not_started")
    page = client.get(edit_url(offering))
    response = submit(client, page, edit_url(offering), terms(price="500000", seats="2"))
    assert 'id="seats-error"' in response.text
    assert db.session.get(Offering, offering.id).seats == 5
    submit(client, page, edit_url(offering), terms(price="500000", seats="3"))
    assert db.session.get(Offering, offering.id).seats == 3  # exactly the seats taken is fine


def test_an_offering_with_registrants_keeps_its_price(client, lembaga):
    offering = offering_of(lembaga, price=500_000)
    enrol(offering, status="not_started")
    page = client.get(edit_url(offering))
    assert 'id="price-fixed"' in page.text
    response = submit(client, page, edit_url(offering), terms(price="400000"))
    assert 'id="price-error"' in response.text
    assert db.session.get(Offering, offering.id).price == 500_000
    # Everything else may still change, the price given unchanged.
    submit(client, page, edit_url(offering), terms(price="500000", seats="40"))
    assert db.session.get(Offering, offering.id).seats == 40
    assert len(events("offering.update")) == 1


def test_the_price_may_change_without_registrants(client, lembaga):
    fresh = offering_of(lembaga, price=500_000)
    submit(client, client.get(edit_url(fresh)), edit_url(fresh), terms(price="450000"))
    assert db.session.get(Offering, fresh.id).price == 450_000
    draft = offering_of(lembaga, price=500_000, published=False, programme=a_programme("Menjahit"))
    submit(client, client.get(edit_url(draft)), edit_url(draft), terms(price="450000"))
    assert db.session.get(Offering, draft.id).price == 450_000


def test_unpublishing_does_not_unfix_a_sold_price(client, lembaga):
    """Unpublish, reprice, publish again: the registrants' price must survive the trick."""
    hidden = offering_of(lembaga, price=500_000, published=False)
    enrol(hidden)
    page = client.get(edit_url(hidden))
    assert 'id="price-fixed"' in page.text
    response = submit(client, page, edit_url(hidden), terms(price="1000000"))
    assert 'id="price-error"' in response.text and "Rp500.000" in response.text
    assert db.session.get(Offering, hidden.id).price == 500_000


def _actor(lembaga):
    return Actor(lembaga.staff, IP)


def test_a_purchase_racing_the_edit_wins_over_the_seats(app, lembaga):
    offering = offering_of(lembaga, seats=5, seats_taken=2)
    loaded = db.session.get(Offering, offering.id)
    # Purchases commit between the page load and the save: 4 seats are taken now.
    db.session.execute(update(Offering).where(Offering.id == offering.id).values(seats_taken=4)
                       .execution_options(synchronize_session=False))
    with pytest.raises(DomainError) as refused:
        update_offering(_actor(lembaga), loaded, 500_000, 3, "daring", "Bandung", "32", date(2021, 4, 1),
                        date(2021, 4, 15), START)
    assert refused.value.field == "seats"
    db.session.rollback()
    assert db.session.get(Offering, offering.id).seats == 5


def test_a_first_purchase_racing_the_edit_fixes_the_price(app, lembaga):
    offering = offering_of(lembaga, price=500_000)
    loaded = db.session.get(Offering, offering.id)
    db.session.execute(update(Offering).where(Offering.id == offering.id).values(seats_taken=1)
                       .execution_options(synchronize_session=False))
    with pytest.raises(DomainError) as refused:
        update_offering(_actor(lembaga), loaded, 300_000, 20, "daring", "Bandung", "32", date(2021, 4, 1),
                        date(2021, 4, 15), START)
    assert refused.value.field == "price"
