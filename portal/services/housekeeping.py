"""Housekeeping: dead OTP challenges and accounts never activated are removed, in batches.

What goes:
- An OTP challenge that is dead (consumed, expired, or at the failure limit) and was created and
  last sent more than 24 hours ago. Recent dead ones stay: the person may still be looking at the
  code page, and the resend and lockout rules read them. (A resend revives an expired challenge
  and sets `last_sent_at`, hence that column in the test too.)
- A job seeker's account never activated 7 days after it was created, with its challenges and its
  participant profile (explicit DELETEs, children first, so nothing rests on ON DELETE CASCADE).
  Freeing the NIK and email lets the person register again.

What the audit needs is kept:
- An account with an enrollment, or whose NIK holds a card, is never removed (neither can exist
  unactivated through the portal, but the guard costs one EXISTS). Cards, the ledger, enrollments
  and the blacklist are not touched at all.
- SMS outbox rows are never deleted: they are HP Simulasi's history of what was sent to a phone,
  and they belong to the phone number, not to an account.
- Staff and admin accounts are created by the PMO, not by self-registration; removing them is the
  PMO's call, so only `job_seeker` accounts are swept.
- Every run's counts are returned; the job runner records them in JobRun for the admin.
Each function does one batch and flushes; the job (portal/jobs/housekeeping.py) commits each.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, exists, or_, select

from portal.extensions import db
from portal.models import Card, Enrollment, OtpChallenge, ParticipantProfile, Role, User

CHALLENGES_KEPT_FOR = timedelta(hours=24)
UNACTIVATED_KEPT_FOR = timedelta(days=7)


@dataclass(frozen=True)
class RemovedAccounts:
    accounts: int = 0
    challenges: int = 0
    profiles: int = 0


def _dead_and_old(now: datetime, max_failures: int) -> tuple:
    cutoff = now - CHALLENGES_KEPT_FOR
    dead = or_(
        OtpChallenge.consumed_at.is_not(None),
        OtpChallenge.expires_at <= now,
        OtpChallenge.failed_attempts >= max_failures,
    )
    return dead, OtpChallenge.created_at < cutoff, OtpChallenge.last_sent_at < cutoff


def delete_dead_challenges(now: datetime, max_failures: int, batch_size: int) -> int:
    """Delete up to `batch_size` challenges dead at `now` and older than 24 hours; return how many.

    One statement: DELETE ... WHERE id IN (SELECT id ... LIMIT n), conditions checked by the
    DELETE itself, so a challenge revived by a resend meanwhile is left alone.
    """
    old_dead = _dead_and_old(now, max_failures)
    batch = select(OtpChallenge.id).where(*old_dead).order_by(OtpChallenge.id).limit(batch_size)
    removed = db.session.execute(
        delete(OtpChallenge).where(OtpChallenge.id.in_(batch), *old_dead).execution_options(synchronize_session=False)
    ).rowcount
    db.session.flush()
    return removed


def _stale_account(now: datetime) -> tuple:
    """Never activated, created over 7 days ago, a job seeker, and nothing the audit needs."""
    return (
        User.activated_at.is_(None),
        User.created_at < now - UNACTIVATED_KEPT_FOR,
        User.role == Role.JOB_SEEKER,
        ~exists().where(Enrollment.user_id == User.id),
        ~exists().where(Card.holder_nik == User.nik),
    )


def delete_stale_accounts(now: datetime, batch_size: int) -> RemovedAccounts:
    """Delete up to `batch_size` stale unactivated accounts with their challenges and profiles.

    On PostgreSQL the chosen accounts are locked (`FOR UPDATE SKIP LOCKED`): an activation racing
    the sweep either waits and then finds no account, or holds the row and is skipped. Every
    DELETE repeats the conditions, so an account activated meanwhile keeps all its rows.
    """
    stale = _stale_account(now)
    pick = select(User.id).where(*stale).order_by(User.id).limit(batch_size)
    if db.engine.dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    ids = db.session.scalars(pick).all()
    if not ids:
        return RemovedAccounts()
    still_stale = select(User.id).where(User.id.in_(ids), *stale)
    challenges = db.session.execute(
        delete(OtpChallenge).where(OtpChallenge.user_id.in_(still_stale)).execution_options(synchronize_session=False)
    ).rowcount
    profiles = db.session.execute(
        delete(ParticipantProfile).where(ParticipantProfile.user_id.in_(still_stale))
        .execution_options(synchronize_session=False)
    ).rowcount
    accounts = db.session.execute(
        delete(User).where(User.id.in_(ids), *stale).execution_options(synchronize_session=False)
    ).rowcount
    db.session.flush()
    return RemovedAccounts(accounts=accounts, challenges=challenges, profiles=profiles)
