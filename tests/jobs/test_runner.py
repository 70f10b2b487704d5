"""run_job: each run is recorded with its counts or its error, in its own transactions."""
import logging
import os
import socket
from datetime import UTC, datetime

import pytest
from flask_babel import LazyString
from sqlalchemy import select, text

from portal.extensions import db
from portal.jobs import JOBS, recent_runs, run_counts, run_job
from portal.models import JobLease, JobRun
from tests.conftest import START
from tests.factories import NIK
from tests.jobs import fake_job


def boom(now):
    raise RuntimeError("the gateway is down")


def test_a_run_records_its_counts_times_and_holder(app, monkeypatch, clock):
    calls = fake_job(monkeypatch, result={"revoked": 3, "returned": 3_000_000})
    run = run_job("x", "scheduled")
    assert (run.job, run.trigger, run.status, run.error) == ("x", "scheduled", "ok", None)
    assert run_counts(run) == {"revoked": 3, "returned": 3_000_000}
    assert run.started_at == run.finished_at == START  # the clock is frozen
    assert run.holder == f"{socket.gethostname()}:{os.getpid()}"
    assert calls == [START]  # `now` defaults to clock.now()


def test_the_job_gets_the_given_now(app, monkeypatch):
    calls = fake_job(monkeypatch)
    moment = datetime(2021, 4, 8, 17, 0, tzinfo=UTC)  # 9 April 00.00 WIB
    assert run_job("x", "manual", now=moment).status == "ok"
    assert calls == [moment]


@pytest.mark.parametrize(("name", "module", "function"), [
    ("sweep", "portal.jobs.sweep", "revoke_expired_cards"),
    ("reminders", "portal.jobs.reminders", "send_deadline_reminders"),
    ("housekeeping", "portal.jobs.housekeeping", "clean_up"),
])
def test_the_registry_calls_each_job_function(app, monkeypatch, name, module, function):
    monkeypatch.setattr(f"{module}.{function}", lambda now: {"done": 1})
    assert isinstance(JOBS[name].label, LazyString)
    run = run_job(name, "cli", now=START)
    assert (run.status, run_counts(run)) == ("ok", {"done": 1})


@pytest.mark.parametrize("trigger", ["scheduled", "manual"])
def test_a_failure_is_recorded_and_logged_not_raised(app, monkeypatch, caplog, trigger):
    fake_job(monkeypatch, function=boom)
    with caplog.at_level(logging.ERROR, logger="portal.jobs"):
        run = run_job("x", trigger)
    assert run.status == "error" and run.finished_at is not None and run_counts(run) == {}
    assert run.error == "RuntimeError: the gateway is down"  # type and message, no traceback
    assert f"Job x ({trigger}) failed at test_runner.py" in caplog.text
    assert "RuntimeError: the gateway is down" in caplog.text


def test_a_failure_is_raised_for_the_cli(app, monkeypatch):
    fake_job(monkeypatch, function=boom)
    with pytest.raises(RuntimeError, match="gateway"):
        run_job("x", "cli")
    run = db.session.scalar(select(JobRun))
    assert (run.status, run.error) == ("error", "RuntimeError: the gateway is down")


def test_an_interrupt_is_recorded_and_raised_whatever_the_trigger(app, monkeypatch):
    def interrupted(now):
        raise KeyboardInterrupt

    fake_job(monkeypatch, function=interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_job("x", "scheduled")
    assert db.session.scalar(select(JobRun.status)) == "error"


def test_a_failed_job_loses_its_unfinished_batch(app, monkeypatch):
    def half_done(now):
        db.session.add(JobLease(name="half-done"))
        db.session.flush()
        raise RuntimeError("crash")

    fake_job(monkeypatch, function=half_done)
    assert run_job("x", "scheduled").status == "error"
    assert db.session.get(JobLease, "half-done") is None


def test_database_errors_leave_out_the_sql_and_its_parameters(app, monkeypatch, caplog):
    def bad_query(now):
        db.session.execute(text("SELECT * FROM no_such_table WHERE nik = :nik"), {"nik": NIK})

    fake_job(monkeypatch, function=bad_query)
    with caplog.at_level(logging.ERROR, logger="portal.jobs"):
        run = run_job("x", "scheduled")
    assert run.status == "error" and "no_such_table" in run.error
    assert run.error.split(":")[0] in {"OperationalError", "ProgrammingError"}
    for shown in (run.error, caplog.text):
        assert NIK not in shown and "SELECT" not in shown


def test_the_running_row_is_visible_while_the_job_runs(app, monkeypatch, clock):
    """Committed before the job starts: a crash mid-job leaves it, with its started_at."""
    seen = []

    def look(now):
        with db.engine.connect() as other:  # what the admin page (or a post-mortem) reads
            seen.extend(other.execute(select(JobRun.status, JobRun.started_at, JobRun.finished_at)).all())
        return {}

    fake_job(monkeypatch, function=look)
    run_job("x", "scheduled")
    assert [tuple(row) for row in seen] == [("running", START, None)]


def test_unknown_triggers_and_jobs_are_refused(app):
    with pytest.raises(ValueError, match="trigger"):
        run_job("sweep", "cron")
    with pytest.raises(KeyError):
        run_job("no-such-job", "cli")
    assert db.session.scalar(select(JobRun)) is None


def test_recent_runs_newest_first(app, monkeypatch, clock):
    fake_job(monkeypatch)
    for _ in range(3):
        run_job("x", "scheduled")
        clock.shift(300)
    runs = recent_runs(limit=2)
    assert [run.started_at for run in runs] == [START.replace(minute=10), START.replace(minute=5)]
