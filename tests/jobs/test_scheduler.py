"""The scheduler's timetable, where it may start (only `flask run` in the demo), and the commands."""
import logging
import signal
import threading
from datetime import datetime, timedelta

import click
import pytest
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from flask import Flask
from flask.cli import run_command
from sqlalchemy import select

from portal import scheduler as portal_scheduler
from portal.clock import WIB
from portal.extensions import db
from portal.jobs.locks import job_lock
from portal.jobs.relay import relay_once
from portal.models import JobRun
from portal.scheduler import (
    build_scheduler,
    jobs_cli,
    register_commands,
    register_scheduler,
    scheduler_command,
    start_embedded,
    stop_embedded,
)
from tests.jobs import fake_job


def fake_all_jobs(monkeypatch, sweep=None) -> None:
    fake_job(monkeypatch, "sweep", function=sweep)
    fake_job(monkeypatch, "reminders")
    fake_job(monkeypatch, "housekeeping")


@pytest.fixture
def started(app):
    """Start a scheduler for the test; it is shut down (waiting for running jobs) afterwards."""
    schedulers = []

    def start(scheduler, paused=False):
        scheduler.start(paused=paused)
        schedulers.append(scheduler)
        return scheduler

    yield start
    for scheduler in schedulers:
        if scheduler.running:
            scheduler.shutdown(wait=True)


def test_the_timetable(app, started):
    scheduler = started(build_scheduler(app, blocking=False), paused=True)  # paused: nothing runs
    jobs = {job.id: job for job in scheduler.get_jobs()}
    # The SMS relay: every few seconds, outside run_job (no JobRun row per pass), due at start.
    relay = jobs.pop("sms-relay")
    assert relay.func is relay_once and relay.args == (app,)
    assert relay.trigger.interval == timedelta(seconds=3) and relay.misfire_grace_time == 30
    assert relay.next_run_time < relay.trigger.start_date
    assert {job_id: job.args[1] for job_id, job in jobs.items()} == {
        "sweep": "sweep", "sweep-midnight": "sweep", "reminders": "reminders", "housekeeping": "housekeeping"}
    assert str(scheduler.timezone) == "Asia/Jakarta"
    for job in jobs.values():
        assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, 6 * 3600)
        assert str(job.trigger.timezone) == "Asia/Jakarta"
    sweep, housekeeping = jobs["sweep"].trigger, jobs["housekeeping"].trigger
    assert isinstance(sweep, IntervalTrigger) and sweep.interval == timedelta(minutes=5)
    assert isinstance(housekeeping, IntervalTrigger) and housekeeping.interval == timedelta(hours=1)
    # The catch-up: the first sweep is due at start, not one interval later.
    assert jobs["sweep"].next_run_time < sweep.start_date
    # The cron jobs keep the Jakarta wall clock: the sweep right after a deadline, reminders at 9.
    last_second = datetime(2021, 4, 8, 23, 59, 59, tzinfo=WIB)
    assert isinstance(jobs["sweep-midnight"].trigger, CronTrigger)
    assert jobs["sweep-midnight"].trigger.get_next_fire_time(None, last_second) == datetime(2021, 4, 9, tzinfo=WIB)
    assert jobs["reminders"].trigger.get_next_fire_time(None, last_second) == datetime(2021, 4, 9, 9, tzinfo=WIB)


def test_the_intervals_come_from_the_settings(app, monkeypatch):
    monkeypatch.setitem(app.config, "SCHEDULER_SWEEP_MINUTES", 1)
    monkeypatch.setitem(app.config, "SCHEDULER_HOUSEKEEPING_MINUTES", 30)
    monkeypatch.setitem(app.config, "SMS_RELAY_INTERVAL", 2)
    scheduler = build_scheduler(app, blocking=True)  # the dedicated process's; not started
    assert isinstance(scheduler, BlockingScheduler)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert jobs["sweep"].trigger.interval == timedelta(minutes=1)
    assert jobs["sms-relay"].trigger.interval == timedelta(seconds=2)
    assert jobs["housekeeping"].trigger.interval == timedelta(minutes=30)


def test_a_started_scheduler_sweeps_at_once_in_an_app_context(app, monkeypatch, started):
    """A sweep missed while the process was down runs once on its return."""
    swept = threading.Event()

    def sweep(now):
        db.session.scalar(select(JobRun.id))  # needs the app context the scheduler pushes
        swept.set()
        return {"revoked": 0}

    fake_all_jobs(monkeypatch, sweep=sweep)
    scheduler = started(build_scheduler(app, blocking=False))
    assert swept.wait(timeout=10)
    scheduler.shutdown(wait=True)  # the run is recorded before this returns
    run = db.session.scalar(select(JobRun))
    assert (run.job, run.trigger, run.status) == ("sweep", "scheduled", "ok")


@pytest.fixture
def embedding(app, monkeypatch):
    """Count start_embedded calls, with FLASK_RUN_FROM_CLI set (as by every `flask` command)."""
    calls = []
    monkeypatch.setattr(portal_scheduler, "start_embedded", calls.append)
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    return calls


def test_register_scheduler_starts_nothing_outside_flask_run(app, embedding):
    register_scheduler(app)  # tests, gunicorn: no click context at all
    with click.Context(scheduler_command, info_name="scheduler"):  # `flask scheduler`, `flask db upgrade`...
        register_scheduler(app)
    assert embedding == []


def test_register_scheduler_starts_it_under_flask_run(app, embedding):
    with click.Context(run_command, info_name="run"):
        register_scheduler(app)
    assert embedding == [app]


def test_the_embedded_scheduler_is_off_unless_configured(app, monkeypatch):
    monkeypatch.delenv("SCHEDULER_EMBEDDED", raising=False)
    assert app.config["PORTAL_ENV"] == "test"
    assert start_embedded(app) is None


def test_the_embedded_scheduler_skips_the_reloaders_parent(app, monkeypatch):
    monkeypatch.setitem(app.config, "SCHEDULER_EMBEDDED", True)
    monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    with click.Context(run_command, info_name="run") as ctx:
        ctx.params["reload"] = True
        assert start_embedded(app) is None


def test_the_embedded_scheduler_never_runs_under_gunicorn(app, monkeypatch):
    monkeypatch.setitem(app.config, "SCHEDULER_EMBEDDED", True)
    monkeypatch.setenv("SERVER_SOFTWARE", "gunicorn/27.0.1")
    assert start_embedded(app) is None


def test_the_embedded_scheduler_starts_once_per_process(app, monkeypatch):
    fake_all_jobs(monkeypatch)
    monkeypatch.setitem(app.config, "SCHEDULER_EMBEDDED", True)
    monkeypatch.setenv("WERKZEUG_RUN_MAIN", "true")  # the reloader's child: the one that serves
    monkeypatch.delenv("SERVER_SOFTWARE", raising=False)
    try:
        first = start_embedded(app)
        assert first is not None and first.running
        assert start_embedded(app) is first
    finally:
        stop_embedded(wait=True)


def test_jobs_run_prints_the_counts(app, runner, monkeypatch):
    fake_job(monkeypatch, result={"revoked": 3, "returned": 3_000_000})
    result = runner.invoke(jobs_cli, ["run", "x"])
    assert result.exit_code == 0, result.output
    assert "x: ok, returned=3000000, revoked=3" in result.output
    assert db.session.scalar(select(JobRun.trigger)) == "cli"


def test_jobs_run_exits_non_zero_when_the_job_fails(app, runner, monkeypatch):
    def boom(now):
        raise RuntimeError("the gateway is down")

    fake_job(monkeypatch, function=boom)
    result = runner.invoke(jobs_cli, ["run", "x"])
    assert result.exit_code == 1
    assert "x failed: RuntimeError: the gateway is down" in result.output
    assert db.session.scalar(select(JobRun.status)) == "error"


def test_jobs_run_names_the_jobs_when_given_another(app, runner):
    result = runner.invoke(jobs_cli, ["run", "sweeep"])
    assert result.exit_code == 2 and "housekeeping, reminders, sweep" in result.output


def test_jobs_run_says_when_another_process_has_the_job(app, runner, monkeypatch):
    calls = fake_job(monkeypatch)
    with job_lock("x"):
        result = runner.invoke(jobs_cli, ["run", "x"])
        db.session.rollback()  # SQLite: the command's last read must end before the lease is given back
    assert result.exit_code == 0 and "skipped" in result.output and calls == []


def test_jobs_list_shows_recent_runs(app, runner, monkeypatch, clock):
    fake_job(monkeypatch, result={"revoked": 2})
    assert runner.invoke(jobs_cli, ["list"]).output == "No job runs yet.\n"
    runner.invoke(jobs_cli, ["run", "x"])
    lines = runner.invoke(jobs_cli, ["list"]).output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("2021-03-10 10:00:00 WIB  x")
    assert "cli" in lines[0] and "ok" in lines[0] and "revoked=2" in lines[0]


class StubScheduler:
    running = True
    stopped_with = None

    def start(self):
        raise KeyboardInterrupt  # Ctrl+C at once

    def shutdown(self, wait=True):
        self.stopped_with, self.running = wait, False


def test_the_scheduler_command_runs_until_interrupted(app, runner, monkeypatch):
    stub = StubScheduler()
    built = []
    monkeypatch.setattr(portal_scheduler, "build_scheduler", lambda app, blocking: built.append(blocking) or stub)
    handler = signal.getsignal(signal.SIGTERM)
    result = runner.invoke(scheduler_command)
    assert result.exit_code == 0, result.output
    assert built == [True] and stub.stopped_with is True  # waited for a running job to finish
    assert "Scheduler stopped." in result.output
    assert signal.getsignal(signal.SIGTERM) is handler


def test_register_commands_adds_the_scheduler_and_jobs_commands():
    other = Flask(__name__)
    register_commands(other)
    assert {"scheduler", "jobs"} <= set(other.cli.commands)


def test_the_relay_runs_quietly(app, caplog):
    """Every 3 s would flood the log: APScheduler's own INFO lines about the relay are dropped."""
    build_scheduler(app, blocking=True)
    executor_log = logging.getLogger("apscheduler.executors.default")
    with caplog.at_level(logging.INFO, logger="apscheduler.executors.default"):
        executor_log.info('Running job "sms-relay (trigger: interval[0:00:03])"')
        executor_log.info('Running job "sweep (trigger: interval[0:05:00])"')
        executor_log.error('Job "sms-relay" raised an exception')
    assert [r.getMessage() for r in caplog.records] == [
        'Running job "sweep (trigger: interval[0:05:00])"', 'Job "sms-relay" raised an exception']
