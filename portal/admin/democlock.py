"""Jam demo: in demo mode the presenter moves the portal's time through the story: to 23.59.30 on a wave's
deadline day, to the next midnight, a day or a week on, back to the scenario's start, back to real time."""
from __future__ import annotations

from functools import wraps

from flask import abort, current_app, flash, redirect, url_for
from flask_babel import gettext as _

from portal import clock
from portal.access import admin_required, current_actor
from portal.admin import bp
from portal.admin.forms import DemoClockForm, WaveDeadlineClockForm
from portal.formatting import wib
from portal.services.democlock import just_before_deadline, use_demo_clock_control, waves_with_deadline_ahead
from portal.services.waves import WaveFigures
from portal.unit_of_work import unit_of_work


def demo_mode_required(view):
    """Demo-only routes do not exist outside demo mode."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if not current_app.config["DEMO_MODE"]:
            abort(404)
        return view(*args, **kwargs)

    return guarded


def wave_deadline_form(figures: list[WaveFigures] | None = None) -> WaveDeadlineClockForm:
    """The wave choice: the waves whose deadline day's 23.59.30 WIB is still ahead, with that deadline.
    From the page's wave figures when it has them (no second read of the waves)."""
    now = clock.now()
    if figures is None:
        ahead = [(wave.number, deadline) for wave, deadline in waves_with_deadline_ahead(now)]
    else:
        ahead = [(f.number, f.deadline_at) for f in figures if f.issued and just_before_deadline(f.deadline_at) > now]
    return WaveDeadlineClockForm().offer(
        [(number, _("Wave %(n)d (deadline %(deadline)s)", n=number, deadline=wib(deadline)))
         for number, deadline in ahead])


def _moved(control: str, wave_number: int | None = None):
    with unit_of_work() as work:
        moved = use_demo_clock_control(current_actor(), control, clock.now(), wave_number)
    if work.done and not moved:
        flash(_("No card is waiting for its deadline; the time was not moved."), "info")
    elif work.done:
        flash(_("The portal's time is now %(time)s.", time=wib(clock.now())), "success")
    return redirect(url_for("admin.waves", _anchor="demo-clock"))


@bp.post("/jam-demo")
@demo_mode_required
@admin_required
def demo_clock():
    """Move the portal's time by one of the fixed controls."""
    form = DemoClockForm()
    if not form.validate_on_submit():
        abort(400)  # only the page's own buttons post here
    return _moved(form.step.data)


@bp.post("/jam-demo/gelombang")
@demo_mode_required
@admin_required
def demo_clock_wave_deadline():
    """Put the portal's time at 23.59.30 WIB on the chosen wave's deadline day."""
    form = wave_deadline_form()
    if not form.validate_on_submit():
        flash(_("Choose a wave whose deadline is still ahead; the time was not moved."), "error")
        return redirect(url_for("admin.waves", _anchor="demo-clock"))
    return _moved("wave", form.wave.data)
