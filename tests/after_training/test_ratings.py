"""Offerings show their average rating and their reviews, by first name only, a page at a time."""
from __future__ import annotations

import re
from datetime import timedelta
from itertools import count

import pytest
from sqlalchemy import event

from portal.extensions import db
from portal.models import Offering, Review
from portal.services import reviews
from tests.after_training.conftest import block, confirmed, enroll, in_english
from tests.conftest import START
from tests.factories import create_offering, create_provider, create_user
from tests.queries import statements_for

_people = count(1)

NAMES = ["Budi Santoso", "Ani Wijaya", "Dewi Lestari", "Eko Prasetyo", "Fitri Handayani", "Gilang Ramadhan",
         "Hana Pertiwi", "Indra Kusuma", "Joko Susilo", "Kartika Sari", "Lina Marlina", "Made Wirawan"]


def add_reviews(completed, offering: Offering, ratings: list[int], names=NAMES) -> list[Review]:
    """One completed enrollment and review per rating, by different people, a day apart (oldest first)."""
    made = []
    for n, rating in enumerate(ratings):
        person = next(_people)
        user = create_user(nik=f"32730145089{person:05d}", full_name=names[n % len(names)],
                           phone=f"+62812000{person:05d}")
        enrollment = enroll(user, completed["card"], offering, **confirmed())
        made.append(Review(enrollment_id=enrollment.id, offering_id=offering.id, rating=rating, text=f"Ulasan {n}",
                           created_at=START - timedelta(days=len(ratings) - n)))
    db.session.add_all(made)
    db.session.commit()
    return made


def programme_url(completed) -> str:
    return f"/pelatihan/program/{completed['offering'].programme.slug}"


def reviews_url(offering, page: int | None = None) -> str:
    return f"/pelatihan/penawaran/{offering.id}/ulasan" + (f"?halaman={page}" if page is not None else "")


# --- the programme page ---------------------------------------------------------------------------

def test_each_offering_shows_its_average_and_count_linking_to_its_reviews(client, completed):
    rated, other = completed["offering"], create_offering(completed["offering"].programme, price=900_000)
    add_reviews(completed, rated, [5, 4])
    page = client.get(programme_url(completed))
    offering_html = block(page, f"offering-{rated.id}")
    assert 'data-average="4.50" data-count="2"' in offering_html
    assert f'href="{reviews_url(rated)}"' in offering_html
    assert "4,5" in offering_html and "★" in offering_html  # Indonesian decimals by default
    assert 'role="img" aria-label=' in offering_html  # the star has words for screen readers
    assert 'data-count="0"' in block(page, f"offering-{other.id}")
    assert reviews_url(other) not in page.get_data(as_text=True)
    in_english(client)
    assert "4.5" in block(client.get(programme_url(completed)), f"offering-{rated.id}")


def test_ratings_by_offering_groups_in_one_statement(app, completed):
    first, second = completed["offering"], create_offering(completed["offering"].programme, price=200_000)
    add_reviews(completed, first, [5, 4, 4])
    add_reviews(completed, second, [1], names=["Zaki Maulana"])
    first_id, second_id = first.id, second.id
    statements = []
    record = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        ratings = reviews.ratings_by_offering([first_id, second_id, 999_999])
        assert reviews.ratings_by_offering([]) == {}
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert [s for s in statements if s != "BEGIN"] == [statements[-1]] and "GROUP BY" in statements[-1]
    assert ratings == {first_id: (pytest.approx(13 / 3), 3), second_id: (1.0, 1)}


def test_the_programme_page_stays_at_three_statements(client, completed):
    url = programme_url(completed)
    few = statements_for(client, url)
    completed["card"] = db.session.merge(completed["card"])  # the count started from a cold session
    programme = db.session.merge(completed["offering"]).programme
    offerings = [create_offering(programme, create_provider(), price=100_000 + n) for n in range(8)]
    for n, offering in enumerate(offerings[:3]):
        add_reviews(completed, offering, [n + 1, 5], names=[f"Peserta{n} A", f"Peserta{n} B"])
    third = offerings[2].id
    many = statements_for(client, url)
    assert 'data-average="4.00" data-count="2"' in block(client.get(url), f"offering-{third}")
    assert few <= 3 and many <= 3, (few, many)


# --- the reviews page ------------------------------------------------------------------------------

def test_reviews_are_listed_newest_first_with_first_names_only(client, completed):
    offering = completed["offering"]
    add_reviews(completed, offering, [3, 5])
    page = client.get(reviews_url(offering))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert re.findall(r'class="reviewer">([^<]+)<', html) == ["Ani", "Budi"]
    for surname in ("Santoso", "Wijaya"):
        assert surname not in html
    assert re.findall(r'data-rating="(\d)"', html) == ["5", "3"]
    assert "Ulasan 1" in html and "Ulasan 0" in html
    assert 'data-average="4.00" data-count="2"' in html


def test_reviews_paginate_ten_at_a_time(client, completed):
    offering = completed["offering"]
    made = add_reviews(completed, offering, [(n % 5) + 1 for n in range(12)])
    first = client.get(reviews_url(offering)).get_data(as_text=True)
    ids = [int(i) for i in re.findall(r'id="review-(\d+)"', first)]
    assert ids == [r.id for r in reversed(made)][:10]
    assert f'href="{reviews_url(offering, 2)}" rel="next"' in first
    second = client.get(reviews_url(offering, 2))
    assert [int(i) for i in re.findall(r'id="review-(\d+)"', second.get_data(as_text=True))] == [made[1].id, made[0].id]
    assert f'href="{reviews_url(offering)}" rel="prev"' in second.get_data(as_text=True)
    assert client.get(reviews_url(offering, 3)).status_code == 404
    assert client.get(reviews_url(offering, 0)).status_code == 404


def test_an_offering_without_reviews_says_so(client, completed):
    page = client.get(reviews_url(completed["offering"]))
    assert page.status_code == 200 and 'id="no-reviews"' in page.get_data(as_text=True)
    assert 'class="pagination"' not in page.get_data(as_text=True)


def test_unknown_or_unpublished_offerings_are_404(client, completed):
    hidden = create_offering(completed["offering"].programme, published=False)
    assert client.get(reviews_url(hidden)).status_code == 404
    assert client.get("/pelatihan/penawaran/999999/ulasan").status_code == 404


def test_the_reviews_page_is_three_statements(client, completed):
    add_reviews(completed, completed["offering"], [4] * 12)
    assert statements_for(client, reviews_url(completed["offering"], 2)) <= 3
