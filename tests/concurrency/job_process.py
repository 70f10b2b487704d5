"""One scheduler's work in a process of its own (for test_two_schedulers.py).

    python -m tests.concurrency.job_process NOW JOB [JOB ...]

Builds the portal on the test's database (PORTAL_TEST_DB_URI, SMS to the outbox table), prints
"ready", and waits for a line on stdin, so that two processes start their jobs at one moment.
Then runs each job as the scheduler does, `run_job(job, "scheduled", NOW)` (lock, JobRun row),
and prints one line per run: `job status`.
"""
import sys
from datetime import datetime

from portal import create_app
from portal.jobs import run_job
from tests.concurrency.helpers import process_app_settings


def main(now: str, *jobs: str) -> None:
    app = create_app(process_app_settings())
    with app.app_context():
        print("ready", flush=True)
        sys.stdin.readline()
        for job in jobs:
            run = run_job(job, "scheduled", datetime.fromisoformat(now))
            print(job, run.status, flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
