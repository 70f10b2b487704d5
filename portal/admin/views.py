"""Gelombang: the PMO's page of waves, the job runs (Jalankan sekarang), recycling revoked quota,
and in demo mode the clock the presenter moves to show a card being revoked live."""
from __future__ import annotations

from functools import wraps

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal import clock, jobs
from portal.access import admin_required
from portal.admin import bp
from portal.admin.forms import CLOCK_STEP_LABELS, CLOCK_STEPS, DemoClockForm, RecycleForm, recycle_form
from portal.extensions import db
from portal.formatting import wib
from portal.forms import show_domain_error
from portal.services import DomainError
from portal.services.democlock import move_demo_clock, move_demo_clock_past_next_deadline, reset_demo_clock
from portal.services.waves import WaveFigures, open_wave_from_recycled, wave_figures


def demo_mode_required(view):
    """Demo-only routes do not exist outside demo mode."""

    @wraps(view)
    def guarded(*args, **kwargs):
        if not current_app.config["DEMO_MODE"]:
            abort(404)
        return view(*args, **kwargs)

    return guarded


def _page(recycle: RecycleForm | None = None, figures: list[WaveFigures] | None = None):
    figures = wave_figures() if figures is None else figures
    if recycle is None:
        recycle = recycle_form(figures, number=max((f.number for f in figures), default=0) + 1)
    return render_template(
        "admin/waves.html", figures=figures, recycle=recycle, jobs=jobs.JOBS,
        runs=[(run, jobs.labelled_counts(run)) for run in jobs.recent_runs()],
        clock_form=DemoClockForm(), clock_steps=CLOCK_STEP_LABELS, now=clock.now(), offset=clock.offset(),
    )


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
        try:
            wave = open_wave_from_recycled(form.number.data, form.places(), clock.now())
        except DomainError as error:
            db.session.rollback()
            show_domain_error(form, error)
        else:
            db.session.commit()
            flash(_("Wave %(n)d opened with %(quota)d places from revoked quota.", n=wave.number, quota=wave.quota),
                  "success")
            return redirect(url_for("admin.waves"))
    return _page(form, figures)


@bp.post("/jobs/<name>/jalankan")
@admin_required
def run_job(name: str):
    """Jalankan sekarang: one run of a job, recorded like a scheduled one (run_job commits it)."""
    job = jobs.JOBS.get(name) or abort(404)
    # End this request's read-only transaction (it loaded the user): on SQLite its shared lock would
    # keep run_job's lock lease, written on its own connection, from committing ("database is locked").
    db.session.rollback()
    run = jobs.run_job(name, "manual")
    if run.status == "ok":
        counts = ", ".join(f"{label}: {value}" for label, value in jobs.labelled_counts(run))
        flash(_("%(job)s finished: %(counts)s.", job=job.label, counts=counts or "-"), "success")
    elif run.status == "skipped":
        flash(_("%(job)s is already running in another process; nothing was done.", job=job.label), "info")
    else:
        flash(_("%(job)s failed: %(error)s", job=job.label, error=run.error or "-"), "error")
    return redirect(url_for("admin.waves", _anchor="jobs"))


@bp.post("/jam-demo")
@demo_mode_required
@admin_required
def demo_clock():
    """Move the portal's time forward by a fixed step, past the next deadline, or back to real time."""
    form = DemoClockForm()
    if not form.validate_on_submit():
        abort(400)  # only the page's own buttons post here
    step = form.step.data
    back = redirect(url_for("admin.waves", _anchor="demo-clock"))
    try:
        if step == "reset":
            reset_demo_clock()
        elif step == "deadline":
            if move_demo_clock_past_next_deadline(clock.now()) is None:
                flash(_("No card is waiting for its deadline; the time was not moved."), "info")
                return back
        else:
            move_demo_clock(CLOCK_STEPS[step])
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return back
    db.session.commit()
    flash(_("The portal's time is now %(time)s.", time=wib(clock.now())), "success")
    return back
