"""Ulasan: the participant rates (1–5 stars) and reviews a completed training, once."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import RadioField, TextAreaField
from wtforms.validators import AnyOf, InputRequired

from portal import clock
from portal.access import job_seeker_required
from portal.extensions import db
from portal.forms import PortalForm, choices, max_length, show_domain_error
from portal.models import Enrollment
from portal.portfolio import bp
from portal.services import DomainError
from portal.services.learning import enrollment_for
from portal.services.reviews import MAX_REVIEW_LENGTH, RATINGS, may_review, review_of, tidy_review_text, write_review

# One msgid per choice (a lazy ngettext would escape `pybabel extract -k _l`).
_STAR_LABELS = (_l("1 star"), _l("2 stars"), _l("3 stars"), _l("4 stars"), _l("5 stars"))
_STARS = [str(n) for n in RATINGS]
_CHOOSE_RATING = _l("Choose a rating from 1 to 5 stars.")


class ReviewForm(PortalForm):
    # Kept as text until valid, so a forged value gets our message rather than WTForms' own.
    rating = RadioField(
        _l("Rating"), choices=choices(zip(_STARS, _STAR_LABELS, strict=True)),
        validators=[InputRequired(message=_CHOOSE_RATING), AnyOf(_STARS, message=_CHOOSE_RATING)],
        validate_choice=False,
    )
    text = TextAreaField(_l("Review"), [max_length(MAX_REVIEW_LENGTH)], filters=[tidy_review_text])


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
        try:
            write_review(current_user, enrollment, int(form.rating.data), form.text.data, clock.now())
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Thank you. Your review is published with your first name only."), "success")
            anchor = f"review-{enrollment_id}"
            return redirect(url_for("portfolio.training", enrollment_id=enrollment_id, _anchor=anchor))
    given = review_of(enrollment)
    return render_template(
        "portfolio/review.html", enrollment=enrollment, form=form, review=given,
        form_open=may_review(enrollment.status, given), max_length=MAX_REVIEW_LENGTH,
    )
