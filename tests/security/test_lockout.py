"""The lock after LOGIN_LOCK_AFTER consecutive wrong passwords, lifted by a password reset.

The limiter is off here (the test profile): only the lock in `accounts.authenticate` decides.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import User
from tests.auth.test_login import NEW_PASSWORD, _ask_reset, _reset
from tests.conftest import Auth
from tests.factories import NIK, PASSWORD, PHONE, create_user

WRONG = "tebak tebak saja"
LOCK_AFTER = 3
BAD_LOGIN = "NIK/email atau kata sandi salah."


@pytest.fixture(autouse=True)
def lock_after(app, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_LOCK_AFTER", LOCK_AFTER)


def _login(app, login=NIK, password=PASSWORD):
    return Auth(app.test_client()).login(login, password)  # a new visitor each time


def _welcomed(page) -> bool:
    return "Selamat datang" in page.get_data(as_text=True)


def _account() -> User:
    return db.session.scalar(select(User).where(User.nik == NIK))


def _fail(app, times: int, login=NIK) -> None:
    for _ in range(times):
        page = _login(app, login, WRONG)
        assert page.status_code == 200 and BAD_LOGIN in page.get_data(as_text=True)


def test_each_failure_is_committed(app, clock):
    create_user()
    _fail(app, 2)
    assert _account().failed_logins == 2 and _account().locked_at is None


def test_lock_engages_at_the_limit_and_not_before(app, clock):
    create_user()
    _fail(app, LOCK_AFTER - 1)
    assert _account().locked_at is None
    _fail(app, 1)
    assert _account().locked_at is not None and _account().failed_logins == LOCK_AFTER


def test_locked_account_refuses_the_right_password(app, clock):
    create_user()
    _fail(app, LOCK_AFTER)
    page = _login(app)
    assert not _welcomed(page) and BAD_LOGIN in page.get_data(as_text=True)
    assert app.test_client().get("/portofolio/").status_code == 302


def test_a_right_password_restarts_the_count(app, clock):
    create_user()
    for _ in range(2):
        _fail(app, LOCK_AFTER - 1)
        assert _welcomed(_login(app))
    assert _account().failed_logins == 0 and _account().locked_at is None


def test_failures_count_for_the_account_whichever_login_is_typed(app, clock):
    create_user(email="siti@contoh.id")
    _fail(app, 1, NIK)
    _fail(app, 1, "SITI@contoh.id ")
    _fail(app, 1, "siti@contoh.id")
    assert not _welcomed(_login(app))


def _page_without_tokens(page, typed: str) -> str:
    html = page.get_data(as_text=True).replace(typed, "TYPED")
    return re.sub(r'name="csrf_token"[^>]*value="[^"]*"|value="[^"]*"([^>]*name="csrf_token")', "CSRF", html)


def test_locked_account_answers_like_an_unknown_account(app, clock):
    create_user()
    _fail(app, LOCK_AFTER)
    unknown = "3171021207000001"
    locked_page, unknown_page = _login(app, NIK, PASSWORD), _login(app, unknown, PASSWORD)
    assert locked_page.status_code == unknown_page.status_code == 200
    assert _page_without_tokens(locked_page, NIK) == _page_without_tokens(unknown_page, unknown)
    _fail(app, LOCK_AFTER + 1, unknown)  # unknown logins are never "locked" differently either
    assert _page_without_tokens(_login(app, unknown, PASSWORD), unknown) == _page_without_tokens(
        _login(app, NIK, PASSWORD), NIK)


def test_password_reset_through_the_forms_lifts_the_lock(app, sms, clock):
    create_user()
    _fail(app, LOCK_AFTER)
    owner = app.test_client()
    _ask_reset(owner)
    assert "sudah diganti" in _reset(owner, sms.last_code(PHONE)).get_data(as_text=True)
    assert _account().locked_at is None and _account().failed_logins == 0
    assert _welcomed(Auth(owner).login(NIK, NEW_PASSWORD))
