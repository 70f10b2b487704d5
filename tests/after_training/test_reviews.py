"""Ulasan: 1–5 stars and words, once, only after the provider confirmed completion."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Enrollment, Review, User
from portal.services import DomainError, reviews
from tests.after_training.conftest import OTHER_NIK, block, enroll, in_english, review_rows, token_of
from tests.browser import form_posting_to
from tests.conftest import START
from tests.factories import create_card, create_offering


def review_url(enrollment) -> str:
    return f"/portofolio/pelatihan/{enrollment.id}/ulasan"


def only_review() -> Review:
    db.session.expire_all()
    return db.session.scalars(select(Review)).one()


def test_a_completed_training_is_rated_and_reviewed_once(client, auth, completed, clock):
    auth.login()
    in_english(client)
    enrollment = completed["enrollment"]
    page = client.get(review_url(enrollment))
    assert page.status_code == 200
    done = (form_posting_to(client, page, review_url(enrollment))
            .fill("4 stars", "on").fill("Review", "  Materinya jelas.\r\nMentornya sabar.  ").submit())
    assert done.status_code == 200 and done.request.path == f"/portofolio/pelatihan/{enrollment.id}"
    review = only_review()
    assert (review.rating, review.text, review.offering_id) == (4, "Materinya jelas.\nMentornya sabar.",
                                                                 completed["offering"].id)
    assert review.created_at == START
    given = block(done, f"review-{enrollment.id}")
    assert 'data-rating="4"' in given and "Materinya jelas." in given and "Mentornya sabar." in given

    again = form_posting_to(client, page, review_url(enrollment)).fill("1 star", "on").submit()
    assert again.status_code == 200 and review_rows() == 1 and only_review().rating == 4
    assert 'id="already-reviewed"' in again.get_data(as_text=True)
    assert 'id="review-form"' not in client.get(review_url(enrollment)).get_data(as_text=True)


def test_the_stars_are_radio_buttons_with_real_labels(client, auth, completed):
    auth.login()
    in_english(client)
    html = client.get(review_url(completed["enrollment"])).get_data(as_text=True)
    for n in range(1, 6):
        assert f'type="radio" value="{n}"' in html
    assert ">1 star</label>" in html and ">5 stars</label>" in html and ">Review</label>" in html
    assert "<legend>Rating</legend>" in html and "<textarea" in html


def test_an_empty_text_is_allowed(client, auth, completed):
    auth.login()
    in_english(client)
    page = client.get(review_url(completed["enrollment"]))
    form_posting_to(client, page, review_url(completed["enrollment"])).fill("5 stars", "on").submit()
    assert (only_review().rating, only_review().text) == (5, "")


@pytest.mark.parametrize("status", ["not_started", "in_progress", "awaiting_confirmation"])
def test_before_completion_there_is_no_form_and_a_post_is_refused(client, auth, completed, status):
    offering = create_offering(price=100_000)
    enrollment = enroll(completed["user"], completed["card"], offering, status=status)
    auth.login()
    page = client.get(review_url(enrollment))
    assert page.status_code == 200 and 'id="not-yet-reviewable"' in page.get_data(as_text=True)
    assert 'id="review-form"' not in page.get_data(as_text=True)
    response = client.post(review_url(enrollment), data={"csrf_token": token_of(page), "rating": "5", "text": ""})
    assert response.status_code == 200 and 'id="not-yet-reviewable"' in response.get_data(as_text=True)
    assert review_rows() == 0
    with pytest.raises(DomainError):
        reviews.write_review(completed["user"], enrollment, 5, "", START)


@pytest.mark.parametrize("rating", ["0", "6", "abc", "4.5", "", "-1"])
def test_a_rating_out_of_range_or_not_a_whole_number_is_refused(client, auth, completed, rating):
    auth.login()
    enrollment = completed["enrollment"]
    page = client.get(review_url(enrollment))
    response = client.post(review_url(enrollment), data={"csrf_token": token_of(page), "rating": rating})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="rating-error"' in html and 'id="review-form"' in html
    assert review_rows() == 0


def test_a_missing_rating_is_refused(client, auth, completed):
    auth.login()
    enrollment = completed["enrollment"]
    page = client.get(review_url(enrollment))
    response = client.post(review_url(enrollment), data={"csrf_token": token_of(page), "text": "Bagus"})
    assert 'id="rating-error"' in response.get_data(as_text=True) and review_rows() == 0


def test_a_text_over_1000_characters_is_refused_but_1000_pass(client, auth, completed):
    auth.login()
    enrollment = completed["enrollment"]
    page = client.get(review_url(enrollment))
    token = token_of(page)
    response = client.post(review_url(enrollment), data={"csrf_token": token, "rating": "3", "text": "a" * 1001})
    assert 'id="text-error"' in response.get_data(as_text=True) and review_rows() == 0
    # Outer blanks and CRLF line ends do not count: 1000 characters as stored.
    text = "  " + "a" * 499 + "\r\n" + "b" * 500 + "  "
    client.post(review_url(enrollment), data={"csrf_token": token, "rating": "3", "text": text})
    assert len(only_review().text) == 1000


@pytest.mark.parametrize("rating", [0, 6, True, 4.5, "5", None])
def test_the_service_accepts_only_whole_numbers_from_1_to_5(completed, rating):
    with pytest.raises(DomainError) as refused:
        reviews.write_review(completed["user"], completed["enrollment"], rating, "", START)
    assert refused.value.field == "rating"
    assert review_rows() == 0


def test_the_service_refuses_long_text_and_other_peoples_trainings(completed, other):
    with pytest.raises(DomainError) as refused:
        reviews.write_review(completed["user"], completed["enrollment"], 5, "x" * 1001, START)
    assert refused.value.field == "text"
    with pytest.raises(DomainError):
        reviews.write_review(other, completed["enrollment"], 5, "", START)
    assert review_rows() == 0


def test_two_reviews_at_once_one_wins_in_a_savepoint(completed, monkeypatch):
    """Both pass the "already reviewed?" check; the unique constraint refuses the second."""
    user, enrollment = completed["user"], completed["enrollment"]
    reviews.write_review(user, enrollment, 5, "Pertama", START)
    monkeypatch.setattr(reviews, "review_of", lambda enrollment: None)
    with pytest.raises(DomainError) as refused:
        reviews.write_review(user, enrollment, 1, "Kedua", START)
    assert refused.value.message == reviews.ALREADY_REVIEWED
    db.session.commit()  # the first review survives the failed savepoint
    assert review_rows() == 1 and only_review().text == "Pertama"


@pytest.mark.postgres
def test_two_reviews_sent_at_the_same_moment_make_one(app, completed):
    """Two requests pass every check together; PostgreSQL's unique index lets one insert through."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL); SQLite runs one writer at a time")
    user_id, enrollment_id, together = completed["user"].id, completed["enrollment"].id, threading.Barrier(2)
    outcomes = []

    def send(rating):
        with app.app_context():
            me, mine = db.session.get(User, user_id), db.session.get(Enrollment, enrollment_id)
            together.wait()
            try:
                reviews.write_review(me, mine, rating, "", START)
                db.session.commit()
                outcomes.append("written")
            except DomainError:
                db.session.rollback()
                outcomes.append("refused")

    threads = [threading.Thread(target=send, args=(n,)) for n in (2, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["refused", "written"] and review_rows() == 1


def test_another_participant_gets_404(client, auth, completed, other):
    create_card(other, phone="+6281298765432")
    auth.login(OTHER_NIK)
    enrollment = completed["enrollment"]
    assert client.get(review_url(enrollment)).status_code == 404
    own = client.get("/portofolio/")
    response = client.post(review_url(enrollment), data={"csrf_token": token_of(own), "rating": "1"})
    assert response.status_code == 404 and review_rows() == 0
    assert client.get("/portofolio/pelatihan/999999/ulasan").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, completed):
    enrollment = completed["enrollment"]
    response = client.get(review_url(enrollment))
    assert response.status_code == 302 and response.headers["Location"].startswith("/masuk")
    page = client.get("/masuk")
    response = client.post(review_url(enrollment), data={"csrf_token": token_of(page), "rating": "5"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/masuk")
    assert review_rows() == 0


def test_a_post_without_csrf_token_is_refused(client, auth, completed):
    auth.login()
    enrollment = completed["enrollment"]
    page = client.get(review_url(enrollment))
    response = form_posting_to(client, page, review_url(enrollment)).submit(drop=("csrf_token",))
    assert response.status_code == 400 and review_rows() == 0
