"""The lembaga's dashboard, its profile, and the request for the Kartu Prakerja label."""
import re

from portal.extensions import db
from portal.models import Provider
from tests.conftest import START
from tests.factories import create_programme
from tests.provider.conftest import IP, detail, enrol, events, offering_of, submit
from tests.queries import statements_for


def test_the_dashboard_shows_profile_label_and_offerings(client, lembaga):
    draft = offering_of(lembaga, published=False, seats=10, price=750_000)
    busy = offering_of(lembaga, seats=3)
    enrol(busy)
    enrol(busy, status="in_progress")
    html = client.get("/lembaga/").get_data(as_text=True)
    assert 'data-kind="lpk_swasta"' in html and 'data-accreditation="B"' in html and "Jl. Asia Afrika No. 8" in html
    assert 'id="label-status" data-label="none"' in html
    assert re.search(rf'id="offering-{draft.id}" data-published="false"', html)
    assert re.search(rf'id="offering-{busy.id}" data-published="true"', html)
    assert 'data-price="750000">Rp750.000<' in html
    assert 'data-taken="2" data-seats="3"' in html
    assert 'data-registrants="2" data-awaiting="1"' in html
    assert 'data-registrants="0" data-awaiting="0"' in html
    for action in (f"/lembaga/pelatihan/{draft.id}/terbitkan", f"/lembaga/pelatihan/{busy.id}/tarik", "/lembaga/label"):
        assert f'action="{action}"' in html
    assert "inline-form" in html and "style=" not in html and "<script" not in html


def test_the_dashboard_runs_the_same_statements_for_many_offerings(client, lembaga):
    enrol(offering_of(lembaga))
    few = statements_for(client, "/lembaga/")
    for _ in range(4):
        enrol(offering_of(lembaga, programme=create_programme()))
    assert statements_for(client, "/lembaga/") == few


def test_the_profile_is_saved_and_audited(client, lembaga):
    page = client.get("/lembaga/profil")
    assert "Jl. Asia Afrika No. 8</textarea>" in page.text
    response = submit(client, page, "/lembaga/profil", {
        "kind": "blk_komunitas", "accreditation": "A", "address": "Jl. Braga No. 10", "city": "Kota Cimahi",
        "province": "32",
    })
    assert response.request.path == "/lembaga/"
    provider = db.session.get(Provider, lembaga.provider.id)
    assert (provider.kind, provider.accreditation, provider.address, provider.city) == (
        "blk_komunitas", "A", "Jl. Braga No. 10", "Kota Cimahi")
    [event] = events("provider.update_profile")
    assert (event.actor_id, event.actor_role, event.subject, event.ip) == (
        lembaga.staff.id, "provider_staff", f"provider:{provider.id}", IP)
    assert detail(event)["changed"]["kind"] == ["lpk_swasta", "blk_komunitas"]
    assert event.at == START


def test_a_bad_profile_changes_nothing(client, lembaga):
    page = client.get("/lembaga/profil")
    for values in ({"province": "99"}, {"kind": "universitas"}, {"accreditation": "Z"}, {"address": "  "},
                   {"city": "x" * 81}):
        response = submit(client, page, "/lembaga/profil", values)
        assert response.status_code == 200 and 'aria-invalid="true"' in response.text, values
    provider = db.session.get(Provider, lembaga.provider.id)
    assert (provider.kind, provider.accreditation, provider.province_code) == ("lpk_swasta", "B", "32")
    assert events("provider.update_profile") == []


def test_the_label_is_requested_once(client, lembaga):
    page = client.get("/lembaga/")
    submit(client, page, "/lembaga/label")
    provider = db.session.get(Provider, lembaga.provider.id)
    assert provider.label_requested_at == START and provider.prakerja_label is False
    [event] = events("provider.request_label")
    assert (event.actor_id, event.subject, event.ip) == (lembaga.staff.id, f"provider:{provider.id}", IP)

    html = client.get("/lembaga/").text
    assert 'data-label="requested"' in html and 'action="/lembaga/label"' not in html
    again = submit(client, page, "/lembaga/label")  # the stale page's button
    assert 'class="alert alert--error"' in again.text
    assert len(events("provider.request_label")) == 1


def test_a_labelled_provider_cannot_request_the_label(client, lembaga):
    lembaga.provider.prakerja_label = True
    db.session.commit()
    page = client.get("/lembaga/")
    assert 'data-label="granted"' in page.text and 'action="/lembaga/label"' not in page.text
    from tests.provider.conftest import token

    response = client.post("/lembaga/label", data={"csrf_token": token(client)}, follow_redirects=True)
    assert 'class="alert alert--error"' in response.text
    assert db.session.get(Provider, lembaga.provider.id).label_requested_at is None
    assert events("provider.request_label") == []
