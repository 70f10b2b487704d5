"""The one paging rule every listing follows (catalogue, reviews, the admin's records)."""
import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Category
from portal.services.paging import Paged, fetch_page
from tests.factories import create_category


def test_an_empty_listing_has_one_empty_page():
    empty = Paged(page=1, per_page=10, total=0)
    assert (empty.pages, empty.has_prev, empty.has_next, empty.beyond_last) == (1, False, False, False)


def test_a_page_knows_its_neighbours_and_its_rows():
    middle = Paged(page=2, per_page=10, total=25)
    assert (middle.pages, middle.has_prev, middle.has_next, middle.offset) == (3, True, True, 10)
    assert Paged(page=4, per_page=10, total=25).beyond_last


def test_the_window_marks_gaps():
    assert Paged(page=6, per_page=1, total=12).window() == [1, None, 4, 5, 6, 7, 8, None, 12]


@pytest.fixture
def five_categories(app):
    for n in range(5):
        create_category(f"Kejuruan {n}", f"kejuruan-{n}")
    db.session.flush()
    return select(Category.slug).order_by(Category.slug)


def test_fetch_page_counts_and_returns_one_page(five_categories):
    second = fetch_page(five_categories, 2, 2, shape=lambda row: row.slug)
    assert (second.total, second.pages, second.items) == (5, 3, ["kejuruan-2", "kejuruan-3"])


def test_past_the_end_is_empty_or_with_clamp_the_last_page(five_categories):
    beyond = fetch_page(five_categories, 9, 2)
    assert beyond.beyond_last and beyond.items == []
    clamped = fetch_page(five_categories, 9, 2, clamp=True, shape=lambda row: row.slug)
    assert (clamped.page, clamped.items, clamped.beyond_last) == (3, ["kejuruan-4"], False)
    assert fetch_page(five_categories, 0, 2, clamp=True).page == 1
    with pytest.raises(ValueError):
        fetch_page(five_categories, 0, 2)
