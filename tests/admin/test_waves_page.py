"""The admin's Gelombang page: wave figures, the chart, Jalankan sekarang, recycling, the demo clock."""
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal import clock as portal_clock
from portal.extensions import db
from portal.jobs.sweep import revoke_expired_cards
from portal.models import AuditEvent, DemoClock, JobRun, Wave, WaveRecycling
from portal.services.democlock import load_demo_clock, register_demo_clock
from portal.services.ledger import check_ledger
from tests.browser import form, form_posting_to
from tests.conftest import Auth
from tests.factories import create_card, create_user, create_wave, mark_bought

ADMIN_NIK = "3171011203850004"
PAGE = "/admin/gelombang"
PAST_FIRST_DEADLINE = datetime(2021, 4, 9, 17, 0, tzinfo=UTC)  # 10 April 00.00 WIB: cards accepted 10 March expire


def nik(serial: int) -> str:
    return f"32730145089500{serial:02d}"


def admin():
    return create_user(nik=ADMIN_NIK, email="pmo@contoh.id", role="admin", full_name="Admin PMO")


def figures_of(html: str, wave: int) -> dict[str, int]:
    row = re.search(rf'<tr id="wave-{wave}".*?</tr>', html, re.S).group(0)
    return {key: int(value) for key, value in re.findall(r'data-figure="(\w+)">(\d+)<', row)}


def token(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def waves_state():
    rows = db.session.execute(select(Wave.number, Wave.quota, Wave.recycled_out).order_by(Wave.number)).all()
    return [tuple(r) for r in rows], db.session.scalar(select(func.count(WaveRecycling.id)))


@pytest.fixture
def portal_time():
    """The demo offset is process-global: put it back whatever the test did."""
    yield
    portal_clock.share_offset(None)
    portal_clock.set_offset(timedelta(0))


@pytest.fixture
def revoked_waves(clock):
    """Wave 12: 3 cards, one bought, two revoked. Wave 13: 2 cards accepted later, both waiting."""
    w12, w13 = create_wave(12, quota=5), create_wave(13, quota=4)
    cards = [create_card(wave=w12, nik=nik(i)) for i in (1, 2, 3)]
    mark_bought(cards[0], portal_clock.now())
    db.session.commit()
    for i in (4, 5):
        create_card(wave=w13, nik=nik(i), accepted_at=portal_clock.now() + timedelta(days=5))
    admin()
    clock.move_to(PAST_FIRST_DEADLINE)
    assert revoke_expired_cards(portal_clock.now())["revoked"] == 2


def test_figures_per_wave_and_the_chart(client, auth, revoked_waves):
    auth.login(ADMIN_NIK)
    html = client.get(PAGE).get_data(as_text=True)
    for header in ("Gelombang", "Kuota", "Kartu terbit", "Sudah membeli", "Belum membeli", "Dicabut", "Didaur ulang",
                   "Sisa kuota pencabutan"):
        assert f">{header}</th>" in html
    assert figures_of(html, 12) == dict(quota=5, issued=3, bought=1, not_yet_bought=0, revoked=2, recycled_out=0,
                                        recyclable=2)
    assert figures_of(html, 13) == dict(quota=4, issued=2, bought=0, not_yet_bought=2, revoked=0, recycled_out=0,
                                        recyclable=0)
    svg = re.search(r"<svg[^>]*>.*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg and "viewBox=" in svg and "style=" not in svg
    bars = re.findall(r'class="bar bar--(\w+)" data-wave="(\d+)" data-value="(\d+)"', svg)
    assert sorted(bars) == [("bought", "12", "1"), ("bought", "13", "0"),
                            ("revoked", "12", "2"), ("revoked", "13", "0")]
    assert f'href="{PAGE}" aria-current="page">Gelombang</a>' in html  # the nav item


def test_run_now_records_the_run_and_the_sweep_revokes(client, auth, clock):
    create_card(wave=create_wave(13, quota=10), nik=nik(1))
    admin()
    clock.move_to(PAST_FIRST_DEADLINE)
    auth.login(ADMIN_NIK)
    page = client.get(PAGE)
    assert "Jalankan sekarang" in page.get_data(as_text=True)
    html = form_posting_to(client, page, "/admin/jobs/sweep/jalankan").submit().get_data(as_text=True)
    run = db.session.scalar(select(JobRun))
    assert (run.job, run.trigger, run.status) == ("sweep", "manual", "ok")
    assert 'data-job="sweep" data-status="ok"' in html and "kartu dicabut: 1" in html
    assert "dikembalikan ke dana (Rp): 1000000" in html
    assert "Sabtu, 10 April 2021 00.00 WIB" in html  # when it ran, in WIB
    assert figures_of(html, 13)["revoked"] == 1


def test_unknown_job_is_404(client, auth):
    admin()
    auth.login(ADMIN_NIK)
    page = client.get(PAGE).get_data(as_text=True)
    assert client.post("/admin/jobs/tidak-ada/jalankan", data={"csrf_token": token(page)}).status_code == 404


def recycle(client, number: str, **places):
    page = client.get(PAGE)
    filled = form(client, page, "Buka gelombang baru dari kuota pencabutan").fill("Nomor gelombang baru", number)
    for wave, n in places.items():
        filled.fill(f"Tempat dari gelombang {wave.removeprefix('w')}", n)
    return filled


def test_recycling_opens_a_wave_and_recycles_each_place_once(client, auth, clock):
    w12, w13 = create_wave(12, quota=5), create_wave(13, quota=5)
    for i, wave in enumerate((w12, w12, w12, w13), start=1):
        create_card(wave=wave, nik=nik(i))
    admin()
    clock.move_to(PAST_FIRST_DEADLINE)
    revoke_expired_cards(portal_clock.now())
    auth.login(ADMIN_NIK)
    stale = recycle(client, "17", w12="2", w13="1")  # filled on a page that will be out of date
    html = recycle(client, "17", w12="2", w13="1").submit().get_data(as_text=True)
    assert "Gelombang 17 dibuka dengan 3 tempat dari kuota pencabutan." in html
    assert waves_state() == ([(12, 5, 2), (13, 5, 1), (17, 3, 0)], 2)
    assert figures_of(html, 12)["recyclable"] == 1 and figures_of(html, 17)["quota"] == 3

    stale.fill("Nomor gelombang baru", "18")
    html = stale.submit().get_data(as_text=True)  # wave 12 has 1 left, wave 13 none
    assert "Masukkan bilangan bulat dari 0 sampai 1." in html and "Masukkan bilangan bulat dari 0 sampai 0." in html
    assert waves_state() == ([(12, 5, 2), (13, 5, 1), (17, 3, 0)], 2)


@pytest.mark.parametrize("number, places, message", [
    ("18", "-1", "Masukkan bilangan bulat dari 0 sampai 2."),
    ("18", "1.5", "Masukkan bilangan bulat dari 0 sampai 2."),
    ("18", "dua", "Masukkan bilangan bulat dari 0 sampai 2."),
    ("18", "3", "Masukkan bilangan bulat dari 0 sampai 2."),
    ("", "1", "Masukkan nomor gelombang dari 1 sampai 9999."),
    ("0", "1", "Masukkan nomor gelombang dari 1 sampai 9999."),
    ("12", "1", "Gelombang 12 sudah ada."),
])
def test_recycling_refuses_bad_input_and_changes_nothing(client, auth, revoked_waves, number, places, message):
    auth.login(ADMIN_NIK)
    before = waves_state()
    response = recycle(client, number, w12=places).submit()
    assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert waves_state() == before


def test_demo_clock_moves_time_forward_and_back(client, auth, clock, portal_time):
    admin()
    auth.login(ADMIN_NIK)
    page = client.get(PAGE)
    assert "Rabu, 10 Maret 2021 10.00 WIB</dd>" in page.get_data(as_text=True)
    html = form(client, page, "+1 hari").submit().get_data(as_text=True)
    assert portal_clock.offset() == timedelta(days=1)
    assert 'data-offset-seconds="86400">Kamis, 11 Maret 2021 10.00 WIB</dd>' in html
    assert "Waktu portal sekarang Kamis, 11 Maret 2021 10.00 WIB." in html
    assert db.session.get(DemoClock, 1).offset_seconds == 86400
    html = form(client, client.get(PAGE), "Kembalikan ke waktu sebenarnya").submit().get_data(as_text=True)
    assert portal_clock.offset() == timedelta(0) and db.session.get(DemoClock, 1).offset_seconds == 0
    assert 'data-offset-seconds="0">Rabu, 10 Maret 2021 10.00 WIB</dd>' in html


def test_demo_clock_shows_a_card_revoked_live(client, auth, clock, portal_time):
    create_card(wave=create_wave(13, quota=10), nik=nik(1))
    admin()
    auth.login(ADMIN_NIK)
    form(client, client.get(PAGE), "Tepat setelah tenggat berikutnya").submit()
    assert portal_clock.now() == PAST_FIRST_DEADLINE
    html = form_posting_to(client, client.get(PAGE), "/admin/jobs/sweep/jalankan").submit().get_data(as_text=True)
    assert figures_of(html, 13)["revoked"] == 1
    html = form(client, client.get(PAGE), "Tepat setelah tenggat berikutnya").submit().get_data(as_text=True)
    assert "Tidak ada kartu yang menunggu tenggatnya" in html and portal_clock.now() == PAST_FIRST_DEADLINE


def test_demo_clock_accepts_only_its_steps(client, auth, portal_time):
    admin()
    auth.login(ADMIN_NIK)
    page = client.get(PAGE).get_data(as_text=True)
    assert client.post("/admin/jam-demo", data={"csrf_token": token(page), "step": "-1d"}).status_code == 400
    assert portal_clock.offset() == timedelta(0)


def test_demo_clock_does_not_exist_outside_demo_mode(make_app):
    app = make_app(DEMO_MODE=False)
    with app.app_context():
        admin()
        client = app.test_client()
        Auth(client).login(ADMIN_NIK)
        page = client.get(PAGE).get_data(as_text=True)
        assert "Jam demo" not in page and "/admin/jam-demo" not in page
        assert client.post("/admin/jam-demo", data={"csrf_token": token(page), "step": "1d"}).status_code == 404


def test_load_demo_clock_reads_the_stored_offset(app, make_app, portal_time):
    db.session.add(DemoClock(id=1, offset_seconds=7200))
    db.session.commit()
    assert load_demo_clock() == timedelta(hours=2) and portal_clock.offset() == timedelta(hours=2)
    db.session.commit()  # outside a request SQLite begins IMMEDIATE: end ours before start-up reads
    portal_clock.set_offset(timedelta(0))
    register_demo_clock(app)
    assert portal_clock.offset() == timedelta(hours=2)
    register_demo_clock(make_app(SQLALCHEMY_DATABASE_URI="sqlite://"))  # not migrated: no table, no crash
    assert portal_clock.offset() == timedelta(0)


ADMIN_POSTS = ("/admin/gelombang/daur-ulang", "/admin/jobs/sweep/jalankan", "/admin/jam-demo")


def test_a_job_seeker_gets_403_everywhere(client, auth):
    create_user()
    auth.login()
    page = client.get("/").get_data(as_text=True)
    assert f'href="{PAGE}"' not in page
    assert client.get(PAGE).status_code == 403
    for url in ADMIN_POSTS:
        assert client.post(url, data={"csrf_token": token(page), "step": "1d"}).status_code == 403, url


def test_anonymous_visitors_are_sent_to_masuk(client):
    page = client.get("/").get_data(as_text=True)
    assert client.get(PAGE).headers["Location"].startswith("/masuk")
    for url in ADMIN_POSTS:
        assert client.post(url, data={"csrf_token": token(page)}).headers["Location"].startswith("/masuk"), url


@pytest.mark.parametrize("button", ["Buka gelombang baru dari kuota pencabutan", "+1 hari", "Jalankan sekarang"])
def test_posts_without_csrf_are_refused(client, auth, portal_time, button):
    admin()
    auth.login(ADMIN_NIK)
    page = client.get(PAGE)
    chosen = form_posting_to(client, page, "/admin/jobs/sweep/jalankan") if button == "Jalankan sekarang" else \
        form(client, page, button)
    assert chosen.submit(drop=("csrf_token",)).status_code == 400
    assert portal_clock.offset() == timedelta(0) and not db.session.scalar(select(JobRun.id))


def test_recycling_proposes_all_each_wave_still_has_and_takes_them_in_one_go(client, auth, clock):
    """Wave 17 from several waves at once: the form proposes every place left in each wave."""
    sources = {12: 3, 13: 2, 14: 1}
    serial = 0
    for number, n in sources.items():
        wave = create_wave(number, quota=5)
        for _ in range(n):
            serial += 1
            create_card(wave=wave, nik=nik(serial))
    admin()
    clock.move_to(PAST_FIRST_DEADLINE)
    revoke_expired_cards(portal_clock.now())
    auth.login(ADMIN_NIK)
    page = client.get(PAGE)
    html = page.get_data(as_text=True)
    for number, n in sources.items():
        assert re.search(rf'name="from_wave_{number}"[^>]*value="{n}"', html), number  # the default proposal
    html = form(client, page, "Buka gelombang baru dari kuota pencabutan").fill("Nomor gelombang baru", "17") \
        .fill("Tanggal peserta dinyatakan lolos (WIB, opsional)", "2021-04-12").submit().get_data(as_text=True)
    assert "Gelombang 17 dibuka dengan 6 tempat dari kuota pencabutan." in html
    assert waves_state() == ([(12, 5, 3), (13, 5, 2), (14, 5, 1), (17, 6, 0)], 3)
    assert "(dari 6 tempat pencabutan)" in html
    wave = db.session.scalar(select(Wave).where(Wave.number == 17))
    assert wave.accepted_on.isoformat() == "2021-04-12" and wave.recycled_in == 6
    assert re.search(r'<tr id="wave-17".*?Rabu, 12 Mei 2021 23.59 WIB', html, re.S)  # its deadline, in WIB
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "wave.recycle"))
    assert event.subject == "wave:17" and '"sources": {"12": 3, "13": 2, "14": 1}' in event.detail
    assert "Tidak ada gelombang yang masih memiliki kuota pencabutan" in html or 'name="from_wave_' not in html
    assert check_ledger().balanced


def test_recycling_refuses_a_bad_acceptance_day_and_changes_nothing(client, auth, revoked_waves):
    auth.login(ADMIN_NIK)
    before = waves_state()
    filled = recycle(client, "17", w12="1").fill("Tanggal peserta dinyatakan lolos (WIB, opsional)", "8 April")
    response = filled.submit()
    assert response.status_code == 200 and waves_state() == before
    assert 'id="accepted_on-error"' in response.get_data(as_text=True)


def test_the_page_tells_the_days_story_and_links_the_public_page(client, auth, revoked_waves):
    auth.login(ADMIN_NIK)
    html = client.get(PAGE).get_data(as_text=True)
    assert 'href="/angka"' in html and "Hari ini" in html
    assert "2 tempat yang dicabut di Gelombang 12 belum didaur ulang" in html
