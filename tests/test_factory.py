"""The app factory and its settings profiles."""
import pytest

from portal import create_app
from portal.config import ConfigError, load


def test_factory_honours_the_test_config(app):
    assert app.testing and app.config["PORTAL_ENV"] == "test"
    assert not create_app({"PORTAL_ENV": "demo", "SQLALCHEMY_DATABASE_URI": "sqlite://"}).testing


def test_production_is_the_default_and_refuses_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("PORTAL_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/portal")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load()


@pytest.fixture
def production_env(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/portal")
    monkeypatch.setenv("SMS_BACKEND", "http")
    monkeypatch.setenv("SMS_HTTP_URL", "https://sms.example/send")
    monkeypatch.setenv("SMS_HTTP_TOKEN", "token")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    monkeypatch.delenv("DEMO_MODE", raising=False)
    return monkeypatch


@pytest.mark.parametrize("variable, value, message", [
    ("SMS_BACKEND", "outbox", "gateway"),
    ("SMS_HTTP_TOKEN", "", "gateway"),
    ("RATELIMIT_STORAGE_URI", "memory://", "shared store"),
])
def test_production_refuses_the_demo_conveniences(production_env, variable, value, message):
    production_env.setenv(variable, value)
    with pytest.raises(ConfigError, match=message):
        load("production")


def test_production_refuses_demo_mode(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/portal")
    monkeypatch.setenv("DEMO_MODE", "1")
    with pytest.raises(ConfigError, match="DEMO_MODE"):
        load("production")


def test_production_settings(production_env):
    settings = load("production")
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/portal"
    assert settings["SESSION_COOKIE_SECURE"] and not settings["DEMO_MODE"]


def test_production_app_has_no_demo_pages(production_env):
    production_env.setenv("DATABASE_URL", "sqlite://")
    app = create_app({"PORTAL_ENV": "production"})
    assert "demo" not in app.blueprints
    assert app.test_client().get("/demo/hp").status_code == 404


def test_unknown_profile():
    with pytest.raises(ConfigError, match="PORTAL_ENV"):
        load("staging")


def test_client_address_comes_from_trusted_proxies_only(make_app):
    from flask import request

    seen = {}
    for proxies in (0, 1):
        app = make_app(TRUSTED_PROXIES=proxies)

        @app.get("/_address")
        def address(proxies=proxies):
            seen[proxies] = request.remote_addr
            return ""

        app.test_client().get("/_address", headers={"X-Forwarded-For": "203.0.113.7"},
                              environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert seen == {0: "10.0.0.2", 1: "203.0.113.7"}
