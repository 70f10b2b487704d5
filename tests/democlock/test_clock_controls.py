"""The Gelombang page's demo clock: controls that fit the story, each audited in words, refusals clear."""
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal import clock as portal_clock
from portal.extensions import db
from portal.models import AuditEvent
from portal.services.democlock import set_demo_time
from tests.browser import form
from tests.conftest import START, Auth
from tests.factories import create_card, create_user, create_wave

ADMIN_NIK = "3171011203850004"
PAGE = "/admin/gelombang"
SCENARIO = datetime(2021, 4, 8, 14, 0, tzinfo=UTC)  # Kamis, 8 April 2021 21.00 WIB


@pytest.fixture(autouse=True)
def real_time_after():
    yield
    portal_clock.share_offset(None)
    portal_clock.set_offset(timedelta(0))


@pytest.fixture
def presenter(client, auth, clock):
    create_card(wave=create_wave(13, quota=10), nik="3273014508950011")  # deadline Jumat, 9 April 2021 23.59 WIB
    create_user(nik=ADMIN_NIK, email="pmo@contoh.id", role="admin", full_name="Admin PMO")
    auth.login(ADMIN_NIK)
    return client


def audit_rows():
    return [(e.action, json.loads(e.detail)) for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_to_23_59_30_on_a_wave_deadline_day(presenter):
    page = presenter.get(PAGE)
    html = page.get_data(as_text=True)
    assert "Gelombang 13 (tenggat Jumat, 9 April 2021 23.59 WIB)" in html
    html = form(presenter, page, "Ke pukul 23.59.30 WIB pada hari tenggatnya").fill("Gelombang", "13") \
        .submit().get_data(as_text=True)
    assert portal_clock.now() == datetime(2021, 4, 9, 16, 59, 30, tzinfo=UTC)
    assert "Waktu portal sekarang Jumat, 9 April 2021 23.59 WIB." in html
    assert audit_rows() == [("demo_clock.move", {
        "control": "Pukul 23.59.30 WIB pada hari tenggat Gelombang 13",
        "before": "Rabu, 10 Maret 2021 10.00 WIB", "after": "Jumat, 9 April 2021 23.59 WIB"})]
    assert "Ke pukul 23.59.30 WIB pada hari tenggatnya" not in html  # no wave has its day ahead any more


@pytest.mark.parametrize("button, moved_to, words", [
    ("Ke tengah malam berikutnya (00.00 WIB)", datetime(2021, 3, 10, 17, 0, tzinfo=UTC),
     "Ke tengah malam berikutnya (00.00 WIB)"),
    ("+1 hari", START + timedelta(days=1), "+1 hari"),
    ("+7 hari", START + timedelta(days=7), "+7 hari"),
])
def test_midnight_a_day_a_week(presenter, button, moved_to, words):
    form(presenter, presenter.get(PAGE), button).submit()
    assert portal_clock.now() == moved_to
    [(action, detail)] = audit_rows()
    assert action == "demo_clock.move" and detail["control"] == words


def test_back_to_the_scenario_start_and_to_real_time(presenter, clock, auth):
    today = datetime(2026, 12, 8, 2, 0, tzinfo=UTC)
    clock.move_to(today)
    auth.login(ADMIN_NIK)  # the session of 2021 (real time, frozen) has long expired
    assert "Kembali ke awal skenario" not in presenter.get(PAGE).get_data(as_text=True)  # no scenario yet
    set_demo_time(SCENARIO, start=True)
    db.session.commit()
    html = presenter.get(PAGE).get_data(as_text=True)
    assert "Lebih mundur dari waktu sebenarnya" in html and "Kamis, 8 April 2021 21.00 WIB" in html
    form(presenter, presenter.get(PAGE), "+7 hari").submit()
    html = form(presenter, presenter.get(PAGE), "Kembali ke awal skenario").submit().get_data(as_text=True)
    assert portal_clock.now() == SCENARIO and "Waktu portal sekarang Kamis, 8 April 2021 21.00 WIB." in html
    form(presenter, presenter.get(PAGE), "Kembalikan ke waktu sebenarnya").submit()
    assert portal_clock.now() == today
    assert [d["control"] for _, d in audit_rows()] == [
        "+7 hari", "Kembali ke awal skenario", "Kembalikan ke waktu sebenarnya"]


def test_refusals_are_clear_and_move_nothing(presenter):
    html = presenter.get(PAGE).get_data(as_text=True)
    answer = presenter.post("/admin/jam-demo", data={"csrf_token": token(html), "step": "start"},
                            follow_redirects=True).get_data(as_text=True)
    assert "Belum ada skenario yang menetapkan waktu awal" in answer
    for wave in ("12", "13x", ""):  # no such wave, not a number, nothing chosen
        answer = presenter.post("/admin/jam-demo/gelombang", data={"csrf_token": token(html), "wave": wave},
                                follow_redirects=True).get_data(as_text=True)
        assert "Pilih gelombang yang tenggatnya belum lewat; waktu tidak digeser." in answer
    assert portal_clock.now() == START and audit_rows() == []


def test_a_wave_whose_day_has_passed_is_refused(presenter):
    stale = presenter.get(PAGE).get_data(as_text=True)  # wave 13 still offered on this page
    form(presenter, presenter.get(PAGE), "+7 hari").submit()
    set_demo_time(datetime(2021, 4, 10, tzinfo=UTC))
    db.session.commit()
    answer = presenter.post("/admin/jam-demo/gelombang", data={"csrf_token": token(stale), "wave": "13"},
                            follow_redirects=True).get_data(as_text=True)
    assert "Pilih gelombang yang tenggatnya belum lewat" in answer
    assert portal_clock.now() == datetime(2021, 4, 10, tzinfo=UTC)


def test_who_may_use_the_wave_control(client, auth, clock, make_app):
    create_user()
    auth.login()
    page = client.get("/").get_data(as_text=True)
    assert client.post("/admin/jam-demo/gelombang", data={"csrf_token": token(page), "wave": "13"}).status_code == 403
    auth.logout()
    page = client.get("/").get_data(as_text=True)
    anonymous = client.post("/admin/jam-demo/gelombang", data={"csrf_token": token(page), "wave": "13"})
    assert anonymous.headers["Location"].startswith("/masuk")
    other = make_app(DEMO_MODE=False)
    with other.app_context():
        create_user(nik=ADMIN_NIK, email="pmo@contoh.id", role="admin", full_name="Admin PMO")
        outside = other.test_client()
        Auth(outside).login(ADMIN_NIK)
        html = outside.get(PAGE).get_data(as_text=True)
        refused = outside.post("/admin/jam-demo/gelombang", data={"csrf_token": token(html), "wave": "13"})
        assert refused.status_code == 404


def test_the_wave_control_needs_its_csrf_token(presenter):
    page = presenter.get(PAGE)
    chosen = form(presenter, page, "Ke pukul 23.59.30 WIB pada hari tenggatnya").fill("Gelombang", "13")
    assert chosen.submit(drop=("csrf_token",)).status_code == 400
    assert portal_clock.now() == START and audit_rows() == []
