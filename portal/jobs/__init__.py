"""Background jobs: what can run (`JOBS`) and `run_job`, which locks, runs and records one run.

The scheduler (portal/scheduler.py), the admin's "Jalankan sekarang" button and the `flask jobs run`
command all go through `run_job`, so every run takes the same lock and leaves a `JobRun` row.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.jobs.locks import job_lock, process_name
from portal.logs import describe_error, where_raised
from portal.models import AuditAction, JobRun, RunStatus, RunTrigger
from portal.services.audit import Actor, record

log = logging.getLogger(__name__)

Counts = dict[str, int]


@dataclass(frozen=True)
class Job:
    """A job: its name (in URLs, the CLI and `job_runs`), its label for people, and what it does."""

    name: str
    label: LazyString | str
    function: Callable[[datetime], Counts]


# The job functions are imported when they run: their modules pull in the services, and this
# registry must import (for the admin page, the CLI, the scheduler) without them.
def _sweep(now: datetime) -> Counts:
    from portal.jobs.sweep import revoke_expired_cards

    return revoke_expired_cards(now)


def _reminders(now: datetime) -> Counts:
    from portal.jobs.reminders import send_deadline_reminders

    return send_deadline_reminders(now)


def _housekeeping(now: datetime) -> Counts:
    from portal.jobs.housekeeping import clean_up

    return clean_up(now)


JOBS: dict[str, Job] = {
    job.name: job
    for job in (
        Job("sweep", _l("Revoke expired cards"), _sweep),
        Job("reminders", _l("Deadline reminders"), _reminders),
        Job("housekeeping", _l("Housekeeping"), _housekeeping),
    )
}


def run_job(name: str, trigger: str, now: datetime | None = None, actor: Actor | None = None) -> JobRun:
    """Run job `name` once under its lock, record the run, and return the `JobRun`.

    Needs an app context; commits `db.session`. If another process (or thread) holds the job's
    lock, the run is recorded as "skipped" and the job does not run. The "running" row is committed
    before the job starts, so a crash leaves it visible with its `started_at`. If the job fails,
    its unfinished transaction is rolled back and the run recorded as "error" with the exception's
    type and message; the exception is re-raised only for `trigger == "cli"` (the command must exit
    non-zero) — the scheduler and the admin's button carry on. `now` defaults to `clock.now()`.
    A run started by a person (`actor`: the admin's button) is in the audit log with the run's row.
    """
    if trigger not in tuple(RunTrigger):
        raise ValueError(f"unknown trigger {trigger!r}; use one of {', '.join(RunTrigger)}")
    job = JOBS[name]
    # End the session's transaction first: on SQLite an open read here would block the lease's
    # commit on its own connection (in this very thread) until "database is locked".
    db.session.commit()
    with job_lock(name) as acquired:
        if not acquired:
            log.info("Job %s (%s) skipped: another process holds its lock", name, trigger)
            return _record(JobRun(job=name, trigger=trigger, status=RunStatus.SKIPPED), finished=True, actor=actor)
        run = _record(JobRun(job=name, trigger=trigger, status=RunStatus.RUNNING), finished=False, actor=actor)
        try:
            counts = job.function(now or clock.now())
        except BaseException as error:  # also KeyboardInterrupt: the row must not stay "running"
            db.session.rollback()  # the job's unfinished batch
            description = describe_error(error)
            _finish(run, RunStatus.ERROR, error=description)
            log.error("Job %s (%s) failed%s: %s", name, trigger, where_raised(error), description)
            if trigger == RunTrigger.CLI or not isinstance(error, Exception):
                raise
            return run
        _finish(run, RunStatus.OK, counts=counts)
        log.info("Job %s (%s) ok: %s", name, trigger, format_counts(counts))
        return run


def _record(run: JobRun, finished: bool, actor: Actor | None = None) -> JobRun:
    run.started_at = clock.now()
    run.finished_at = run.started_at if finished else None
    run.counts = "{}"
    run.holder = process_name()
    db.session.add(run)
    if actor is not None:
        db.session.flush()
        record(actor, AuditAction.JOB_RUN, f"job_run:{run.id}", run.started_at, job=run.job,
               status=None if run.status == RunStatus.RUNNING else run.status)
    db.session.commit()  # its own short transaction: visible to the admin while the job runs
    return run


def _finish(run: JobRun, status: str, counts: Counts | None = None, error: str | None = None) -> None:
    run.status = status
    run.finished_at = clock.now()
    run.counts = json.dumps(counts or {}, sort_keys=True)
    run.error = error
    db.session.commit()  # also the job's last batch, should it have left one uncommitted


def run_counts(run: JobRun) -> Counts:
    """The counts a run recorded, as a dict (empty for skipped, failed or unfinished runs)."""
    return json.loads(run.counts or "{}")


def format_counts(counts: Counts) -> str:
    """`revoked=3, returned=3000000` (sorted), or `nothing to do` when there are no counts."""
    return ", ".join(f"{key}={value}" for key, value in sorted(counts.items())) or "nothing to do"


# What each count means, for people (the admin page); the keys stay English in logs and JSON.
COUNT_LABELS = {
    "revoked": _l("cards revoked"),
    "returned": _l("returned to the fund (Rp)"),
    "blacklisted": _l("NIKs blacklisted"),
    "sent": _l("reminders sent"),
    "failed": _l("reminders not sent"),
    "challenges": _l("dead OTP codes removed"),
    "accounts": _l("unactivated accounts removed"),
    "account_challenges": _l("their OTP codes removed"),
    "profiles": _l("their profiles removed"),
    "unknown_logins": _l("old wrong-password counts of unknown logins forgotten"),
}


def labelled_counts(run: JobRun) -> list[tuple[str, int]]:
    """A run's counts as (label, value) pairs for people; unreadable counts show as nothing."""
    try:
        counts = run_counts(run)
    except ValueError:
        return []
    return [(str(COUNT_LABELS.get(key, key)), value) for key, value in counts.items()]


def recent_runs(limit: int = 20) -> list[JobRun]:
    """The latest runs of every job, newest first (for the admin page and `flask jobs list`)."""
    query = select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(limit)
    return list(db.session.scalars(query))
