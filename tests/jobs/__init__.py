"""Tests of the job runner, the job lock and the scheduler, and the helpers they share."""
from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from portal.jobs import JOBS, Job


def fake_job(monkeypatch, name: str = "x", function: Callable[[datetime], Any] | None = None,
             result: dict[str, int] | None = None) -> list[datetime]:
    """Register a job `name` for this test (replacing a real one if named so); returns its calls."""
    calls: list[datetime] = []

    def run(now: datetime) -> dict[str, int]:
        calls.append(now)
        return function(now) if function else dict(result or {})

    monkeypatch.setitem(JOBS, name, Job(name, name, run))
    return calls


def in_thread(app, work: Callable[[], Any]) -> Any:
    """`work()` in another thread with its own app context (its own session), as another process would."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        with app.app_context():
            try:
                outcome["value"] = work()
            except BaseException as error:  # handed to the test thread below
                outcome["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=30)
    assert not thread.is_alive(), "the thread hung"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
