"""gunicorn.conf.py: bind and workers from the environment, valid settings, and a real boot."""
from __future__ import annotations

import importlib.util
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest
from gunicorn.config import Config

from portal.extensions import db
from portal.logs import JsonFormatter

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "gunicorn.conf.py"
ENV_NAMES = ("PORT", "GUNICORN_BIND", "WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_TIMEOUT", "LOG_LEVEL")


def load_conf(monkeypatch, cores: int | None = None, **env: str):
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    if cores is not None:
        monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)), raising=False)
    spec = importlib.util.spec_from_file_location("gunicorn_conf_under_test", CONF)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def as_gunicorn_config(module) -> Config:
    """The module's settings through gunicorn's own validators, as `gunicorn -c` reads them."""
    cfg = Config()
    for name in cfg.settings:
        if hasattr(module, name):
            cfg.set(name, getattr(module, name))
    return cfg


def test_defaults(monkeypatch):
    conf = load_conf(monkeypatch, cores=2)
    assert conf.bind == ["127.0.0.1:8000"] and conf.workers == 5
    assert (conf.worker_class, conf.threads, conf.preload_app) == ("gthread", 4, False)
    assert conf.accesslog is None and conf.forwarded_allow_ips == "" and conf.secure_scheme_headers == {}


@pytest.mark.parametrize("cores, workers", [(1, 3), (3, 7), (64, 8)])
def test_default_workers_follow_the_cores_up_to_a_cap(monkeypatch, cores, workers):
    assert load_conf(monkeypatch, cores=cores).workers == workers


def test_web_concurrency_sets_the_workers(monkeypatch):
    assert load_conf(monkeypatch, cores=64, WEB_CONCURRENCY="12").workers == 12
    assert load_conf(monkeypatch, WEB_CONCURRENCY="0").workers == 1


def test_port_binds_every_interface(monkeypatch):
    assert load_conf(monkeypatch, PORT="5000").bind == ["0.0.0.0:5000"]


def test_gunicorn_bind_wins(monkeypatch):
    conf = load_conf(monkeypatch, PORT="5000", GUNICORN_BIND="unix:/run/portal/web.sock, 10.0.0.5:8000")
    assert conf.bind == ["unix:/run/portal/web.sock", "10.0.0.5:8000"]


def test_gunicorn_accepts_every_setting(monkeypatch):
    cfg = as_gunicorn_config(load_conf(monkeypatch, cores=2, GUNICORN_THREADS="8", LOG_LEVEL="WARNING"))
    assert cfg.workers == 5 and cfg.threads == 8 and cfg.loglevel == "warning"
    assert cfg.forwarded_allow_ips == [] and cfg.secure_scheme_headers == {} and not cfg.preload_app
    assert cfg.logger_class.__name__ == "JsonLogger"


def test_gunicorn_writes_its_own_messages_as_json(monkeypatch, capsys):
    cfg = as_gunicorn_config(load_conf(monkeypatch))
    gunicorn_log = cfg.logger_class(cfg)
    assert all(isinstance(h.formatter, JsonFormatter) for h in gunicorn_log.error_log.handlers)
    gunicorn_log.info("Booting worker with pid: %s", 4242)
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["logger"] == "gunicorn.error" and line["message"] == "Booting worker with pid: 4242"
    logging.getLogger("gunicorn.error").handlers.clear()


@pytest.mark.parametrize("preloaded", [False, True])
def test_post_fork_gives_a_preloaded_worker_its_own_pool(monkeypatch, make_app, preloaded):
    conf = load_conf(monkeypatch)
    app = make_app()
    with app.app_context():
        pool = db.engine.pool
    server = SimpleNamespace(cfg=SimpleNamespace(preload_app=preloaded), app=SimpleNamespace(wsgi=lambda: app))
    conf.post_fork(server, worker=None)
    with app.app_context():
        assert (db.engine.pool is not pool) == preloaded


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_serves_the_production_app(tmp_path):
    """`gunicorn -c gunicorn.conf.py wsgi:app` with production settings: /healthz answers, logs are JSON."""
    port = _free_port()
    env = {name: value for name, value in os.environ.items() if not name.startswith(("PORTAL_", "LOG_", "FLASK_"))}
    env.update({
        "SECRET_KEY": "s" * 40, "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        "SMS_BACKEND": "http", "SMS_HTTP_URL": "https://sms.invalid/send", "SMS_HTTP_TOKEN": "token",
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:1/0", "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2", "HOME": str(tmp_path),  # gunicorn's control socket goes under HOME
    })
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen([str(gunicorn), "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline, answer = time.monotonic() + 60, None
        while answer is None and time.monotonic() < deadline and server.poll() is None:
            try:
                answer = urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5)
            except urllib.error.HTTPError as error:  # an answer all the same
                answer = error
            except OSError:  # not listening yet
                time.sleep(0.2)
        assert answer is not None, "gunicorn did not answer"
        assert answer.status == 200 and json.load(answer) == {"status": "ok", "database": "ok"}
        request_id = answer.headers["X-Request-ID"]
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            _, err = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            _, err = server.communicate()
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert len(lines) == len(err.splitlines()), err  # nothing but JSON lines
    assert any(entry["logger"] == "gunicorn.error" and "Booting worker" in entry["message"] for entry in lines)
    [request_line] = [entry for entry in lines if entry["logger"] == "portal.request"]
    assert request_line["path"] == "/healthz" and request_line["request_id"] == request_id
