"""Portofolio's forms: the review (Ulasan) of a completed training."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, TextAreaField
from wtforms.validators import AnyOf, InputRequired

from portal.forms import PortalForm, choices, max_length
from portal.services.reviews import MAX_REVIEW_LENGTH, RATINGS, tidy_review_text

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
