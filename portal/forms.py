"""Form helpers shared by every blueprint."""
from __future__ import annotations

from flask import abort
from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from portal.services import DomainError

# WTForms' own messages, which it ships in no Indonesian catalogue: ours translates them.
WTFORMS_MESSAGES = (
    _l("Not a valid choice."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Invalid input."),
)


class _BabelTranslations:
    """WTForms asks its forms for translations; answer with the portal's Flask-Babel catalogue.

    Unformatted: WTForms fills in its own placeholders (`%(max)d`, ...) afterwards.
    """

    def gettext(self, text):
        return get_translations().ugettext(text)

    def ngettext(self, singular, plural, n):
        return get_translations().ungettext(singular, plural, n)


class PortalForm(FlaskForm):
    """The base of every form: CSRF from Flask-WTF, messages in the visitor's language, and no
    NUL character in any text (PostgreSQL refuses to store one; no person types one)."""

    class Meta:
        def get_translations(self, form):
            return _BabelTranslations()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if isinstance(field.data, str) and "\x00" in field.data:
                field.errors = [*field.errors, _l("This field contains a character that is not allowed.")]
                valid = False
        return valid


def required():
    return DataRequired(message=_l("This field is required."))


def max_length(n: int):
    return Length(max=n, message=_l("At most %(max)d characters.", max=n))


def choices(pairs, blank=None) -> list[SelectChoice]:
    """Select options from (value, label) pairs, with an optional empty first option."""
    options = [SelectChoice("", blank)] if blank is not None else []
    return options + [SelectChoice(value, label) for value, label in pairs]


def show_domain_error(form: FlaskForm, error: DomainError) -> None:
    """Put a service's refusal next to the field it concerns, or above the form."""
    target = getattr(form, error.field, None) if error.field else None
    if target is not None:
        target.errors = [*target.errors, error.message] if isinstance(target.errors, list) else [error.message]
    else:
        form.form_errors.append(error.message)


def checked_post() -> None:
    """Button-only forms carry nothing but the CSRF token; a bad one is a bad request."""
    if not PortalForm().validate_on_submit():
        abort(400)
