"""Ulasan of an offering, as anyone may read them: stars, words and first names, newest first."""
from __future__ import annotations

from flask import abort, render_template, request, url_for

from portal.access import public
from portal.converters import page_arg
from portal.services.paging import Paged
from portal.services.reviews import REVIEWS_PAGE_SIZE, offering_for_reviews, reviews_of
from portal.training import bp


@bp.get("/penawaran/<int:offering_id>/ulasan")
@public
def reviews(offering_id: int):
    """One offering's reviews, a page at a time (`?halaman=2`); past the last page is 404.
    Two statements: the offering with its rating, then the page of reviews."""
    reviewed = offering_for_reviews(offering_id)
    if reviewed is None:
        abort(404)
    offering, rating = reviewed.offering, reviewed.rating
    # The count came with the rating, so the page is laid out here rather than by fetch_page.
    number = page_arg(request.args)
    if number is None:
        abort(404)
    paged = Paged(page=number, per_page=REVIEWS_PAGE_SIZE, total=rating.count)
    if paged.beyond_last:
        abort(404)
    shown = reviews_of(offering.id, limit=paged.per_page, offset=paged.offset)

    def page_url(number: int) -> str:
        # Page 1 has no `halaman`, so the first page has one address.
        return url_for("training.reviews", offering_id=offering.id, **({"halaman": number} if number > 1 else {}))

    return render_template(
        "training/reviews.html", offering=offering, rating=rating, reviews=shown, page=paged.page, pages=paged.pages,
        page_url=page_url,
    )
