"""Who may use the provider portal: only staff, only for their own lembaga."""
import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import AuditEvent, Offering
from tests.factories import create_user
from tests.provider.conftest import ADMIN_NIK, enrol, make_staff, offering_of, token

GET_PAGES = ("/lembaga/", "/lembaga/profil", "/lembaga/pelatihan/baru")


def offering_urls(offering_id: int) -> dict[str, tuple[str, ...]]:
    base = f"/lembaga/pelatihan/{offering_id}"
    return {
        "GET": (f"{base}/ubah", f"{base}/peserta", f"{base}/sesi"),
        "POST": (f"{base}/ubah", f"{base}/terbitkan", f"{base}/tarik", f"{base}/sesi"),
    }


def provider_rules(app):
    return [r for r in app.url_map.iter_rules() if r.endpoint.startswith("provider.")]


def test_every_provider_page_is_for_provider_staff_only(app):
    rules = {r.endpoint: app.view_functions[r.endpoint].access_rule for r in provider_rules(app)}
    assert set(rules) == {
        "provider.index", "provider.profile", "provider.new_offering", "provider.edit_offering", "provider.publish",
        "provider.unpublish", "provider.registrants", "provider.confirm", "provider.request_label",
        "provider.session_plan",
    }
    assert set(rules.values()) == {"roles:provider_staff"}


def test_another_providers_offering_is_not_found(client, lembaga, other):
    theirs = offering_of(other, published=False)
    for url in offering_urls(theirs.id)["GET"]:
        assert client.get(url).status_code == 404, url
    csrf = token(client)
    for url in offering_urls(theirs.id)["POST"]:
        response = client.post(url, data={"csrf_token": csrf, "price": "1", "seats": "5", "titles": "Satu"})
        assert response.status_code == 404, url
    assert db.session.get(Offering, theirs.id).published is False
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 0


def test_an_unknown_offering_is_not_found(client, lembaga):
    for url in offering_urls(999)["GET"]:
        assert client.get(url).status_code == 404, url


def test_another_providers_registrant_is_not_found(client, lembaga, other):
    theirs = enrol(offering_of(other))
    data = {"csrf_token": token(client), f"e{theirs.id}-score": "90", f"e{theirs.id}-result": "passed"}
    assert client.post(f"/lembaga/peserta/{theirs.id}/konfirmasi", data=data).status_code == 404
    db.session.refresh(theirs)
    assert (theirs.status, theirs.score) == ("awaiting_confirmation", None)
    assert client.post("/lembaga/peserta/999/konfirmasi", data=data).status_code == 404


@pytest.mark.parametrize("role", ["job_seeker", "admin"])
def test_job_seekers_and_admins_are_refused(client, auth, lembaga, role):
    mine = enrol(offering_of(lembaga))
    auth.logout()
    create_user(nik=ADMIN_NIK, email="orang@contoh.id", role=role, full_name="Bukan Staf")
    auth.login(ADMIN_NIK)
    for url in (*GET_PAGES, *offering_urls(mine.offering_id)["GET"]):
        assert client.get(url).status_code == 403, url
    csrf = token(client)
    for url in (*offering_urls(mine.offering_id)["POST"], "/lembaga/label",
                f"/lembaga/peserta/{mine.id}/konfirmasi"):
        assert client.post(url, data={"csrf_token": csrf}).status_code == 403, url


def test_anonymous_visitors_are_sent_to_login(client, lembaga):
    mine = offering_of(lembaga)
    client.post("/keluar", data={"csrf_token": token(client)})
    for url in (*GET_PAGES, *offering_urls(mine.id)["GET"]):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/masuk"), url


def test_a_post_without_csrf_token_is_a_bad_request(client, lembaga):
    mine = offering_of(lembaga, published=False)
    waiting = enrol(mine)
    for url in (*offering_urls(mine.id)["POST"], "/lembaga/label", "/lembaga/profil", "/lembaga/pelatihan/baru",
                f"/lembaga/peserta/{waiting.id}/konfirmasi"):
        assert client.post(url, data={}).status_code == 400, url
    assert db.session.get(Offering, mine.id).published is False
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 0


def test_staff_without_a_provider_are_refused(client, auth, lembaga, other):
    auth.logout()
    loose = make_staff(other.provider, "3273011203850099", "lepas@contoh.id")
    loose.provider_id = None
    db.session.commit()
    auth.login("3273011203850099")
    assert client.get("/lembaga/").status_code == 403
