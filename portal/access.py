"""Who may use a view, declared with small stacked decorators."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def roles_required(*roles: str):
    """Logged-in users of one of `roles` only: anonymous users go to Masuk, others get 403."""

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return login_required(guarded)

    return decorate


job_seeker_required = roles_required("job_seeker")
