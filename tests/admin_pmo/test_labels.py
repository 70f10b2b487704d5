"""Lembaga: Berikan label / Cabut label, and what a withdrawn label means for participants."""
import re

from sqlalchemy import select

from portal import clock as portal_clock
from portal.extensions import db
from portal.models import AuditEvent, Enrollment, Provider
from portal.services.purchases import buy_training
from tests.admin_pmo import audit_actions, login_admin, submit, token
from tests.conftest import START
from tests.factories import create_card, create_offering, create_participant, create_programme, create_provider
from tests.prakerja.conftest import enter_card

PAGE = "/admin/lembaga"


def states(html: str) -> list[tuple[int, str]]:
    return [(int(i), s) for i, s in re.findall(r'<tr id="provider-(\d+)" data-provider="\d+" data-state="(\w+)"', html)]


def test_requests_come_first_then_by_name(client, auth, clock):
    labelled = create_provider("LPK Cahaya", labelled=True)
    plain = create_provider("BLK Anggrek", labelled=False)
    later = create_provider("LPK Zamrud", labelled=False, label_requested_at=START)
    earlier = create_provider("LPK Yasmin", labelled=False, label_requested_at=START.replace(hour=1))
    login_admin(auth)
    html = client.get(PAGE).get_data(as_text=True)
    assert states(html) == [(earlier.id, "requested"), (later.id, "requested"), (plain.id, "none"),
                            (labelled.id, "labelled")]
    assert f'action="{PAGE}/{labelled.id}/cabut"' in html and f'action="{PAGE}/{plain.id}/berikan"' in html
    assert f'action="{PAGE}/{labelled.id}/berikan"' not in html


def test_granting_answers_the_request_and_lets_the_card_pay(client, auth, clock):
    provider = create_provider("LPK Yasmin", labelled=False, label_requested_at=START)
    offering = create_offering(provider=provider)
    login_admin(auth)
    page = submit(client, client.get(PAGE), f"{PAGE}/{provider.id}/berikan")
    assert page.request.path == PAGE and (provider.id, "labelled") in states(page.get_data(as_text=True))
    provider = db.session.get(Provider, provider.id)
    assert provider.prakerja_label and provider.label_granted_at == START and provider.label_requested_at is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "label.grant"))
    assert (event.subject, event.actor_role, event.ip, event.at) == (f"provider:{provider.id}", "admin", "127.0.0.1",
                                                                     START)

    auth.logout()
    user = create_participant()
    card = create_card(user)
    auth.login()
    assert enter_card(client, offering.id, card.number).request.path.startswith("/prakerja/verifikasi/")


def test_granting_twice_is_refused_and_recorded_once(client, auth, clock):
    provider = create_provider(labelled=False)
    login_admin(auth)
    page = client.get(PAGE)
    submit(client, page, f"{PAGE}/{provider.id}/berikan")
    again = client.post(f"{PAGE}/{provider.id}/berikan", data={"csrf_token": token(page)}, follow_redirects=True)
    assert 'class="alert alert--error"' in again.get_data(as_text=True)
    assert audit_actions() == [("label.grant", f"provider:{provider.id}")]


def test_withdrawing_stops_new_purchases_but_keeps_bought_trainings(client, auth, clock):
    provider = create_provider("LPK Cipta Bandung", labelled=True, label_granted_at=START)
    bought = create_offering(programme=create_programme("Pemrograman Web Dasar"), provider=provider, price=400_000)
    other = create_offering(programme=create_programme("Desain Grafis"), provider=provider, price=300_000)
    user = create_participant()
    card = create_card(user)
    enrollment = buy_training(user, card, bought, portal_clock.now())
    db.session.commit()

    login_admin(auth)
    page = submit(client, client.get(PAGE), f"{PAGE}/{provider.id}/cabut")
    assert (provider.id, "withdrawn") in states(page.get_data(as_text=True))
    provider = db.session.get(Provider, provider.id)
    assert not provider.prakerja_label and provider.label_granted_at == START
    assert audit_actions()[-1] == ("label.withdraw", f"provider:{provider.id}")
    again = client.post(f"{PAGE}/{provider.id}/cabut", data={"csrf_token": token(page)}, follow_redirects=True)
    assert 'class="alert alert--error"' in again.get_data(as_text=True)
    assert [a for a, _ in audit_actions()].count("label.withdraw") == 1

    auth.logout()
    auth.login()
    refused = enter_card(client, other.id, card.number)
    assert refused.request.path == f"/prakerja/daftar/{other.id}"
    assert "tidak berlabel Kartu Prakerja" in refused.get_data(as_text=True)
    assert db.session.scalar(select(Enrollment.id).where(Enrollment.offering_id == other.id)) is None
    portfolio = client.get("/portofolio/").get_data(as_text=True)
    assert f'id="training-{enrollment.id}"' in portfolio and "Pemrograman Web Dasar" in portfolio


def test_a_withdrawn_provider_can_ask_again_and_be_granted_again(client, auth, clock):
    provider = create_provider(labelled=True)
    login_admin(auth)
    submit(client, client.get(PAGE), f"{PAGE}/{provider.id}/cabut")
    provider = db.session.get(Provider, provider.id)
    provider.label_requested_at = START
    db.session.commit()
    assert states(client.get(PAGE).get_data(as_text=True)) == [(provider.id, "requested")]
    submit(client, client.get(PAGE), f"{PAGE}/{provider.id}/berikan")
    assert db.session.get(Provider, provider.id).prakerja_label


def test_unknown_provider_is_404(client, auth):
    login_admin(auth)
    page = client.get(PAGE)
    assert client.post(f"{PAGE}/999/berikan", data={"csrf_token": token(page)}).status_code == 404
