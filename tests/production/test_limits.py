"""Login and code limits with their counters in Redis, and what happens when Redis is down.

The choice (README, "Scaling out"): when Redis cannot be reached, each process counts in its own
memory until Redis is back. The portal stays usable (a card holder on deadline day can still log
in and pay) and limits still hold, per worker instead of across all of them.

`portal.extensions.limiter` is one object per process: every `create_app` re-configures it. In
production a process has one app; here, `isolated_limiter` puts its state back after each test.
"""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis

from portal.extensions import limiter
from tests.conftest import Auth
from tests.factories import NIK, PASSWORD, create_user

ROOT = Path(__file__).resolve().parents[2]
DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
TIMEOUTS = {"socket_connect_timeout": 1, "socket_timeout": 1}


@pytest.fixture
def isolated_limiter():
    saved = dict(vars(limiter))
    yield limiter
    storage = getattr(limiter, "_storage", None)
    client = getattr(storage, "storage", None)
    if storage is not saved.get("_storage") and isinstance(client, redis.Redis):
        client.close()  # its sockets, before the garbage collector complains about them
    vars(limiter).clear()
    vars(limiter).update(saved)


@pytest.fixture
def redis_store():
    """The URL of a reachable Redis and a key prefix of this test's own; its keys are removed after."""
    client = redis.Redis.from_url(REDIS_URL, **TIMEOUTS)
    try:
        client.ping()
    except redis.RedisError as error:
        client.close()
        pytest.skip(f"no Redis at {REDIS_URL} ({error}); start one or set TEST_REDIS_URL")
    prefix = f"portal-test-{uuid.uuid4().hex}"
    yield REDIS_URL, prefix, lambda: sorted(client.scan_iter(match=f"*{prefix}*"))
    for key in client.scan_iter(match=f"*{prefix}*"):
        client.delete(key)
    client.close()


def _limited(**overrides):
    settings = {"RATELIMIT_ENABLED": True, "RATELIMIT_LOGIN": "3 per hour", "RATELIMIT_STORAGE_OPTIONS": TIMEOUTS}
    return settings | overrides


def _post_login(app) -> int:
    # Without CSRF (these apps turn it off) so that only the limit decides; a blank form is refused: 200.
    return app.test_client().post("/masuk", data={}).status_code


def test_production_settings_fail_over_to_memory():
    from portal.config import base_settings

    settings = base_settings()
    assert settings["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] is True
    assert not settings.get("RATELIMIT_SWALLOW_ERRORS")  # never "no limits at all"


@pytest.mark.parametrize("uri, options", [
    ("redis://redis.internal:6379/0", TIMEOUTS), ("rediss://redis.internal:6380/0", TIMEOUTS), ("memory://", {}),
])
def test_redis_gets_short_timeouts(monkeypatch, uri, options):
    from portal.config import base_settings

    monkeypatch.setenv("RATELIMIT_STORAGE_URI", uri)
    assert base_settings()["RATELIMIT_STORAGE_OPTIONS"] == options


def test_redis_down_login_still_works_and_limits_hold_per_process(make_app, isolated_limiter, caplog):
    create_user()
    app = make_app(**_limited(RATELIMIT_STORAGE_URI=DEAD_REDIS))
    with caplog.at_level(logging.WARNING, logger="flask-limiter"):
        welcome = Auth(app.test_client()).login()
    assert welcome.status_code == 200 and "Selamat datang" in welcome.get_data(as_text=True)
    assert "falling back to in-memory storage" in caplog.text

    guesser = app.test_client()
    for _ in range(2):
        assert "kata sandi salah" in Auth(guesser).login(NIK, "tebak tebak saja").get_data(as_text=True)
    refused = Auth(guesser).login(NIK, PASSWORD)  # the 4th try in the hour, even with the right password
    assert refused.status_code == 429 and "Selamat datang" not in refused.get_data(as_text=True)


def test_redis_down_code_pages_keep_their_limit(make_app, isolated_limiter):
    app = make_app(**_limited(RATELIMIT_STORAGE_URI=DEAD_REDIS, RATELIMIT_OTP="2 per hour", WTF_CSRF_ENABLED=False))
    client = app.test_client()
    statuses = [client.post("/aktivasi/kirim-ulang").status_code for _ in range(3)]
    assert statuses == [302, 302, 429]


def test_counters_are_shared_by_two_workers_through_redis(make_app, isolated_limiter, redis_store):
    url, prefix, keys = redis_store
    settings = _limited(RATELIMIT_STORAGE_URI=url, RATELIMIT_KEY_PREFIX=prefix, WTF_CSRF_ENABLED=False)
    first = make_app(**settings)
    assert [_post_login(first) for _ in range(2)] == [200, 200]
    # A second worker: a new app, its limiter storage built afresh, the same Redis.
    second = make_app(**settings)
    assert [_post_login(second) for _ in range(2)] == [200, 429]
    assert _post_login(first) == 429
    assert keys(), "the counters should be in Redis"


SECOND_PROCESS = """
import json, sys
from portal import create_app
app = create_app(json.loads(sys.argv[1]))
print(json.dumps([app.test_client().post("/masuk", data={}).status_code for _ in range(int(sys.argv[2]))]))
"""


def test_counters_are_shared_with_another_process(make_app, isolated_limiter, redis_store, base_app):
    url, prefix, _ = redis_store
    settings = _limited(RATELIMIT_STORAGE_URI=url, RATELIMIT_KEY_PREFIX=prefix, WTF_CSRF_ENABLED=False)
    here = make_app(**settings)
    assert [_post_login(here) for _ in range(2)] == [200, 200]
    there = settings | {"PORTAL_ENV": "test", "SQLALCHEMY_DATABASE_URI": base_app.config["SQLALCHEMY_DATABASE_URI"]}
    done = subprocess.run([sys.executable, "-c", SECOND_PROCESS, json.dumps(there), "2"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == [200, 429]
    assert _post_login(here) == 429


def test_redis_back_again_is_used_again(make_app, isolated_limiter, redis_store, monkeypatch):
    url, prefix, keys = redis_store
    app = make_app(**_limited(RATELIMIT_STORAGE_URI=url, RATELIMIT_KEY_PREFIX=prefix, WTF_CSRF_ENABLED=False))
    limiter._storage_dead = True  # as after a failure: counting in memory
    monkeypatch.setattr(limiter, "_Limiter__should_check_backend", lambda: True)  # time to look again
    assert _post_login(app) == 200
    assert not limiter._storage_dead and keys()
