"""Flask-Login wiring. The cookie id is `<user id>.<session version>`: bumping the version
(password reset) ends every session that carries the old one."""
from __future__ import annotations

from flask import flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from sqlalchemy.orm import joinedload

from portal import clock
from portal.extensions import db, login_manager
from portal.models import User

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to open this page.")
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    ident, _, version = user_id.partition(".")
    if not ident.isdigit() or not version.isdigit():
        return None
    # The profile comes with the account: most pages ask `is_participant` (the catalogue's next
    # step, the participant-only pages, the portfolio), and a lazy load would cost a statement.
    user = db.session.get(User, int(ident), options=[joinedload(User.profile)])
    if user is None or user.session_version != int(version):
        return None
    return user


def register(app) -> None:
    """End a login after SESSION_IDLE_TIMEOUT without a request, and PERMANENT_SESSION_LIFETIME after
    it began, whatever happens in between. Real time, not the demo clock, counts here."""

    @app.before_request
    def enforce_session_limits():
        if request.endpoint == "static" or not current_user.is_authenticated:
            return None
        now = clock.real_now().timestamp()
        idle = app.config["SESSION_IDLE_TIMEOUT"].total_seconds()
        absolute = app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
        seen, since = session.get("seen", now), session.setdefault("since", now)
        if now - seen > idle or now - since > absolute:
            locale = session.get("locale")
            logout_user()
            session.clear()
            if locale:
                session["locale"] = locale
            flash(_("Your session has ended for your security. Please log in again."), "info")
            return redirect(url_for("auth.login", next=request.path if request.method == "GET" else None))
        session["seen"] = now
        return None
