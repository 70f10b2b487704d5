"""The one clock checks itself: ruff's banned-API rule (TID251, configured in pyproject.toml) fails on a
read of the system clock anywhere but portal/clock.py. Each test plants source under a path laid out
like the repository and lints it with the project's own settings."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent

BANNED = {
    "datetime.datetime.now": "from datetime import UTC, datetime\n\nstamp = datetime.now(UTC)\n",
    "datetime.datetime.utcnow": "import datetime\n\nstamp = datetime.datetime.utcnow()\n",
    "datetime.date.today": "from datetime import date\n\nday = date.today()\n",
    "time.time": "import time\n\nstamp = time.time()\n",
}
ALLOWED = "import time\n\nstarted = time.perf_counter()\nwaited = time.monotonic() - started\n"


def lint(source: str, path: str) -> subprocess.CompletedProcess:
    """ruff on `source` as if it lived at `path`, with the repository's pyproject.toml."""
    return subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--config", str(ROOT / "pyproject.toml"),
         "--output-format", "concise", "--stdin-filename", path, "-"],
        input=source, text=True, capture_output=True, cwd=ROOT,
    )


@pytest.mark.parametrize("call", BANNED)
@pytest.mark.parametrize("path", ["portal/services/planted.py", "portal/admin/planted.py", "tests/planted.py",
                                  "bench/planted.py"])
def test_a_read_of_the_system_clock_fails_lint(call, path):
    result = lint(BANNED[call], path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "TID251" in result.stdout
    assert f"`{call}` is banned" in result.stdout
    assert "portal.clock" in result.stdout


@pytest.mark.parametrize("call", BANNED)
def test_the_clock_itself_may_read_the_system_clock(call):
    result = lint(BANNED[call], "portal/clock.py")
    assert result.returncode == 0, result.stdout + result.stderr


def test_measuring_a_duration_is_allowed():
    result = lint(ALLOWED, "portal/services/planted.py")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_repository_keeps_the_rule():
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--select", "TID251", "portal", "tests", "bench",
         "wsgi.py"],
        text=True, capture_output=True, cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
