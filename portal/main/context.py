"""Values every template can use."""
from flask import current_app
from flask_babel import get_locale
from flask_wtf import FlaskForm

from portal import labels, models
from portal.i18n import CACHEABLE_PAGES
from portal.regions import province_name
from portal.services.otp import CODE_DIGITS, otp_minutes


def register(app) -> None:
    @app.context_processor
    def portal_globals():
        return {
            "demo_mode": current_app.config["DEMO_MODE"],
            "current_locale": str(get_locale()),
            "languages": current_app.config["LANGUAGES"],
            "blank_form": FlaskForm,  # CSRF token for small button-only forms
            "otp_digits": CODE_DIGITS,
            "otp_minutes": otp_minutes(),
            "session_idle_minutes": int(current_app.config["SESSION_IDLE_TIMEOUT"].total_seconds() // 60),
        }

    app.jinja_env.filters["province"] = province_name
    # Static, so set once rather than per render: the words for each status, and the enums to compare with.
    app.jinja_env.globals["labels"] = labels
    app.jinja_env.globals["cacheable_pages"] = CACHEABLE_PAGES
    app.jinja_env.globals.update({name: getattr(models, name) for name in models.ENUMS})
