"""A sweep slowed down on purpose, to be killed mid-batch by test_sweep_killed.py.

    python -m tests.faults.slow_sweep NOW BATCH PAUSE

Runs the sweep as `flask jobs run sweep` does, `run_job("sweep", "cli", NOW)`: it takes the job's
advisory lock and commits a "running" JobRun row first. Only here, not in the product, `revoke_batch`
is wrapped: batches of BATCH cards; from the second batch on, each is held PAUSE seconds after its
statements, before its commit (its rows locked, its changes not yet committed).
"""
import sys
import time
from datetime import datetime

from portal import create_app
from portal.jobs import run_job, sweep
from tests.concurrency.helpers import process_app_settings


def main(now: str, batch: str, pause: str) -> None:
    real_batch, calls = sweep.revoke_batch, []

    def slow_batch(at: datetime, _batch_size: int):
        done = real_batch(at, int(batch))
        calls.append(done)
        if len(calls) > 1:
            time.sleep(float(pause))
        return done

    sweep.revoke_batch = slow_batch
    app = create_app(process_app_settings())
    with app.app_context():
        run = run_job("sweep", "cli", datetime.fromisoformat(now))
        print(run.status, run.counts, flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
