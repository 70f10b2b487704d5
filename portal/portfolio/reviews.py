"""Ulasan: the participant rates (1–5 stars) and reviews a completed training, once."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import clock
from portal.access import job_seeker_required
from portal.models import Enrollment
from portal.portfolio import bp
from portal.portfolio.forms import ReviewForm
from portal.services.learning import enrollment_for
from portal.services.reviews import MAX_REVIEW_LENGTH, may_review, review_of, write_review
from portal.unit_of_work import unit_of_work


def _own_enrollment(enrollment_id: int) -> Enrollment:
    enrollment = enrollment_for(current_user, enrollment_id)
    if enrollment is None:  # someone else's training is as absent as a missing one
        abort(404)
    return enrollment


@bp.route("/pelatihan/<int:enrollment_id>/ulasan", methods=["GET", "POST"])
@job_seeker_required
def review(enrollment_id: int):
    """Ulasan: stars and words for a completed training; afterwards, the review given."""
    enrollment = _own_enrollment(enrollment_id)
    form = ReviewForm()
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            write_review(current_user, enrollment, int(form.rating.data), form.text.data, clock.now())
        if work.done:
            flash(_("Thank you. Your review is published with your first name only."), "success")
            anchor = f"review-{enrollment_id}"
            return redirect(url_for("portfolio.training", enrollment_id=enrollment_id, _anchor=anchor))
    given = review_of(enrollment)
    return render_template(
        "portfolio/review.html", enrollment=enrollment, form=form, review=given,
        form_open=may_review(enrollment.status, given), max_length=MAX_REVIEW_LENGTH,
    )
