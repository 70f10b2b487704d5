"""Housekeeping removes exactly the dead, old challenges and the stale unactivated accounts."""
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal import clock as portal_clock
from portal.extensions import db
from portal.jobs.housekeeping import clean_up
from portal.models import Enrollment, OtpChallenge, ParticipantProfile, SmsMessage, User
from tests.factories import create_card, create_offering, create_user

HOUR, DAY = timedelta(hours=1), timedelta(days=1)


def _user(n: int, age: timedelta, active: bool = False, **kw) -> User:
    user = create_user(nik=f"327301450895{n:04d}", phone=f"+62812345600{n:02d}", active=active, **kw)
    user.created_at = portal_clock.now() - age
    db.session.commit()
    return user


def _challenge(user: User, age: timedelta, **state) -> int:
    """A challenge created `age` ago; by default expired 10 minutes after it was sent."""
    created = portal_clock.now() - age
    last_sent = state.pop("last_sent_at", created)
    challenge = OtpChallenge(
        purpose="activation", user_id=user.id, phone=user.phone, code_hash="x" * 64, created_at=created,
        last_sent_at=last_sent, expires_at=state.pop("expires_at", last_sent + timedelta(minutes=10)), **state,
    )
    db.session.add(challenge)
    db.session.commit()
    return challenge.id


def _profile(user: User) -> None:
    db.session.add(ParticipantProfile(
        user_id=user.id, birth_date=date(1995, 8, 5), sex="P", education="sma", province_code="32",
        regency="Kota Bandung", address="Jl. Merdeka No. 1", created_at=user.created_at, updated_at=user.created_at,
    ))
    db.session.commit()


def _ids(model) -> set[int]:
    db.session.expire_all()
    key = model.user_id if model is ParticipantProfile else model.id
    return set(db.session.scalars(select(key)))


def test_removes_exactly_the_dead_old_challenges_and_the_stale_accounts(app, clock):
    now = portal_clock.now()
    active = _user(1, age=30 * DAY, active=True)
    _profile(active)
    gone = {
        _challenge(active, 2 * DAY, consumed_at=now - 2 * DAY),
        _challenge(active, 2 * DAY),  # expired
        _challenge(active, 25 * HOUR, failed_attempts=5, expires_at=now + HOUR),  # locked out
    }
    kept = {
        _challenge(active, HOUR, consumed_at=now - HOUR),  # dead but recent: the page may be open
        _challenge(active, 24 * HOUR - timedelta(seconds=1)),  # expired, not yet 24 hours old
        _challenge(active, 25 * HOUR, last_sent_at=now - timedelta(minutes=5), send_count=2),  # resent
        _challenge(active, 2 * DAY, failed_attempts=4, expires_at=now + HOUR),  # alive (impossible, but)
    }
    stale = _user(2, age=8 * DAY)
    _profile(stale)
    stale_recent_challenge = _challenge(stale, HOUR)  # asked again an hour ago, never finished
    young = _user(3, age=7 * DAY - HOUR)
    gone.add(_challenge(young, 6 * DAY))
    with_card = _user(4, age=8 * DAY)
    create_card(nik=with_card.nik, phone=with_card.phone)
    with_enrollment = _user(5, age=8 * DAY)
    card = create_card(nik="3273014508950099", phone="+6281234560099")
    db.session.add(Enrollment(user_id=with_enrollment.id, card_id=card.id, offering_id=create_offering().id,
                              price_paid=500_000, purchased_at=now))
    staff = _user(6, age=8 * DAY, role="provider_staff")
    db.session.add(SmsMessage(to_phone=stale.phone, body="Kode aktivasi", created_at=now - 8 * DAY))
    db.session.commit()
    users_before, stale_id, active_id = _ids(User), stale.id, active.id
    keep_users = {active.id, young.id, with_card.id, with_enrollment.id, staff.id}

    assert clean_up(now) == {"challenges": 4, "accounts": 1, "account_challenges": 1, "profiles": 1,
                             "unknown_logins": 0}

    assert _ids(OtpChallenge) == kept
    assert stale_recent_challenge not in _ids(OtpChallenge)
    assert _ids(User) == users_before - {stale_id} == keep_users
    assert _ids(ParticipantProfile) == {active_id}
    assert db.session.scalar(select(func.count(SmsMessage.id))) == 1  # the demo phone's history stays
    assert clean_up(now) == {"challenges": 0, "accounts": 0, "account_challenges": 0, "profiles": 0,
                             "unknown_logins": 0}


@pytest.mark.parametrize(("age", "removed"), [(7 * DAY - timedelta(seconds=1), 0), (7 * DAY + timedelta(seconds=1), 1)])
def test_seven_days_is_the_limit(app, clock, age, removed):
    _user(1, age=age)
    assert clean_up(portal_clock.now())["accounts"] == removed


def test_an_unactivated_account_is_kept_while_its_week_runs(app, clock):
    user_id = _user(1, age=timedelta(0)).id
    clock.move_to(datetime(2021, 3, 17, 2, 59, tzinfo=UTC))  # 6 days 23 hours 59 minutes later
    assert clean_up(portal_clock.now())["accounts"] == 0
    clock.shift(timedelta(minutes=2))
    assert clean_up(portal_clock.now())["accounts"] == 1
    assert user_id not in _ids(User)


def test_batches_remove_everything_in_several_transactions(app, clock):
    active = _user(1, age=DAY, active=True)
    for _ in range(5):
        _challenge(active, 3 * DAY)
    for n in range(2, 7):
        _challenge(_user(n, age=9 * DAY), HOUR)
    counts = clean_up(portal_clock.now(), batch_size=2)
    assert counts == {"challenges": 5, "accounts": 5, "account_challenges": 5, "profiles": 0, "unknown_logins": 0}
    assert _ids(OtpChallenge) == set() and _ids(User) == {active.id}


def test_the_job_runner_records_the_counts(app, clock):
    from portal.jobs import run_counts, run_job

    _user(1, age=8 * DAY)
    run = run_job("housekeeping", "manual")
    assert run.status == "ok"
    assert run_counts(run) == {"challenges": 0, "accounts": 1, "account_challenges": 0, "profiles": 0,
                               "unknown_logins": 0}
