"""APScheduler 3.x: the jobs' timetable, the dedicated `scheduler` process, and the demo's embedded one.

APScheduler's job store cannot be shared between processes (its FAQ), so a scheduler in each
gunicorn worker would run every job once per worker: workers never start one. Production runs
`flask --app wsgi scheduler` as its own process; `make run` (the dev server, one process) embeds a
BackgroundScheduler. Should two schedulers run anyway (a second host, a deploy overlap), the job
lock keeps the second idle: its runs are recorded as "skipped".
"""
from __future__ import annotations

import logging
import os
import signal
import threading
from datetime import datetime, timedelta
from typing import Any

import click
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask, current_app
from flask.cli import AppGroup, run_command, with_appcontext
from flask.helpers import get_debug_flag

from portal import clock
from portal.clock import WIB, to_wib
from portal.jobs import JOBS, format_counts, recent_runs, run_counts, run_job
from portal.jobs.relay import relay_once, sms_cli
from portal.logs import describe_error
from portal.models import RunStatus, RunTrigger

log = logging.getLogger(__name__)

_embedded: BaseScheduler | None = None
_embedded_guard = threading.Lock()


def _settings(app: Flask) -> None:
    app.config.setdefault("SCHEDULER_SWEEP_MINUTES", 5)
    app.config.setdefault("SCHEDULER_HOUSEKEEPING_MINUTES", 60)
    # Generous: a run delayed by a suspended laptop or a busy process still happens (once, coalesced).
    app.config.setdefault("SCHEDULER_MISFIRE_GRACE_SECONDS", 6 * 60 * 60)
    # Only the demo embeds a scheduler in `flask run`; SCHEDULER_EMBEDDED=0 turns it off there.
    demo = app.config.get("PORTAL_ENV") == "demo"
    embedded = os.environ.get("SCHEDULER_EMBEDDED", "1" if demo else "0").strip().lower() in {"1", "true", "yes", "on"}
    app.config.setdefault("SCHEDULER_EMBEDDED", embedded)
    # The demo's jobs follow the portal's (movable) clock; tests ask for it when they test it.
    on_portal_time = bool(app.config.get("DEMO_MODE")) and not app.config.get("TESTING")
    app.config.setdefault("SCHEDULER_ON_PORTAL_TIME", on_portal_time)
    app.config.setdefault("SCHEDULER_PORTAL_TICK_SECONDS", 2)


class _QuietRelay(logging.Filter):
    """APScheduler logs "Running job" and "executed successfully" at INFO for every run: every 3 s
    for the SMS relay, which says itself when it moved something. Those two lines are dropped for it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.INFO or "sms-relay" not in record.getMessage()


def _run_scheduled(app: Flask, name: str) -> None:
    """What APScheduler calls: one run in a fresh app context (and so its own database session)."""
    with app.app_context():
        try:
            run_job(name, RunTrigger.SCHEDULED)
        except Exception as error:  # run_job keeps job errors; this is e.g. the database being down
            log.error("Scheduled job %s could not run: %s", name, describe_error(error))


REMINDER_HOURS_CRON = "9-20"
REMINDER_HOURS = range(9, 21)  # the same hours, for the portal's clock
MIDNIGHT = range(0, 1)


def crossed_hour(since: datetime, until: datetime, hours: range) -> bool:
    """True if a full hour HH:00 WIB with HH in `hours` lies in (since, until]."""
    if until - since >= timedelta(days=1):
        return True  # every WIB day holds each of those hours
    mark = to_wib(since).replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    while mark <= until:
        if mark.hour in hours:
            return True
        mark += timedelta(hours=1)
    return False


class PortalTimeline:
    """The midnight sweep and the reminders on the portal's clock (the demo's, which the presenter moves).

    Each tick reads the portal's time; when it has passed 00:00 WIB since the last tick the sweep runs,
    when it has passed a full hour from 09:00 to 20:00 WIB the reminders run, as the cron triggers do on
    real time. A jump forward of days runs each job once (both are idempotent and take their lock); a
    jump back runs nothing and starts again from there.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.seen: dict[str, datetime] = {}  # per job: the portal's time up to which it is done

    def tick(self) -> list[str]:
        """Run what the portal's clock has reached since the last tick; return the jobs run."""
        now = clock.now()
        ran = []
        for name, hours in (("sweep", MIDNIGHT), ("reminders", REMINDER_HOURS)):
            since = self.seen.get(name)
            if since is not None and now > since and crossed_hour(since, now, hours):
                if not self._run(name):
                    continue  # another process held its lock, or the database was away: try again next tick
                ran.append(name)
            self.seen[name] = now
        return ran

    def _run(self, name: str) -> bool:
        with self.app.app_context():
            try:
                return run_job(name, RunTrigger.SCHEDULED).status != RunStatus.SKIPPED
            except Exception as error:
                log.error("Scheduled job %s could not run: %s", name, describe_error(error))
                return False


def build_scheduler(app: Flask, blocking: bool) -> BaseScheduler:
    """A BlockingScheduler (the `scheduler` command) or BackgroundScheduler (embedded), not started.

    Sweep every SCHEDULER_SWEEP_MINUTES (5) and at 00:00 WIB, reminders at 09:00 WIB (retried
    hourly until 20:00), housekeeping every SCHEDULER_HOUSEKEEPING_MINUTES (60), the SMS relay every
    SMS_RELAY_INTERVAL seconds (3). In production the midnight sweep and the reminders are cron triggers
    on the wall clock. With SCHEDULER_ON_PORTAL_TIME (the demo) they follow the portal's clock instead,
    which the presenter moves: APScheduler cannot be given a fake clock, so a `PortalTimeline` looks
    every few seconds at where the portal's time has got to. The relay runs on the wall clock always.
    """
    _settings(app)
    executor_log = logging.getLogger("apscheduler.executors.default")
    if not any(isinstance(f, _QuietRelay) for f in executor_log.filters):
        executor_log.addFilter(_QuietRelay())
    kind = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = kind(
        timezone=WIB,
        job_defaults={
            "coalesce": True,  # many missed runs of one job become a single run
            "max_instances": 1,
            "misfire_grace_time": app.config["SCHEDULER_MISFIRE_GRACE_SECONDS"],
        },
    )

    def add(job_id: str, name: str, trigger: Any, **options: Any) -> None:
        scheduler.add_job(_run_scheduled, trigger, args=(app, name), id=job_id, name=job_id, **options)

    # The job store is in memory: runs missed while the process was down are forgotten on restart,
    # so misfire_grace_time alone cannot catch them up. The sweep is idempotent and revokes
    # everything already past its deadline, so one run at start does; coalesce keeps it one.
    add("sweep", "sweep", IntervalTrigger(minutes=app.config["SCHEDULER_SWEEP_MINUTES"], timezone=WIB),
        next_run_time=clock.real_now().astimezone(WIB))
    if app.config["SCHEDULER_ON_PORTAL_TIME"]:
        timeline = PortalTimeline(app)
        scheduler.add_job(timeline.tick, IntervalTrigger(seconds=app.config["SCHEDULER_PORTAL_TICK_SECONDS"],
                                                         timezone=WIB), id="portal-time", name="portal-time")
    else:
        # Deadlines end at 23:59:59 WIB: revoke right after midnight, not up to 5 minutes later.
        add("sweep-midnight", "sweep", CronTrigger(hour=0, minute=0, timezone=WIB))
        # 09:00 WIB queues the day's reminders; the hourly runs until 20:00 catch what a failed run
        # left (a reminder is queued once, so they send nothing else), never at night.
        add("reminders", "reminders", CronTrigger(hour=REMINDER_HOURS_CRON, minute=0, timezone=WIB))
    add("housekeeping", "housekeeping",
        IntervalTrigger(minutes=app.config["SCHEDULER_HOUSEKEEPING_MINUTES"], timezone=WIB))
    # The SMS relay (portal/jobs/relay.py): every few seconds, not through run_job (no JobRun row
    # each time); a short grace, since a missed pass is simply the next one.
    scheduler.add_job(relay_once, IntervalTrigger(seconds=app.config["SMS_RELAY_INTERVAL"], timezone=WIB),
                      args=(app,), id="sms-relay", name="sms-relay", misfire_grace_time=30,
                      next_run_time=clock.real_now().astimezone(WIB))
    return scheduler


def _flask_run_context() -> click.Context | None:
    """The click context of `flask run`, if this code runs inside that command."""
    ctx = click.get_current_context(silent=True)
    return ctx if ctx is not None and ctx.command is run_command else None


def _is_reloader_parent() -> bool:
    """True in the process that only watches files: Werkzeug's reloader serves from a child."""
    if os.environ.get("WERKZEUG_RUN_MAIN") == "true":
        return False
    ctx = _flask_run_context()
    if ctx is None:
        return False
    reload = ctx.params.get("reload")
    return bool(get_debug_flag() if reload is None else reload)


def register_scheduler(app: Flask) -> None:
    """create_app step: under `flask run` (`make run`), start the embedded scheduler; else nothing.

    Not FLASK_RUN_FROM_CLI alone: Flask sets it for every `flask` command (`db upgrade`,
    `scheduler`, ...), so it is checked together with the click context being `flask run`'s own.
    gunicorn, the `scheduler` command and the tests never get here.
    """
    _settings(app)
    if os.environ.get("FLASK_RUN_FROM_CLI") == "true" and _flask_run_context() is not None:
        start_embedded(app)


def start_embedded(app: Flask) -> BaseScheduler | None:
    """Start the embedded BackgroundScheduler (once per process) and return it, unless
    SCHEDULER_EMBEDDED is off, this is the reloader's parent, or gunicorn runs the process."""
    global _embedded
    _settings(app)
    if not app.config["SCHEDULER_EMBEDDED"] or _is_reloader_parent():
        return None
    if os.environ.get("SERVER_SOFTWARE", "").startswith("gunicorn"):  # set by gunicorn's arbiter
        log.warning("Not starting an embedded scheduler under gunicorn; run `flask scheduler` instead.")
        return None
    with _embedded_guard:
        if _embedded is None:
            _embedded = build_scheduler(app, blocking=False)
            _embedded.start()
            log.info("Embedded scheduler started")
        return _embedded


def stop_embedded(wait: bool = True) -> None:
    """Shut the embedded scheduler down, if one runs (tests; a clean stop)."""
    global _embedded
    with _embedded_guard:
        if _embedded is not None:
            _embedded.shutdown(wait=wait)
            _embedded = None


def _stop_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(0)  # like Ctrl+C: leave start(), then shut down cleanly below


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the job scheduler in the foreground until interrupted (the Procfile's `scheduler:`)."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    scheduler = build_scheduler(current_app._get_current_object(), blocking=True)
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm) if in_main_thread else None
    click.echo("Scheduler running (Ctrl+C to stop).")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)
        if scheduler.running:
            scheduler.shutdown(wait=True)  # a running job finishes and gives back its lock
    click.echo("Scheduler stopped.")


jobs_cli = AppGroup("jobs", help="Background jobs: run one now, list recent runs.")


@jobs_cli.command("run")
@click.argument("name")
def run_one(name: str) -> None:
    """Run job NAME now (sweep, reminders, housekeeping) and print its counts; exit 1 if it fails."""
    if name not in JOBS:  # checked here, not with click.Choice, so the registry is read when run
        raise click.BadParameter(f"choose one of: {', '.join(sorted(JOBS))}", param_hint="NAME")
    try:
        run = run_job(name, RunTrigger.CLI)
    except Exception as error:
        raise click.ClickException(f"{name} failed: {describe_error(error)}") from None
    if run.status == RunStatus.SKIPPED:
        click.echo(f"{name}: skipped, another process holds its lock (it is running there).")
    else:
        click.echo(f"{name}: {run.status}, {format_counts(run_counts(run))}")


@jobs_cli.command("list")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
def list_runs(limit: int) -> None:
    """Show the latest runs, newest first (times in WIB)."""
    runs = recent_runs(limit)
    if not runs:
        click.echo("No job runs yet.")
    for run in runs:
        started = to_wib(run.started_at).strftime("%Y-%m-%d %H:%M:%S")
        took = f"{(run.finished_at - run.started_at).total_seconds():.1f}s" if run.finished_at else "-"
        detail = run.error or format_counts(run_counts(run))
        click.echo(f"{started} WIB  {run.job:<12} {run.trigger:<9} {run.status:<7} {took:>7}  {detail}  [{run.holder}]")


def register_commands(app: Flask) -> None:
    """Add `flask scheduler`, `flask jobs run|list` and `flask sms relay`."""
    app.cli.add_command(scheduler_command)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(sms_cli)
