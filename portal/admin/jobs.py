"""Jalankan sekarang: the PMO runs a background job once, from the waves page."""
from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _

from portal import jobs
from portal.access import admin_required, current_actor
from portal.admin import bp
from portal.models import RunStatus, RunTrigger


@bp.post("/jobs/<name>/jalankan")
@admin_required
def run_job(name: str):
    """One run of a job, recorded like a scheduled one; `jobs.run_job` owns its transactions."""
    job = jobs.JOBS.get(name) or abort(404)
    run = jobs.run_job(name, RunTrigger.MANUAL, actor=current_actor())
    if run.status == RunStatus.OK:
        counts = ", ".join(f"{label}: {value}" for label, value in jobs.labelled_counts(run))
        flash(_("%(job)s finished: %(counts)s.", job=job.label, counts=counts or "-"), "success")
    elif run.status == RunStatus.SKIPPED:
        flash(_("%(job)s is already running in another process; nothing was done.", job=job.label), "info")
    else:
        flash(_("%(job)s failed: %(error)s", job=job.label, error=run.error or "-"), "error")
    return redirect(url_for("admin.waves", _anchor="jobs"))
