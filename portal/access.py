"""Who may use a view, declared with small stacked decorators."""
from __future__ import annotations

from functools import wraps

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
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


def participant_required(view):
    """Job seekers who registered as training participants; others are told to register first."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if not current_user.is_participant:
            flash(_("To register for a training, first register as a training participant."), "info")
            return redirect(url_for("training.register_participant"))
        return view(*args, **kwargs)

    return job_seeker_required(guarded)
