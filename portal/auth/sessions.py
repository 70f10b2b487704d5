"""Flask-Login wiring. The cookie id is `<user id>.<session version>`: bumping the version
(password reset) ends every session that carries the old one."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

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
    user = db.session.get(User, int(ident))
    if user is None or user.session_version != int(version):
        return None
    return user
