"""Jam demo: in demo mode the presenter moves the portal's time to show a card being revoked live."""
from __future__ import annotations

from functools import wraps

from flask import abort, current_app, flash, redirect, url_for
from flask_babel import gettext as _

from portal import clock
from portal.access import admin_required
from portal.admin import bp
from portal.admin.forms import CLOCK_STEPS, DemoClockForm
from portal.formatting import wib
from portal.services.democlock import move_demo_clock, move_demo_clock_past_next_deadline, reset_demo_clock
from portal.unit_of_work import unit_of_work


def demo_mode_required(view):
    """Demo-only routes do not exist outside demo mode."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if not current_app.config["DEMO_MODE"]:
            abort(404)
        return view(*args, **kwargs)

    return guarded


def _move(step: str) -> bool:
    """Move the clock by `step`; False when "deadline" finds no card waiting for one."""
    if step == "reset":
        reset_demo_clock()
    elif step == "deadline":
        return move_demo_clock_past_next_deadline(clock.now()) is not None
    else:
        move_demo_clock(CLOCK_STEPS[step])
    return True


@bp.post("/jam-demo")
@demo_mode_required
@admin_required
def demo_clock():
    """Move the portal's time forward by a fixed step, past the next deadline, or back to real time."""
    form = DemoClockForm()
    if not form.validate_on_submit():
        abort(400)  # only the page's own buttons post here
    with unit_of_work() as work:
        moved = _move(form.step.data)
    if work.done and not moved:
        flash(_("No card is waiting for its deadline; the time was not moved."), "info")
    elif work.done:
        flash(_("The portal's time is now %(time)s.", time=wib(clock.now())), "success")
    return redirect(url_for("admin.waves", _anchor="demo-clock"))
