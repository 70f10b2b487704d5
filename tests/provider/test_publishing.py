"""Publishing and unpublishing: the catalogue shows only published offerings; enrollments stay."""
from datetime import date

from portal.extensions import db
from portal.models import Enrollment, Offering
from portal.services.catalogue import programme_detail
from portal.services.purchases import offering_for_registration
from tests.provider.conftest import IP, enrol, events, offering_of, submit, token


def publish_url(offering) -> str:
    return f"/lembaga/pelatihan/{offering.id}/terbitkan"


def unpublish_url(offering) -> str:
    return f"/lembaga/pelatihan/{offering.id}/tarik"


def listed(offering) -> bool:
    detail = programme_detail(offering.programme.slug)
    return offering.id in {o.id for o in detail.offerings}


def test_publishing_lists_the_offering_in_the_catalogue(client, lembaga):
    offering = offering_of(lembaga, published=False)
    assert not listed(offering)
    response = submit(client, client.get("/lembaga/"), publish_url(offering))
    assert response.request.path == "/lembaga/"
    assert 'class="alert alert--success"' in response.text
    offering = db.session.get(Offering, offering.id)
    assert offering.published is True and listed(offering)
    [event] = events("offering.publish")
    assert (event.actor_id, event.actor_role, event.subject, event.ip) == (
        lembaga.staff_id, "provider_staff", f"offering:{offering.id}", IP)
    assert f'action="{unpublish_url(offering)}"' in response.text


def test_unpublishing_hides_it_and_stops_purchases_but_keeps_enrollments(client, lembaga):
    offering = offering_of(lembaga)
    bought = enrol(offering, status="in_progress")
    submit(client, client.get("/lembaga/"), unpublish_url(offering))
    offering = db.session.get(Offering, offering.id)
    assert offering.published is False and not listed(offering)
    assert offering_for_registration(offering.id) is None  # the purchase pages no longer find it
    enrollment = db.session.get(Enrollment, bought.id)
    assert (enrollment.status, offering.seats_taken) == ("in_progress", 1)
    [event] = events("offering.unpublish")
    assert (event.subject, event.ip) == (f"offering:{offering.id}", IP)
    # Its registrants still appear to the lembaga.
    assert f'id="registrant-{bought.id}"' in client.get(f"/lembaga/pelatihan/{offering.id}/peserta").text


def test_a_repeated_press_changes_nothing(client, lembaga):
    offering = offering_of(lembaga, published=False)
    page = client.get("/lembaga/")
    submit(client, page, publish_url(offering))
    again = submit(client, page, publish_url(offering))  # the stale page's button
    assert 'class="alert alert--success"' not in again.text
    assert len(events("offering.publish")) == 1


def test_an_ended_training_cannot_be_published(client, lembaga):
    offering = offering_of(lembaga, published=False, start_date=date(2021, 2, 1), end_date=date(2021, 3, 9))
    response = client.post(publish_url(offering), data={"csrf_token": token(client)}, follow_redirects=True)
    assert 'class="alert alert--error"' in response.text
    assert db.session.get(Offering, offering.id).published is False
    assert events("offering.publish") == []
