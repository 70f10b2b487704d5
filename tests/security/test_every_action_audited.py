"""Every POST of a staff area (the PMO's admin, the lembaga's provider pages) writes an audit row.

The test walks the URL map: each POST endpoint of a staff area must have an entry in ACTIONS (one
successful submission through the real form) or in NOT_STAFF_ACTIONS (with the reason it is not a
staff action), so a new route cannot be added without deciding. Each submission must leave an audit
row naming an `AuditAction` with words in both languages, the actor's id and a time, and the PMO's
audit page must show it in words, not codes.
"""
from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from portal import clock as portal_clock
from portal import labels
from portal.extensions import db
from portal.jobs.sweep import revoke_expired_cards
from portal.models import AuditAction, AuditEvent, Provider, User
from tests.admin_pmo import ADMIN_NIK, login_admin, nik, upload
from tests.admin_pmo import submit as admin_submit
from tests.browser import form, form_posting_to
from tests.conftest import Auth
from tests.factories import create_card, create_category, create_programme, create_provider, create_user, create_wave
from tests.provider.conftest import add_sessions, enrol, lembaga, mark_done, offering_of  # noqa: F401 (a fixture)
from tests.provider.conftest import submit as staff_submit

STAFF_AREAS = ("admin", "provider", "demo")
# POSTs outside the staff areas: what a job seeker (or any visitor) does to their own account.
JOB_SEEKER_AREAS = ("auth", "main", "portfolio", "prakerja", "training")
NOT_STAFF_ACTIONS = {
    # A visitor's demo convenience (restart the guided tour): it changes nothing but their own session.
    "demo.restart_guide",
}
PAST_FIRST_DEADLINE = datetime(2021, 4, 9, 17, 0, tzinfo=UTC)  # cards accepted 10 March are revoked here


# --- one successful submission per endpoint; each returns the acting user -------------------------

def _add_category(client, auth):
    admin = login_admin(auth)
    admin_submit(client, client.get("/admin/kategori"), "/admin/kategori", name="Garmen / Menjahit")
    return admin


def _rename(client, auth):
    category = create_category("Teknologi Informasi", slug="teknologi-informasi")
    admin = login_admin(auth)
    admin_submit(client, client.get("/admin/kategori"), f"/admin/kategori/{category.id}/ganti-nama",
                 **{f"category-{category.id}-name": "Teknologi Digital"})
    return admin


def _programme_fields(category, **overrides):
    return {"title": "Pemasaran Digital untuk UMKM", "category": str(category.id), "hours": "24",
            "description": "Belajar memasarkan produk lewat media sosial.", "slug": "", **overrides}


def _new_programme(client, auth):
    category = create_category("Bisnis", slug="bisnis")
    admin = login_admin(auth)
    admin_submit(client, client.get("/admin/program/baru"), "/admin/program/baru", **_programme_fields(category))
    return admin


def _programme(client, auth):
    programme = create_programme(title="Pemasaran Digital")
    admin = login_admin(auth)
    url = f"/admin/program/{programme.id}"
    admin_submit(client, client.get(url), url, title="Pemasaran Digital Lanjutan")
    return admin


def _grant(client, auth):
    provider = create_provider("LPK Yasmin", labelled=False)
    admin = login_admin(auth)
    admin_submit(client, client.get("/admin/lembaga"), f"/admin/lembaga/{provider.id}/berikan")
    return admin


def _withdraw(client, auth):
    provider = create_provider("LPK Yasmin", labelled=True)
    admin = login_admin(auth)
    admin_submit(client, client.get("/admin/lembaga"), f"/admin/lembaga/{provider.id}/cabut")
    return admin


def _issue(client, auth):
    create_wave(13, quota=10)
    admin = login_admin(auth)
    admin_submit(client, client.get("/admin/kartu"), "/admin/kartu/terbitkan", nik=nik(1), name="Budi Santoso",
                 phone="0812 3456 7001", wave="13", accepted_at="", mother="Sri Wahyuni")
    return admin


def _upload(client, auth):
    create_wave(13, quota=10)
    admin = login_admin(auth)
    upload(client, f"nik,nama,hp\n{nik(1)},Budi Santoso,081234567001\n".encode())
    return admin


def _run_job(client, auth):
    admin = login_admin(auth)
    form_posting_to(client, client.get("/admin/gelombang"), "/admin/jobs/sweep/jalankan").submit()
    return admin


def _demo_clock(client, auth):
    admin = login_admin(auth)
    form(client, client.get("/admin/gelombang"), "+1 hari").submit()
    assert portal_clock.offset() == timedelta(days=1)  # the clock moved: only the audit row may be missing
    return admin


def _demo_clock_wave_deadline(client, auth):
    wave = create_wave(13, quota=5)
    create_card(wave=wave, nik=nik(1))
    admin = login_admin(auth)
    before = portal_clock.now()
    form(client, client.get("/admin/gelombang"), "Ke pukul 23.59.30 WIB pada hari tenggatnya").submit()
    assert portal_clock.now() > before + timedelta(days=1)  # the clock moved: only the audit row may be missing
    return admin


def _recycle(client, auth, clock):
    wave = create_wave(12, quota=5)
    for serial in (1, 2):
        create_card(wave=wave, nik=nik(serial))
    clock.move_to(PAST_FIRST_DEADLINE)
    assert revoke_expired_cards(portal_clock.now())["revoked"] == 2
    admin = login_admin(auth)
    filled = form(client, client.get("/admin/gelombang"), "Buka gelombang baru dari kuota pencabutan")
    html = filled.fill("Nomor gelombang baru", "17").fill("Tempat dari gelombang 12", "2").submit().text
    assert "Gelombang 17 dibuka" in html  # the wave opened: only the audit row may be missing
    return admin


def _new_offering(client, ours):
    programme = create_programme(title="Digital Marketing untuk UMKM")
    staff_submit(client, client.get("/lembaga/pelatihan/baru"), "/lembaga/pelatihan/baru", {
        "programme": programme.id, "price": "750.000", "seats": "25", "mode": "campuran", "city": "Kota Bandung",
        "province": "32", "start_date": "2021-04-05", "end_date": "2021-04-30"})


def _edit_offering(client, ours):
    url = f"/lembaga/pelatihan/{offering_of(ours).id}/ubah"
    staff_submit(client, client.get(url), url, {"seats": "40"})


def _publish(client, ours):
    offering = offering_of(ours, published=False)
    staff_submit(client, client.get("/lembaga/"), f"/lembaga/pelatihan/{offering.id}/terbitkan")


def _unpublish(client, ours):
    offering = offering_of(ours, published=True)
    staff_submit(client, client.get("/lembaga/"), f"/lembaga/pelatihan/{offering.id}/tarik")


def _session_plan(client, ours):
    url = f"/lembaga/pelatihan/{offering_of(ours).id}/sesi"
    staff_submit(client, client.get(url), url, {"titles": "Pengenalan\r\nPraktik"})


def _confirm(client, ours):
    offering = offering_of(ours)
    [session] = add_sessions(offering.programme_id, "Pengenalan")
    enrollment = enrol(offering, status="awaiting_confirmation")
    mark_done(enrollment, session)
    page = client.get(f"/lembaga/pelatihan/{offering.id}/peserta")
    staff_submit(client, page, f"/lembaga/peserta/{enrollment.id}/konfirmasi",
                 {f"e{enrollment.id}-score": 85, f"e{enrollment.id}-result": "passed"})


def _profile(client, ours):
    staff_submit(client, client.get("/lembaga/profil"), "/lembaga/profil", {"accreditation": "A"})


def _request_label(client, ours):
    staff_submit(client, client.get("/lembaga/"), "/lembaga/label")


ADMIN_ACTIONS = {
    "admin.add_category": _add_category, "admin.rename": _rename, "admin.new_programme": _new_programme,
    "admin.programme": _programme, "admin.grant": _grant, "admin.withdraw": _withdraw, "admin.issue": _issue,
    "admin.upload": _upload, "admin.run_job": _run_job, "admin.demo_clock": _demo_clock,
    "admin.demo_clock_wave_deadline": _demo_clock_wave_deadline, "admin.recycle": _recycle,
}
PROVIDER_ACTIONS = {
    "provider.new_offering": _new_offering, "provider.edit_offering": _edit_offering, "provider.publish": _publish,
    "provider.unpublish": _unpublish, "provider.session_plan": _session_plan, "provider.confirm": _confirm,
    "provider.profile": _profile, "provider.request_label": _request_label,
}
ACTIONS = {**ADMIN_ACTIONS, **PROVIDER_ACTIONS}


def _post_endpoints(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}


def test_every_staff_post_route_has_a_submission_or_a_reason(app):
    endpoints = _post_endpoints(app)
    staff = {e for e in endpoints if e.split(".")[0] in STAFF_AREAS}
    assert len(staff) >= 20
    assert sorted(staff - set(ACTIONS) - NOT_STAFF_ACTIONS) == []  # a new staff route must decide
    assert sorted(set(ACTIONS) - endpoints) == []  # and a removed one leaves the table
    unknown_areas = {e.split(".")[0] for e in endpoints} - set(STAFF_AREAS) - set(JOB_SEEKER_AREAS)
    assert unknown_areas == set()  # a new blueprint decides whether it is a staff area


def _events() -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)))


def _admin_client(app, client, actor: User):
    """A client logged in as the PMO (the same one when the actor is the PMO)."""
    if actor.role == "admin":
        return client
    create_user(nik=ADMIN_NIK, email="pmo@contoh.id", role="admin", full_name="Admin PMO")
    other = app.test_client()
    Auth(other).login(ADMIN_NIK)
    return other


def _row(html: str, event_id: int) -> str:
    match = re.search(rf'<tr class="audit-event" id="event-{event_id}".*?</tr>', html, re.S)
    assert match, f"event {event_id} is not on the audit page"
    return match.group(0)


def _cell(row: str, name: str) -> str:
    return re.sub(r"<[^>]+>", " ", re.search(rf'<td class="{name}">(.*?)</td>', row, re.S).group(1))


def _params():
    for endpoint in sorted(ACTIONS):
        yield pytest.param(endpoint, id=endpoint)


@pytest.fixture
def portal_time():
    """The demo offset is process-global: put it back whatever the test did."""
    yield
    portal_clock.set_offset(timedelta(0))


@pytest.mark.parametrize("endpoint", list(_params()))
def test_a_successful_submission_writes_an_audit_row_in_words(app, client, auth, clock, request, portal_time,
                                                             endpoint):
    before = db.session.scalar(select(func.count()).select_from(AuditEvent))
    submission = ACTIONS[endpoint]
    if endpoint in PROVIDER_ACTIONS:
        lembaga = request.getfixturevalue("lembaga")
        submission(client, lembaga)
        actor = lembaga.staff
    elif submission is _recycle:
        actor = submission(client, auth, clock)
    else:
        actor = submission(client, auth)

    new = _events()[before:]
    assert new, f"{endpoint} wrote no audit row"
    assert all(event.actor_id == actor.id and event.at is not None for event in new)
    for event in new:
        assert event.action in set(AuditAction)
        assert event.action in labels.AUDIT_ACTION
        assert set(json.loads(event.detail or "{}")) <= set(labels.AUDIT_DETAIL), event.detail
        with force_locale("id"):
            words_id = str(labels.AUDIT_ACTION[event.action])
        with force_locale("en"):
            words_en = str(labels.AUDIT_ACTION[event.action])
        assert words_id != words_en, f"{event.action} has no Indonesian words"

    html = _admin_client(app, client, actor).get("/admin/audit").text
    for event in new:
        row = _row(html, event.id)
        where = "Manajemen Pelaksana Prakerja" if actor.role == "admin" else \
            db.session.get(Provider, actor.provider_id).name
        assert f'<span class="muted actor-institution">{where}</span>' in row
        action = _cell(row, "audit-action")
        with force_locale("id"):
            assert action.strip() == str(labels.AUDIT_ACTION[event.action])
        detail = _cell(row, "audit-detail")
        assert event.action not in action and "True" not in detail and "False" not in detail
        assert not re.search(r"\d{4}-\d{2}-\d{2}T\d", detail), detail  # times in WIB, not ISO
        assert not re.search(r"\b[a-z]+_[a-z_]+\b", detail), detail  # no raw detail keys
