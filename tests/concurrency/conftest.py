"""Every test here races on PostgreSQL; `racers` is the app the racing threads use."""
import pytest

from tests.concurrency.helpers import WIDE_POOL, require_postgres


@pytest.fixture(autouse=True)
def _postgres_only(app):
    require_postgres()


@pytest.fixture
def racers(make_app):
    """The portal on the test database with a pool wide enough for 50 connections at once, named
    RACERS (so the test can see them wait on a lock), and room for 20 payment codes per account."""
    return make_app(SQLALCHEMY_ENGINE_OPTIONS=WIDE_POOL, OTP_MAX_CHALLENGES_PER_HOUR=50)
