"""The demo's jobs fire on the portal's clock: midnight comes by itself, wherever the presenter put the time."""
import time
from datetime import datetime, timedelta

import pytest
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import select

from portal import clock as portal_clock
from portal.clock import WIB
from portal.extensions import db
from portal.jobs.locks import job_lock
from portal.models import Card, JobRun, SmsMessage
from portal.scheduler import MIDNIGHT, REMINDER_HOURS, PortalTimeline, build_scheduler, crossed_hour
from portal.services.democlock import set_demo_time
from tests.jobs import fake_job
from tests.revocation.test_sweep import cards

LAST_DAY = datetime(2021, 4, 8, 21, 0, tzinfo=WIB)  # wave 13's deadline day, 21.00 WIB


@pytest.fixture(autouse=True)
def real_time_after():
    yield
    portal_clock.share_offset(None)
    portal_clock.set_offset(timedelta(0))


def at(hour: int, minute: int = 0, second: int = 0, day: int = 8) -> datetime:
    return datetime(2021, 4, day, hour, minute, second, tzinfo=WIB)


@pytest.mark.parametrize("since, until, hours, crossed", [
    (at(23, 59, 58), at(0, 0, 0, day=9), MIDNIGHT, True),
    (at(23, 59, 58), at(23, 59, 59), MIDNIGHT, False),
    (at(0, 0, 0, day=9), at(0, 0, 2, day=9), MIDNIGHT, False),  # midnight itself was the last tick's
    (at(21), at(21) + timedelta(days=7), MIDNIGHT, True),
    (at(8, 59), at(9, 0, 1), REMINDER_HOURS, True),
    (at(20, 30), at(8, 59, day=9), REMINDER_HOURS, False),  # the night: no reminders
    (at(20, 59), at(21, 0, 1), REMINDER_HOURS, False),
    (at(20, 59), at(20, 59) + timedelta(days=1), REMINDER_HOURS, True),
])
def test_crossed_hour(since, until, hours, crossed):
    assert crossed_hour(since, until, hours) is crossed


def test_the_demo_timetable_follows_the_portal_clock(app, monkeypatch):
    monkeypatch.setitem(app.config, "SCHEDULER_ON_PORTAL_TIME", True)
    jobs = {job.id: job for job in build_scheduler(app, blocking=True).get_jobs()}
    assert set(jobs) == {"sweep", "housekeeping", "portal-time", "sms-relay"}  # the relay: wall clock always
    assert jobs["portal-time"].trigger.interval == timedelta(seconds=2)


def test_production_keeps_its_cron_triggers(make_app):
    other = make_app(DEMO_MODE=False)
    assert other.config["SCHEDULER_ON_PORTAL_TIME"] is False
    jobs = {job.id: job for job in build_scheduler(other, blocking=True).get_jobs()}
    assert set(jobs) == {"sweep", "sweep-midnight", "reminders", "housekeeping", "sms-relay"}
    assert isinstance(jobs["sweep-midnight"].trigger, CronTrigger)


def move_to(moment: datetime) -> None:
    set_demo_time(moment)
    db.session.commit()


def test_the_timeline_runs_each_job_when_the_portal_time_passes_its_hour(app, clock, monkeypatch):
    swept, reminded = fake_job(monkeypatch, "sweep"), fake_job(monkeypatch, "reminders")
    timeline = PortalTimeline(app)
    move_to(at(23, 59, 58))
    assert timeline.tick() == []  # the first tick only notes where the time is
    clock.shift(1)
    assert timeline.tick() == []  # 23.59.59: still the last day
    clock.shift(1)
    assert timeline.tick() == ["sweep"] and swept == [at(0, day=9)]
    assert timeline.tick() == []
    move_to(at(21))  # back to the start: nothing runs, the next midnight counts again
    assert timeline.tick() == []
    move_to(at(21) + timedelta(days=7))  # a week on: each job once
    assert timeline.tick() == ["sweep", "reminders"] and len(swept) == 2 and len(reminded) == 1


def test_a_midnight_sweep_skipped_by_the_lock_runs_on_the_next_tick(app, clock, monkeypatch):
    swept = fake_job(monkeypatch, "sweep")
    timeline = PortalTimeline(app)
    move_to(at(23, 59, 59))
    timeline.tick()
    clock.shift(2)
    with job_lock("sweep") as held:  # the 5-minute sweep is running right now
        assert held and timeline.tick() == []
    assert swept == []
    assert timeline.tick() == ["sweep"] and len(swept) == 1


def test_midnight_revokes_the_card_by_itself(app, monkeypatch):
    """A real scheduler, the portal put at 23:59:58 WIB on the last day: no one presses anything."""
    [card] = cards(1)  # wave 13, deadline Thursday 8 April 2021 23:59:59 WIB
    monkeypatch.setitem(app.config, "SCHEDULER_ON_PORTAL_TIME", True)
    monkeypatch.setitem(app.config, "SCHEDULER_PORTAL_TICK_SECONDS", 0.5)
    set_demo_time(at(23, 59, 58))
    db.session.commit()
    scheduler = build_scheduler(app, blocking=False)
    scheduler.start()
    try:
        waited = time.monotonic()
        while time.monotonic() - waited < 15:
            status = db.session.scalar(select(Card.status).where(Card.id == card.id))
            db.session.rollback()  # a fresh read each time, and no lock held while the scheduler writes
            if status == "revoked":
                break
            time.sleep(0.2)
    finally:
        scheduler.shutdown(wait=True)
    assert time.monotonic() - waited < 10
    revoked = db.session.get(Card, card.id)
    assert revoked.status == "revoked" and revoked.revoked_at >= at(0, day=9)
    assert db.session.scalar(select(SmsMessage.to_phone)) == card.phone
    runs = db.session.execute(select(JobRun.job, JobRun.trigger, JobRun.counts).where(JobRun.job == "sweep")).all()
    assert any(trigger == "scheduled" and '"revoked": 1' in counts for _, trigger, counts in runs)
