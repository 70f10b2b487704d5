"""Panduan Demo: the eight steps ticked off as the presenter goes, and nothing of it without demo mode."""
import re

from sqlalchemy import select

from portal.demo import guide
from portal.extensions import db
from portal.models import Enrollment
from tests.browser import form, form_posting_to
from tests.conftest import Auth
from tests.factories import PHONE, create_card, create_offering, create_participant, create_user
from tests.queries import statements_for

RESTART = "/demo/panduan/mulai-ulang"


def states(response) -> list[str]:
    """Each step's state on the page, in order: done, current or todo."""
    return re.findall(r'<li class="demo-step demo-step--(\w+)"', response.get_data(as_text=True))


def done(response) -> set[int]:
    return {n for n, state in enumerate(states(response), start=1) if state == "done"}


def test_a_visitor_has_every_step_ahead_and_the_first_is_current(client):
    page = client.get("/")
    html = page.get_data(as_text=True)
    assert states(page) == ["current"] + ["todo"] * 7
    assert '<li class="demo-step demo-step--current" aria-current="step"><a href="/buat-akun">' in html
    assert "<details>" in html and 'id="demo-guide-title"' in html  # closed: opens without JavaScript
    assert "css/demo.css" in html


def test_the_guide_ticks_off_the_tutorial_as_the_presenter_goes(app, client, auth, sms, clock):
    user = create_user()
    card = create_card(user)
    offering = create_offering(price=500_000)
    auth.login()
    assert done(client.get("/")) == {1}
    assert done(client.get("/pelatihan/")) == {1, 2}  # ticked on the page itself
    page = client.get("/pelatihan/daftar-peserta")
    page = (form(client, page, "Simpan").fill("Pendidikan Terakhir", "SMA / SMK / sederajat")
            .fill("Provinsi", "Jawa Barat").fill("Kabupaten/Kota", "Kota Bandung")
            .fill("Alamat", "Jl. Asia Afrika No. 8").submit())
    assert done(page) == {1, 2, 3}
    assert done(client.get(f"/pelatihan/program/{offering.programme.slug}")) == {1, 2, 3, 4}
    page = client.get(f"/prakerja/daftar/{offering.id}")
    assert done(page) == {1, 2, 3, 4, 5}
    page = form(client, page, "Kirim OTP").fill("Nomor Kartu Prakerja", card.number).submit()
    assert states(page)[5] == "current"
    page = form(client, page, "Verifikasi").fill("Kode OTP", sms.last_code(PHONE)).submit()
    assert done(page) == {1, 2, 3, 4, 5, 6}
    portfolio = client.get("/portofolio/")
    assert states(portfolio)[6] == "current"
    training = re.search(r'href="(/portofolio/pelatihan/\d+)"', portfolio.get_data(as_text=True)).group(1)
    page = form(client, client.get(training), "Mulai Pelatihan").submit()
    assert states(page) == ["done"] * 8
    assert db.session.scalar(select(Enrollment.started_at)) is not None


def test_a_page_that_was_not_shown_is_not_a_visit(client, auth):
    create_user()
    assert client.get("/pelatihan/program/tidak-ada").status_code == 404
    assert client.get("/prakerja/daftar/1").status_code == 302  # not a participant yet: sent elsewhere
    auth.login()
    assert done(client.get("/")) == {1}


def test_steps_come_from_this_account_not_from_others(client, auth, clock):
    create_participant(nik="3273014508950011")
    create_user()
    auth.login()
    assert done(client.get("/")) == {1}


def test_restart_forgets_the_visits_and_keeps_what_the_account_did(client, auth):
    create_user()
    auth.login()
    client.get("/pelatihan/")
    page = client.get("/portofolio/")
    assert done(page) == {1, 2}
    page = form_posting_to(client, page, RESTART).submit()
    assert page.request.path == "/portofolio/" and done(page) == {1}


def test_restart_without_the_csrf_token_is_refused(client):
    page = client.get("/pelatihan/")
    refused = form_posting_to(client, page, RESTART).submit(drop=("csrf_token",))
    assert refused.status_code == 400
    assert done(client.get("/")) == {2}  # still remembered


def test_restart_goes_back_only_to_this_site(client):
    restart = form_posting_to(client, client.get("/"), RESTART)
    restart._form.inputs[-1].value = "https://phishing.example/"
    assert restart.submit(follow_redirects=False).headers["Location"] == "/"


def test_staff_and_admins_are_told_whose_steps_these_are(client, auth):
    create_user(role="admin")
    auth.login()
    page = client.get("/")
    assert states(page) == ["current"] + ["todo"] * 7 and 'class="demo-guide__note"' in page.get_data(as_text=True)


def test_the_panel_costs_at_most_one_statement_and_none_without_an_account(app, make_app, client, auth, clock):
    plain_app = make_app(DEMO_MODE=False)
    plain = plain_app.test_client()

    def without_demo(url: str) -> int:
        with plain_app.app_context():  # its own engine: count there
            return statements_for(plain, url)

    for url in ("/", "/pelatihan/"):
        assert statements_for(client, url) == without_demo(url), url
    create_card(create_user())
    auth.login()
    Auth(plain).login()
    for url in ("/", "/pelatihan/", "/portofolio/"):
        demo, without = statements_for(client, url), without_demo(url)
        assert demo - without <= 1, (url, demo, without)


def test_no_panel_and_no_hook_without_demo_mode(make_app):
    app = make_app(DEMO_MODE=False)
    assert guide.note_visit not in app.before_request_funcs.get(None, [])
    assert guide.remember_visit not in app.after_request_funcs.get(None, [])
    with app.test_request_context():
        assert "demo_guide" not in app.jinja_env.globals
        context = {}
        app.update_template_context(context)
        assert "demo_guide" not in context and "demo_phone_beside" not in context
    client = app.test_client()
    html = client.get("/pelatihan/").get_data(as_text=True)
    assert "demo-guide" not in html and "demo.css" not in html and RESTART not in html
    with client.session_transaction() as session:
        assert guide.SESSION_KEY not in session
    assert client.post(RESTART).status_code == 404
