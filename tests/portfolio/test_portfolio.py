"""Portofolio as a participant uses it: see the trainings bought, press Mulai Pelatihan, mark sessions done.

Enrollments are made directly here (the purchase flow is another issue). Buttons are found by
their form's action URL and assertions read data and stable ids, never translated sentences.
"""
from __future__ import annotations

import re
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.demo.sessions import seed_training_sessions
from portal.extensions import db
from portal.models import Enrollment, SessionProgress, TrainingSession, User
from portal.services import DomainError, learning
from tests.browser import form_posting_to
from tests.conftest import START
from tests.factories import create_card, create_offering, create_participant, create_programme, create_provider
from tests.queries import statements_for

OTHER_NIK = "3273011203900001"


# --- pages and buttons -----------------------------------------------------------------------------

def press(client, page, action: str, **submit_kwargs):
    """Press the button of the form on `page` that posts to `action` (its text is translated)."""
    return form_posting_to(client, page, action).submit(**submit_kwargs)


def post_with_token(client, page, url: str, **kwargs):
    """POST to `url` with the CSRF token of `page`, as a crafted request would."""
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    return client.post(url, data={"csrf_token": token}, **kwargs)


def actions(page) -> list[str]:
    return re.findall(r'<form method="post"[^>]*action="([^"]+)"', page.get_data(as_text=True), re.S)


def article(page, enrollment_id: int) -> str:
    match = re.search(rf'id="training-{enrollment_id}"[^>]*>(.*?)</article>', page.get_data(as_text=True), re.S)
    assert match, f"no training {enrollment_id} on the page"
    return match.group(0)


def training_url(enrollment) -> str:
    return f"/portofolio/pelatihan/{enrollment.id}"


def start_url(enrollment) -> str:
    return f"{training_url(enrollment)}/mulai"


def done_url(enrollment, session) -> str:
    return f"{training_url(enrollment)}/sesi/{session.id}/selesai"


def reload(enrollment) -> Enrollment:
    db.session.expire_all()
    return db.session.get(Enrollment, enrollment.id)


def progress_rows(enrollment) -> int:
    return db.session.scalar(
        select(func.count()).select_from(SessionProgress).where(SessionProgress.enrollment_id == enrollment.id)
    )


# --- a participant with a bought training ------------------------------------------------------------

def add_sessions(programme, count: int = 5) -> list[TrainingSession]:
    sessions = [TrainingSession(programme_id=programme.id, position=n, title=f"Sesi {n}") for n in range(1, count + 1)]
    db.session.add_all(sessions)
    db.session.commit()
    return sessions


def enroll(user, card, offering, price: int | None = None, purchased_at=START, status="not_started") -> Enrollment:
    """An enrollment as the purchase flow will leave it."""
    enrollment = Enrollment(
        user_id=user.id, card_id=card.id, offering_id=offering.id, price_paid=price or offering.price,
        purchased_at=purchased_at, status=status,
    )
    db.session.add(enrollment)
    db.session.commit()
    return enrollment


@pytest.fixture
def bought(app, clock):
    """Siti bought "Pemrograman Web Dasar" (5 sessions) at LPK Cipta Bandung for Rp450.000."""
    user = create_participant()
    card = create_card(user, balance=550_000)
    programme = create_programme("Pemrograman Web Dasar")
    offering = create_offering(programme, create_provider("LPK Cipta Bandung"), price=450_000,
                               start_date=date(2021, 4, 1), end_date=date(2021, 4, 15))
    sessions = add_sessions(programme, 5)
    enrollment = enroll(user, card, offering, purchased_at=START - timedelta(hours=2))
    return {"user": user, "card": card, "offering": offering, "sessions": sessions, "enrollment": enrollment}


@pytest.fixture
def started(bought, client, auth):
    auth.login()
    enrollment = bought["enrollment"]
    press(client, client.get(training_url(enrollment)), start_url(enrollment))
    return bought


# --- the portfolio ---------------------------------------------------------------------------------

def test_portfolio_lists_the_training_with_status_price_provider_and_balance(client, auth, bought):
    auth.login()
    page = client.get("/portofolio/")
    assert page.status_code == 200
    training = article(page, bought["enrollment"].id)
    assert 'data-status="not_started"' in training and "LPK Cipta Bandung" in training
    assert f'<a href="{training_url(bought["enrollment"])}">Pemrograman Web Dasar</a>' in training
    assert "Rp450.000" in training
    assert "2021" in training and "WIB" in training  # bought on, in Jakarta time
    assert 'data-done="0" data-total="5"' in training
    html = page.get_data(as_text=True)
    assert 'data-balance="550000"' in html and "Rp550.000" in html
    assert "Kota Bandung" in html  # the participant profile is still there


def test_portfolio_lists_newest_purchase_first(client, auth, bought):
    programme = create_programme("Desain Grafis")
    newer = enroll(bought["user"], bought["card"], create_offering(programme), purchased_at=START)
    auth.login()
    html = client.get("/portofolio/").get_data(as_text=True)
    ids = [int(n) for n in re.findall(r'id="training-(\d+)"', html)]
    assert ids == [newer.id, bought["enrollment"].id]
    assert 'data-done="0" data-total="0"' in article(client.get("/portofolio/"), newer.id)


def test_the_training_page_offers_only_the_start_button(client, auth, bought):
    auth.login()
    enrollment = bought["enrollment"]
    page = client.get(training_url(enrollment))
    assert page.status_code == 200
    assert start_url(enrollment) in actions(page)
    assert not any("/sesi/" in action for action in actions(page))  # sessions open only after the start


# --- Mulai Pelatihan ---------------------------------------------------------------------------------

def test_start_records_the_start_once(client, auth, bought, clock):
    auth.login()
    enrollment = bought["enrollment"]
    page = client.get(training_url(enrollment))
    response = press(client, page, start_url(enrollment))
    assert response.status_code == 200 and response.request.path == training_url(enrollment)
    started = reload(enrollment)
    assert started.status == "in_progress" and started.started_at == START
    assert start_url(enrollment) not in actions(response)
    assert len([a for a in actions(response) if "/sesi/" in a]) == 5
    assert 'data-done="0" data-total="5"' in response.get_data(as_text=True)

    clock.shift(timedelta(minutes=5))
    again = press(client, page, start_url(enrollment))  # the same button, pressed again
    assert again.status_code == 200
    assert reload(enrollment).started_at == START and reload(enrollment).status == "in_progress"


# --- sessions ----------------------------------------------------------------------------------------

def test_marking_sessions_updates_progress_without_duplicates(client, started):
    enrollment, sessions = started["enrollment"], started["sessions"]
    page = client.get(training_url(enrollment))
    press(client, page, done_url(enrollment, sessions[0]))
    response = press(client, page, done_url(enrollment, sessions[2]))
    html = response.get_data(as_text=True)
    assert 'id="progress-summary" data-done="2" data-total="5"' in html
    assert '<progress class="progress" id="training-progress" max="5" value="2">2/5</progress>' in html
    assert re.search(rf'id="session-{sessions[0].id}" data-done="true"', html)
    assert re.search(rf'id="session-{sessions[1].id}" data-done="false"', html)
    assert done_url(enrollment, sessions[0]) not in actions(response)

    press(client, page, done_url(enrollment, sessions[0]))  # pressed again from the old page
    assert progress_rows(enrollment) == 2
    assert 'data-done="2" data-total="5"' in article(client.get("/portofolio/"), enrollment.id)
    assert reload(enrollment).status == "in_progress"


def test_a_session_of_another_programme_is_refused(client, started):
    foreign = add_sessions(create_programme("Menjahit Busana Muslim"), 1)[0]
    enrollment = started["enrollment"]
    page = client.get(training_url(enrollment))
    response = post_with_token(client, page, done_url(enrollment, foreign), follow_redirects=True)
    assert response.status_code == 200
    assert 'class="alert alert--error"' in response.get_data(as_text=True)
    assert progress_rows(enrollment) == 0


def test_marking_before_the_start_is_refused(client, auth, bought):
    auth.login()
    enrollment = bought["enrollment"]
    page = client.get(training_url(enrollment))
    response = post_with_token(client, page, done_url(enrollment, bought["sessions"][0]), follow_redirects=True)
    assert 'class="alert alert--error"' in response.get_data(as_text=True)
    assert progress_rows(enrollment) == 0 and reload(enrollment).status == "not_started"
    with pytest.raises(DomainError):
        learning.mark_session_done(bought["user"], reload(enrollment), bought["sessions"][0].id, START)


def test_all_sessions_done_waits_for_the_provider(client, started, clock):
    enrollment, sessions = started["enrollment"], started["sessions"]
    page = client.get(training_url(enrollment))
    for session in sessions[:-1]:
        press(client, page, done_url(enrollment, session))
    assert reload(enrollment).status == "in_progress" and reload(enrollment).finished_at is None
    clock.shift(timedelta(minutes=20))  # within the idle timeout
    response = press(client, page, done_url(enrollment, sessions[-1]))
    finished = reload(enrollment)
    assert finished.status == "awaiting_confirmation" and finished.finished_at == START + timedelta(minutes=20)
    html = response.get_data(as_text=True)
    assert 'id="awaiting-confirmation"' in html and 'data-done="5" data-total="5"' in html
    assert not any("/sesi/" in action for action in actions(response))
    training = article(client.get("/portofolio/"), enrollment.id)
    assert 'data-status="awaiting_confirmation"' in training and 'data-done="5" data-total="5"' in training


def test_a_concurrent_duplicate_mark_is_absorbed(app, started, monkeypatch):
    """Two presses at once both pass the "already done?" check; the unique constraint decides."""
    user, enrollment, session = started["user"], reload(started["enrollment"]), started["sessions"][0]
    assert learning.mark_session_done(user, enrollment, session.id, START) is False
    monkeypatch.setattr(learning, "_is_done", lambda *args: False)
    assert learning.mark_session_done(user, enrollment, session.id, START) is False
    db.session.commit()
    assert progress_rows(enrollment) == 1


@pytest.mark.postgres
def test_the_last_two_sessions_marked_at_once_still_finish_the_training(app, bought):
    """Each request counts the other's row: the enrollment row lock orders them (PostgreSQL only)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL); SQLite runs one writer at a time")
    user, enrollment, sessions = bought["user"], bought["enrollment"], bought["sessions"]
    learning.start_training(user, enrollment, START)
    for session in sessions[:3]:
        learning.mark_session_done(user, enrollment, session.id, START)
    db.session.commit()
    user_id, enrollment_id, together = user.id, enrollment.id, threading.Barrier(2)

    def press_at_once(session_id):
        with app.app_context():
            me, mine = db.session.get(User, user_id), db.session.get(Enrollment, enrollment_id)
            together.wait()
            learning.mark_session_done(me, mine, session_id, START)
            db.session.commit()

    threads = [threading.Thread(target=press_at_once, args=(s.id,)) for s in sessions[3:]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert progress_rows(enrollment) == 5 and reload(enrollment).status == "awaiting_confirmation"


# --- who may see and press what ------------------------------------------------------------------------

def test_another_participant_gets_404_everywhere(client, auth, bought):
    create_card(create_participant(nik=OTHER_NIK, full_name="Budi Santoso", phone="+6281298765432"))
    auth.login(OTHER_NIK)
    enrollment = bought["enrollment"]
    assert client.get(training_url(enrollment)).status_code == 404
    own_page = client.get("/portofolio/")  # only to hold a valid CSRF token
    assert post_with_token(client, own_page, start_url(enrollment)).status_code == 404
    assert post_with_token(client, own_page, done_url(enrollment, bought["sessions"][0])).status_code == 404
    assert reload(enrollment).status == "not_started" and progress_rows(enrollment) == 0
    assert client.get("/portofolio/pelatihan/999999").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, bought):
    enrollment = bought["enrollment"]
    for url in ("/portofolio/", training_url(enrollment)):
        response = client.get(url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/masuk")
    page = client.get("/masuk")
    for url in (start_url(enrollment), done_url(enrollment, bought["sessions"][0])):
        response = post_with_token(client, page, url)
        assert response.status_code == 302 and response.headers["Location"].startswith("/masuk")
    assert reload(enrollment).status == "not_started"


def test_posts_without_csrf_token_are_refused(client, auth, bought):
    auth.login()
    enrollment = bought["enrollment"]
    page = client.get(training_url(enrollment))
    assert press(client, page, start_url(enrollment), drop=("csrf_token",)).status_code == 400
    assert reload(enrollment).status == "not_started"
    press(client, page, start_url(enrollment))
    page = client.get(training_url(enrollment))
    assert press(client, page, done_url(enrollment, bought["sessions"][0]), drop=("csrf_token",)).status_code == 400
    assert progress_rows(enrollment) == 0


# --- statements per page -------------------------------------------------------------------------------

def test_portfolio_statements_do_not_grow_with_trainings(client, auth, bought):
    auth.login()
    user, card = bought["user"], bought["card"]
    one = statements_for(client, "/portofolio/")
    user, card = db.session.merge(user), db.session.merge(card)  # the count started from a cold session
    for n in range(9):
        offering = create_offering(create_programme(f"Kursus {n}"), price=10_000)
        add_sessions(offering.programme, 3)
        enroll(user, card, offering, purchased_at=START - timedelta(days=n + 1))
    ten = statements_for(client, "/portofolio/")
    assert len(re.findall(r'id="training-\d+"', client.get("/portofolio/").get_data(as_text=True))) == 10
    assert one <= 8 and ten <= 8, (one, ten)
    assert one == ten


# --- demo sessions ---------------------------------------------------------------------------------------

def test_seed_training_sessions_fills_programmes_without_sessions_once(app):
    short, long_ = create_programme("Barista Pemula", hours=16), create_programme("Teknisi AC", hours=120)
    ready = create_programme("Pemrograman Web Dasar")
    add_sessions(ready, 2)
    created = seed_training_sessions()
    db.session.commit()
    assert created == 4 + 6

    def titles(programme):
        return db.session.scalars(
            select(TrainingSession.title).where(TrainingSession.programme_id == programme.id)
            .order_by(TrainingSession.position)
        ).all()

    assert titles(short)[0] == "Pengenalan dan tujuan pelatihan" and titles(short)[-1] == "Evaluasi akhir"
    assert "Konsep dasar Teknisi AC" in titles(long_) and len(titles(long_)) == 6
    assert titles(ready) == ["Sesi 1", "Sesi 2"]
    assert seed_training_sessions() == 0
