"""Form helpers shared by every blueprint."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import DataRequired, Length

from portal.services import DomainError


def required():
    return DataRequired(message=_l("This field is required."))


def max_length(n: int):
    return Length(max=n, message=_l("At most %(max)d characters.", max=n))


def show_domain_error(form: FlaskForm, error: DomainError) -> None:
    """Put a service's refusal next to the field it concerns, or above the form."""
    target = getattr(form, error.field, None) if error.field else None
    if target is not None:
        target.errors = [*target.errors, error.message] if isinstance(target.errors, list) else [error.message]
    else:
        form.form_errors.append(error.message)
