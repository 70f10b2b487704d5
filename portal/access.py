"""Who may use a view, declared with small stacked decorators.

Every view carries its rule in `access_rule` (functools.wraps carries it outwards through other
decorators); tests/test_access_rules.py fails for any route that declares none.
"""
from __future__ import annotations

from functools import wraps

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal.models import Role


def public(view):
    """Anyone, logged in or not (home, catalogue, the account pages)."""
    view.access_rule = "public"
    return view


def roles_required(*roles: Role):
    """Logged-in users of one of `roles` only: anonymous users go to Masuk, others get 403."""

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        checked = login_required(guarded)
        checked.access_rule = "roles:" + ",".join(roles)
        return checked

    return decorate


job_seeker_required = roles_required(Role.JOB_SEEKER)


def participant_required(view):
    """Job seekers who registered as training participants; others are told to register first."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if not current_user.is_participant:
            flash(_("To register for a training, first register as a training participant."), "info")
            return redirect(url_for("training.register_participant"))
        return view(*args, **kwargs)

    checked = job_seeker_required(guarded)
    checked.access_rule = "participant"
    return checked


provider_required = roles_required(Role.PROVIDER_STAFF)
admin_required = roles_required(Role.ADMIN)


def current_actor():
    """The logged-in user and the request's address, for services that audit what they do."""
    from flask import request

    from portal.services.audit import Actor

    return Actor(current_user, request.remote_addr or "")
