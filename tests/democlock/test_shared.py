"""Every process of the demo reads one clock: a move in one shows in the others within about a second."""
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta

import pytest

from portal import clock as portal_clock
from portal.extensions import db
from portal.services.democlock import reset_demo_clock, set_demo_time
from portal.shared_clock import follow_demo_clock

SCENARIO = datetime(2021, 4, 8, 14, 0, tzinfo=UTC)  # Kamis, 8 April 2021 21.00 WIB

# Another process of the demo: its own app on the same database, following the stored clock.
OTHER_PROCESS = textwrap.dedent("""
    import sys, time
    from datetime import datetime
    from portal import clock, create_app
    from portal.extensions import db
    from portal.services.democlock import set_demo_time
    from portal.shared_clock import follow_demo_clock
    app = create_app({"PORTAL_ENV": "test", "SQLALCHEMY_DATABASE_URI": sys.argv[1]})
    follow_demo_clock(app)
    if sys.argv[2] == "move":
        with app.app_context():
            set_demo_time(datetime.fromisoformat(sys.argv[3]))
            db.session.commit()
        print("moved", flush=True)
    else:  # watch: print the portal's year as soon as it is the one expected, or give up after 5 s
        deadline = time.monotonic() + 5
        while clock.now().year != int(sys.argv[3]) and time.monotonic() < deadline:
            time.sleep(0.05)
        print(clock.now().isoformat(), flush=True)
""")


@pytest.fixture(autouse=True)
def real_time_after():
    yield
    portal_clock.share_offset(None)
    portal_clock.set_offset(timedelta(0))


def other_process(app, *args) -> subprocess.Popen:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    return subprocess.Popen([sys.executable, "-c", OTHER_PROCESS, url, *args], stdout=subprocess.PIPE, text=True)


def test_a_move_in_another_process_shows_here_within_a_second(app):
    follow_demo_clock(app)
    assert abs(portal_clock.now() - portal_clock.real_now()) < timedelta(seconds=1)
    mover = other_process(app, "move", SCENARIO.isoformat())
    assert mover.communicate(timeout=60)[0].strip() == "moved"
    moved_at = time.monotonic()
    while portal_clock.now().year != 2021 and time.monotonic() - moved_at < 3:
        time.sleep(0.02)
    assert time.monotonic() - moved_at <= portal_clock.REFRESH_SECONDS + 0.5
    assert abs(portal_clock.now() - SCENARIO) < timedelta(seconds=5)


def test_a_move_here_shows_in_another_process(app):
    watcher = other_process(app, "watch", "2021")
    time.sleep(0.5)  # let it start on real time
    set_demo_time(SCENARIO)
    db.session.commit()
    seen = datetime.fromisoformat(watcher.communicate(timeout=60)[0].strip())
    assert abs(seen - SCENARIO) < timedelta(seconds=10)
    reset_demo_clock()
    db.session.commit()


def test_without_a_shared_source_now_reads_nothing(app, monkeypatch):
    """Production: no demo clock followed, so `now()` never touches the database."""
    portal_clock.share_offset(None)
    monkeypatch.setattr(portal_clock, "_read_source_if_due", lambda: pytest.fail("read the demo clock"))
    assert abs(portal_clock.now() - portal_clock.real_now()) < timedelta(seconds=1)


def test_a_burst_of_now_calls_reads_the_row_once(app):
    reads = []
    portal_clock.share_offset(lambda: reads.append(1) or timedelta(hours=1))
    for _ in range(1000):
        portal_clock.now()
    assert len(reads) == 1 and portal_clock.offset() == timedelta(hours=1)


def test_an_unreadable_clock_keeps_the_last_offset(app):
    def broken():
        raise RuntimeError("database away")

    portal_clock.set_offset(timedelta(hours=2))
    portal_clock.share_offset(broken)
    assert portal_clock.offset() == timedelta(hours=2)


def test_reading_the_clock_inside_a_writing_transaction_does_not_wait_for_it(app):
    follow_demo_clock(app)
    set_demo_time(SCENARIO)  # the session now holds the write lock (SQLite) until it commits
    started = time.monotonic()
    portal_clock.refresh()  # reads the committed row: real time still, since nothing is committed yet
    assert time.monotonic() - started < 1
    assert abs(portal_clock.now() - portal_clock.real_now()) < timedelta(seconds=2)
    db.session.commit()
    portal_clock.refresh()
    assert abs(portal_clock.now() - SCENARIO) < timedelta(seconds=5)
