"""Settings from the environment.

`PORTAL_ENV` chooses the profile: `production` (the default, so a forgotten variable fails safe),
`demo` (what `make run` uses) or `test`. The profiles differ only where they must.
"""
from __future__ import annotations

import os
import secrets
from datetime import timedelta

from portal.paths import INSTANCE, TRANSLATIONS


class ConfigError(RuntimeError):
    """Raised when the environment cannot run the requested profile safely."""


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _demo_secret_key() -> str:
    """A random key generated once and kept under instance/, so demo sessions survive restarts."""
    INSTANCE.mkdir(exist_ok=True)
    path = INSTANCE / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _normalise_url(url: str) -> str:
    # Heroku-style URLs name the old driver; we use psycopg 3.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


# Redis answers in well under a millisecond; past a second it is down, and the limiter falls back to
# per-process counters instead of holding the request (redis-py waits 5 s by default).
_REDIS_TIMEOUTS = {"socket_connect_timeout": 1, "socket_timeout": 1}


def _ratelimit_storage_options(uri: str) -> dict:
    return dict(_REDIS_TIMEOUTS) if uri.startswith(("redis://", "rediss://", "redis+")) else {}


def base_settings() -> dict:
    """Settings shared by every profile."""
    return {
        # hide_parameters: a failed statement is logged without its values (NIKs, card numbers).
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        "BABEL_DEFAULT_LOCALE": "id",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Jakarta",
        "BABEL_TRANSLATION_DIRECTORIES": str(TRANSLATIONS),
        "LANGUAGES": ["id", "en"],
        "DEMO_MODE": False,
        "SMS_BACKEND": os.environ.get("SMS_BACKEND", "outbox"),
        "SMS_HTTP_URL": os.environ.get("SMS_HTTP_URL", ""),
        "SMS_HTTP_TOKEN": os.environ.get("SMS_HTTP_TOKEN", ""),
        "SMS_HTTP_TIMEOUT": float(os.environ.get("SMS_HTTP_TIMEOUT", "5")),  # seconds, per attempt
        # The relay's attempts (portal/services/sms.py): 1 + retries, the n-th retry after
        # backoff × 2^(n-1) seconds: 2, 4, 8, 16 s, so a code is given up 30 s after it was asked for.
        "SMS_HTTP_RETRIES": int(os.environ.get("SMS_HTTP_RETRIES", "4")),
        "SMS_HTTP_BACKOFF": float(os.environ.get("SMS_HTTP_BACKOFF", "2")),  # seconds, doubled each retry
        "SMS_RELAY_INTERVAL": float(os.environ.get("SMS_RELAY_INTERVAL", "3")),  # seconds between relay runs
        # How long a relay holds a claimed message: far beyond one gateway call (SMS_HTTP_TIMEOUT).
        "SMS_RELAY_LEASE": float(os.environ.get("SMS_RELAY_LEASE", "60")),
        # Who answers "is this NIK this person?": `simulated` (the population_records table) or
        # `package.module:ClassName`, a class with the PopulationRegistry interface (the real Dukcapil service).
        "POPULATION_REGISTRY": os.environ.get("POPULATION_REGISTRY", "simulated"),
        "OTP_LIFETIME": timedelta(minutes=10),
        "OTP_MAX_FAILURES": 5,
        "OTP_MAX_SENDS": 5,
        "OTP_RESEND_INTERVAL": timedelta(seconds=60),
        "OTP_MAX_CHALLENGES_PER_HOUR": 5,  # new codes of one purpose per account
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_STORAGE_OPTIONS": _ratelimit_storage_options(os.environ.get("RATELIMIT_STORAGE_URI", "")),
        # Redis down: count in each process's memory until it is back (Flask-Limiter checks it again
        # after 1, 2, 4, ... 32 s) rather than refuse every login, or count nothing. README, "Scaling out".
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "portal"),  # one Redis, several sites
        "RATELIMIT_HEADERS_ENABLED": True,
        # Per-address limits are sized for carrier-grade NAT, where thousands of job seekers share one
        # public address: wave 13 had ~12,000 people still to buy on its last day; say a third of them log
        # in in the peak hour, two or three tries each, ~200 logins a minute nationwide, and a carrier with
        # half the market behind a single address (the worst case) ~100 a minute. 300 a minute (5 a second)
        # leaves three times that. They are never the only brake: each is paired with a per-account or
        # per-phone one (the password back-off below; RATELIMIT_OTP_PHONE; OTP_MAX_*). SECURITY.md.
        "RATELIMIT_LOGIN": os.environ.get("RATELIMIT_LOGIN", "300 per minute"),  # Masuk, per address
        # Every page that sends or checks an SMS code, per address and per page.
        "RATELIMIT_OTP": os.environ.get("RATELIMIT_OTP", "300 per minute"),
        # Codes sent to one phone, registration, reset, login by code and payment together.
        "RATELIMIT_OTP_PHONE": os.environ.get("RATELIMIT_OTP_PHONE", "5 per 10 minutes"),
        "RATELIMIT_CARD_TRIES": os.environ.get("RATELIMIT_CARD_TRIES", "10 per hour"),  # per account
        "RATELIMIT_CLAIM_NIK": os.environ.get("RATELIMIT_CLAIM_NIK", "10 per hour"),  # Klaim NIK ini, per NIK
        # The password back-off (NIST SP 800-63B 5.2.2; portal/services/throttle.py), per account and per
        # unknown login typed, from any address: LOGIN_BACKOFF_AFTER wrong passwords in a row are free, then
        # the next try waits LOGIN_BACKOFF_FIRST, doubling with each wrong one up to LOGIN_BACKOFF_MAX; at
        # LOGIN_MAX_FAILURES in a row only a code sent by SMS opens the account. No lock-out: the SMS code
        # logs the owner in at any time. With these figures 100 guesses take about a day.
        "LOGIN_BACKOFF_AFTER": int(os.environ.get("LOGIN_BACKOFF_AFTER", "5")),
        "LOGIN_BACKOFF_FIRST": timedelta(seconds=int(os.environ.get("LOGIN_BACKOFF_FIRST_SECONDS", "30"))),
        "LOGIN_BACKOFF_MAX": timedelta(seconds=int(os.environ.get("LOGIN_BACKOFF_MAX_SECONDS", "900"))),
        "LOGIN_MAX_FAILURES": int(os.environ.get("LOGIN_MAX_FAILURES", "100")),
        "CATALOGUE_PAGE_SIZE": 12,
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),  # a login lasts at most this long
        "SESSION_IDLE_TIMEOUT": timedelta(minutes=30),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
        # How many reverse proxies stand in front of the app; their X-Forwarded-For is trusted.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        # JSON lines on stderr with a request id (portal/logs.py); the test profile turns them off.
        "LOG_JSON": _env_bool("LOG_JSON", True),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO").upper(),
    }


def production_settings() -> dict:
    secret = os.environ.get("SECRET_KEY", "")
    if len(secret) < 32:
        raise ConfigError("SECRET_KEY must be set to a random string of at least 32 characters.")
    if _env_bool("DEMO_MODE", False):
        raise ConfigError("DEMO_MODE cannot be enabled in production.")
    if "DATABASE_URL" not in os.environ:
        raise ConfigError("DATABASE_URL must be set in production.")
    # The outbox keeps codes in the database for the demo phone; real users need a gateway.
    if os.environ.get("SMS_BACKEND") != "http" or not os.environ.get("SMS_HTTP_URL") \
            or not os.environ.get("SMS_HTTP_TOKEN"):
        raise ConfigError("Production sends SMS through a gateway: set SMS_BACKEND=http, SMS_HTTP_URL, SMS_HTTP_TOKEN.")
    # Per-process counters would let every worker count on its own.
    if os.environ.get("RATELIMIT_STORAGE_URI", "memory://").startswith("memory://"):
        raise ConfigError("Set RATELIMIT_STORAGE_URI to a shared store, e.g. redis://127.0.0.1:6379/0.")
    return {
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": _normalise_url(os.environ["DATABASE_URL"]),
        "SESSION_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_SECURE": True,
        "PREFERRED_URL_SCHEME": "https",
    }


def demo_settings() -> dict:
    INSTANCE.mkdir(exist_ok=True)
    return {
        "SECRET_KEY": os.environ.get("SECRET_KEY") or _demo_secret_key(),
        "SQLALCHEMY_DATABASE_URI": _normalise_url(
            os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE / 'portal.sqlite3'}")
        ),
        "DEMO_MODE": _env_bool("DEMO_MODE", True),
    }


def test_settings() -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production-0123456789",
        "SQLALCHEMY_DATABASE_URI": _normalise_url(os.environ.get("TEST_DATABASE_URL", "sqlite://")),
        "SMS_BACKEND": "memory",
        "DEMO_MODE": True,
        "RATELIMIT_ENABLED": False,
        "LOG_JSON": _env_bool("LOG_JSON", False),  # pytest captures and shows log records itself
    }


PROFILES = {"production": production_settings, "demo": demo_settings, "test": test_settings}


def load(profile: str | None = None) -> dict:
    """Build the settings of a profile: the shared base, then the profile's own."""
    profile = profile or os.environ.get("PORTAL_ENV", "production")
    if profile not in PROFILES:
        raise ConfigError(f"Unknown PORTAL_ENV {profile!r}; use one of {sorted(PROFILES)}.")
    settings = base_settings()
    settings.update(PROFILES[profile]())
    settings["PORTAL_ENV"] = profile
    return settings
