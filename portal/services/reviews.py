"""Ulasan: after a completed training the participant rates it (1–5 stars) and reviews it, once.

Offerings show the average rating and the reviews; a reviewer appears by first name only.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.models import Enrollment, EnrollmentStatus, Offering, Review, User
from portal.services import DomainError

RATINGS = (1, 2, 3, 4, 5)
MAX_REVIEW_LENGTH = 1000
REVIEWS_PAGE_SIZE = 10

ALREADY_REVIEWED = _l("You have already reviewed this training.")


class Rating(NamedTuple):
    """An offering's average rating (1.0–5.0) over `count` reviews."""

    average: float
    count: int


@dataclass(frozen=True)
class PublicReview:
    """A review as anyone may read it: the reviewer's first name only."""

    id: int
    first_name: str
    rating: int
    text: str
    created_at: datetime


def tidy_review_text(text: str | None) -> str:
    """The text as stored: browser line ends (CRLF) made one character, outer blanks stripped."""
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _check_rating(rating: object) -> int:
    # bool is an int in Python; True is not a rating.
    if isinstance(rating, bool) or not isinstance(rating, int) or rating not in RATINGS:
        raise DomainError(_l("Choose a rating from 1 to 5 stars."), field="rating")
    return rating


def review_of(enrollment: Enrollment) -> Review | None:
    """The review given for `enrollment`, if any."""
    return db.session.scalar(select(Review).where(Review.enrollment_id == enrollment.id))


def may_review(status: str, review: Review | None) -> bool:
    """True while the form should be offered: the training is completed and not yet reviewed."""
    return status == EnrollmentStatus.COMPLETED and review is None  # the provider confirmed completion


def write_review(user: User, enrollment: Enrollment, rating: int, text: str, now: datetime) -> Review:
    """Rate and review a completed training, once: 1–5 stars and up to 1000 characters (may be empty).

    Raises DomainError when `user` does not own the enrollment, the provider has not confirmed
    completion, the rating or the text is out of bounds, or a review exists. Two submissions at
    once both pass the "already reviewed?" check; the unique constraint on `enrollment_id` picks
    one inside a savepoint, and the other is refused the same way.
    """
    if enrollment.user_id != user.id:
        raise DomainError(_l("This training belongs to another participant."))
    rating = _check_rating(rating)
    text = tidy_review_text(text)
    if len(text) > MAX_REVIEW_LENGTH:
        raise DomainError(_l("At most %(max)d characters.", max=MAX_REVIEW_LENGTH), field="text")
    # Read the status from the database: the object may predate the provider's confirmation.
    status = db.session.scalar(select(Enrollment.status).where(Enrollment.id == enrollment.id))
    if status != EnrollmentStatus.COMPLETED:
        raise DomainError(_l("You can review a training once the provider has confirmed that you completed it."))
    if review_of(enrollment) is not None:
        raise DomainError(ALREADY_REVIEWED)
    review = Review(enrollment_id=enrollment.id, offering_id=enrollment.offering_id, rating=rating, text=text,
                    created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(review)
    except IntegrityError:
        raise DomainError(ALREADY_REVIEWED) from None
    return review


def _ratings(*where):
    return (
        select(Review.offering_id.label("offering_id"), func.avg(Review.rating).label("average"),
               func.count().label("count"))
        .where(*where)
        .group_by(Review.offering_id)
    )


def ratings_subquery(*where):
    """Average and count of reviews per offering (for reviews matching `where`), to outer-join
    on `offering_id` from a query of offerings; `rating_from` reads the joined columns."""
    return _ratings(*where).subquery("ratings")


def rating_from(average, count) -> Rating | None:
    """The `Rating` in the columns of `ratings_subquery` (None: no reviews)."""
    return Rating(float(average), int(count)) if count else None


def ratings_by_offering(offering_ids: Iterable[int]) -> dict[int, Rating]:
    """Average rating and number of reviews per offering; offerings without reviews are absent.

    One grouped statement (none for an empty list), whatever the number of offerings.
    """
    ids = sorted(set(offering_ids))
    if not ids:
        return {}
    rows = db.session.execute(_ratings(Review.offering_id.in_(ids)))
    return {offering_id: Rating(float(average), int(count)) for offering_id, average, count in rows}


def first_name(full_name: str) -> str:
    """The first word of a name: all a review shows of its writer."""
    words = full_name.split()
    return words[0] if words else ""


def reviews_of(offering_id: int, limit: int, offset: int = 0) -> list[PublicReview]:
    """The reviews of an offering, newest first, `limit` from `offset`, with first names only."""
    rows = db.session.execute(
        select(Review.id, User.full_name, Review.rating, Review.text, Review.created_at)
        .join(Enrollment, Enrollment.id == Review.enrollment_id)
        .join(User, User.id == Enrollment.user_id)
        .where(Review.offering_id == offering_id)
        .order_by(Review.created_at.desc(), Review.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [
        PublicReview(id=review_id, first_name=first_name(name), rating=rating, text=text, created_at=created_at)
        for review_id, name, rating, text, created_at in rows
    ]


@dataclass(frozen=True)
class ReviewedOffering:
    """An offering (programme and provider loaded) and its rating (zero reviews: average 0)."""

    offering: Offering
    rating: Rating


def offering_for_reviews(offering_id: int) -> ReviewedOffering | None:
    """A published offering with its programme, provider and rating, for its reviews page (one statement)."""
    rated = ratings_subquery(Review.offering_id == offering_id)
    row = db.session.execute(
        select(Offering, rated.c.average, rated.c.count)
        .outerjoin(rated, rated.c.offering_id == Offering.id)
        .options(joinedload(Offering.programme), joinedload(Offering.provider))
        .where(Offering.id == offering_id, Offering.published.is_(True))
    ).first()
    if row is None:
        return None
    offering, average, count = row
    return ReviewedOffering(offering, rating_from(average, count) or Rating(0.0, 0))
