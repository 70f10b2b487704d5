"""Ending an account's sessions on the server: the login cookie's id carries the account's session
version (portal/auth/sessions.py), so raising the version kills every copy of every cookie."""
from __future__ import annotations

from sqlalchemy import update

from portal.extensions import db
from portal.models import User


def end_sessions(user_id: int) -> None:
    """End every session of the account, on every device. A guarded UPDATE, so two at once both count."""
    db.session.execute(
        update(User).where(User.id == user_id).values(session_version=User.session_version + 1)
        .execution_options(synchronize_session=False)
    )
