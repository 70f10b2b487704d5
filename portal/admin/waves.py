"""Gelombang: the PMO's page of waves and recycling revoked quota. The same page shows the job runs
(admin/jobs.py) and, in demo mode, the clock the presenter moves (admin/democlock.py)."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal import clock, jobs
from portal.access import admin_required, current_actor
from portal.admin import bp
from portal.admin.democlock import wave_deadline_form
from portal.admin.forms import CLOCK_STEP_LABELS, DemoClockForm, RecycleForm, recycle_form
from portal.services.democlock import scenario_start
from portal.services.wave_story import day_story
from portal.services.waves import WaveFigures, open_wave_from_recycled, wave_figures
from portal.unit_of_work import unit_of_work


def _page(recycle: RecycleForm | None = None, figures: list[WaveFigures] | None = None):
    figures = wave_figures() if figures is None else figures
    if recycle is None:
        recycle = recycle_form(figures, number=max((f.number for f in figures), default=0) + 1)
    return render_template(
        "admin/waves.html", figures=figures, story=day_story(figures, clock.now()), recycle=recycle, jobs=jobs.JOBS,
        runs=[(run, jobs.labelled_counts(run)) for run in jobs.recent_runs()],
        **_clock_section(figures),
    )


def _clock_section(figures: list[WaveFigures]) -> dict:
    """The demo clock's part of the page (demo mode only: it reads the waves' deadlines)."""
    if not current_app.config["DEMO_MODE"]:
        return {}
    return {"clock_form": DemoClockForm(), "clock_steps": CLOCK_STEP_LABELS, "now": clock.now(),
            "offset": clock.offset(), "wave_clock": wave_deadline_form(figures), "scenario_start": scenario_start()}


@bp.get("/gelombang")
@admin_required
def waves():
    """Per wave: quota, issued, bought, not yet bought, revoked, recycled; the chart; the jobs."""
    return _page()


@bp.post("/gelombang/daur-ulang")
@admin_required
def recycle():
    """Buka gelombang baru dari kuota pencabutan. On any refusal nothing changes."""
    figures = wave_figures()
    form = recycle_form(figures, posted=set(request.form))
    if form.validate_on_submit():
        with unit_of_work(form) as work:
            wave = open_wave_from_recycled(current_actor(), form.number.data, form.places(), clock.now(),
                                           form.accepted_on.data)
        if work.done:
            flash(_("Wave %(n)d opened with %(quota)d places from revoked quota.", n=wave.number, quota=wave.quota),
                  "success")
            return redirect(url_for("admin.waves"))
    return _page(form, figures)
