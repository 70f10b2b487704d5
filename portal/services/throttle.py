"""The password back-off of Masuk: throttling that slows a guesser without locking the owner out.

NIST SP 800-63B 5.2.2: a few wrong passwords in a row are free; past LOGIN_BACKOFF_AFTER each
one makes the next try wait, from LOGIN_BACKOFF_FIRST doubling up to LOGIN_BACKOFF_MAX; at
LOGIN_MAX_FAILURES (100) the password path closes. Nothing here locks the owner out: a code sent
by SMS to the account's phone logs them in at any time and clears the count
(portal/services/code_login.py).

A login typed that names no account is throttled exactly as an account is, in a `LoginThrottle`
row keyed by an HMAC of what was typed, so the answers, and their order, do not tell whether an
account exists.

Every attempt is counted as a failure before the password is checked, by a compare-and-set
UPDATE on the count, so parallel guesses cannot share one free try; a right password then sets
the count back to 0. The refusals keep their writes (`LoginRefused.keeps_writes`).
"""
from __future__ import annotations

import hashlib
import hmac
import math
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from portal.extensions import db
from portal.models import LoginThrottle, User
from portal.services import DomainError

_RACE_RETRIES = 5


class LoginRefused(DomainError):
    """A refused login. The failure count it may have raised is committed, not rolled back."""

    keeps_writes = True  # else the back-off after wrong passwords would never come


class LoginThrottled(LoginRefused):
    """Too many wrong passwords in a row: the next try must wait `wait_seconds`."""

    def __init__(self, wait_seconds: int):
        super().__init__(_("Too many wrong passwords in a row. Try again in %(wait)s, or log in with a code sent "
                           "by SMS.", wait=_duration(wait_seconds)))
        self.wait_seconds = wait_seconds


class PasswordLoginClosed(LoginRefused):
    """LOGIN_MAX_FAILURES wrong passwords in a row: only a code sent to the phone opens the account."""

    def __init__(self):
        super().__init__(_("Logging in with a password is closed after too many wrong passwords. Log in with a "
                           "code sent by SMS to your phone to open it again."))


def _duration(seconds: int) -> str:
    if seconds <= 90:
        return _("%(n)d seconds", n=seconds)
    return _("%(n)d minutes", n=math.ceil(seconds / 60))


def backoff_after(failures: int) -> timedelta | None:
    """How long the next try waits after `failures` wrong passwords in a row (None: no wait)."""
    cfg = current_app.config
    extra = failures - cfg["LOGIN_BACKOFF_AFTER"]
    if extra < 0:
        return None
    first, cap = cfg["LOGIN_BACKOFF_FIRST"], cfg["LOGIN_BACKOFF_MAX"]
    return cap if extra >= 32 else min(cap, first * 2**extra)


def _login_key(typed: str) -> str:
    key = hmac.new(current_app.config["SECRET_KEY"].encode(), b"login-throttle", hashlib.sha256).digest()
    return hmac.new(key, typed.strip().lower().encode(), hashlib.sha256).hexdigest()


class _Counter:
    """The failure count of one account (`users`) or of one unknown login (`login_throttles`)."""

    def __init__(self, user: User | None, typed: str, now: datetime):
        self.now = now
        if user is not None:
            self.model, self.key, self.touch = User, User.id == user.id, {}
        else:
            login_key = _login_key(typed)
            self.model, self.key = LoginThrottle, LoginThrottle.login_key == login_key
            self.touch = {"last_failed_at": now}
            self._ensure_row(login_key)

    def _ensure_row(self, login_key: str) -> None:
        if db.session.get(LoginThrottle, login_key) is None:
            try:
                with db.session.begin_nested():  # a racing first try for the same login loses here, cleanly
                    db.session.add(LoginThrottle(login_key=login_key, failed_logins=0, last_failed_at=self.now))
            except IntegrityError:
                pass

    def admit(self) -> int:
        """Count this try as a failure, unless the back-off or the closed path refuses it first.

        Returns the count after this try; raises LoginThrottled or PasswordLoginClosed.
        """
        model = self.model
        for _attempt in range(_RACE_RETRIES):
            failures, until = db.session.execute(
                select(model.failed_logins, model.login_backoff_until).where(self.key)
            ).one()
            if failures >= current_app.config["LOGIN_MAX_FAILURES"]:
                raise PasswordLoginClosed()
            if until is not None and until > self.now:
                raise LoginThrottled(math.ceil((until - self.now).total_seconds()))
            pause = backoff_after(failures + 1)
            counted = db.session.execute(
                update(model).where(self.key, model.failed_logins == failures)  # compare-and-set
                .values(failed_logins=failures + 1, login_backoff_until=self.now + pause if pause else None,
                        **self.touch)
                .execution_options(synchronize_session=False)
            ).rowcount
            if counted == 1:
                return failures + 1
        raise LoginThrottled(int(current_app.config["LOGIN_BACKOFF_FIRST"].total_seconds()))

    def refuse(self, failures: int, message: str) -> LoginRefused:
        """The refusal of a wrong password that brought the count to `failures`."""
        if failures >= current_app.config["LOGIN_MAX_FAILURES"]:
            return PasswordLoginClosed()
        pause = backoff_after(failures)
        return LoginThrottled(int(pause.total_seconds())) if pause else LoginRefused(message)


def count_attempt(user: User | None, typed: str, now: datetime) -> _Counter:
    """Admit one password try for `user` (or for the unknown login `typed`), counted as a failure."""
    counter = _Counter(user, typed, now)
    counter.failures = counter.admit()
    return counter


def clear_failures(user: User) -> None:
    """The owner proved themselves (a right password, or a code sent to the phone): no back-off."""
    db.session.execute(
        update(User).where(User.id == user.id).values(failed_logins=0, login_backoff_until=None)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(user)


def forget_unknown_logins(now: datetime, older_than: timedelta = timedelta(days=2)) -> int:
    """Housekeeping: the counts of unknown logins with no failure for a while; returns how many."""
    return db.session.execute(
        delete(LoginThrottle).where(LoginThrottle.last_failed_at < now - older_than)
        .execution_options(synchronize_session=False)
    ).rowcount
