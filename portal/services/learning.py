"""Working through a bought training: the portfolio, starting, and marking sessions done.

A participant presses "Mulai Pelatihan", marks each session of the programme done, and when the
last one is done the training waits for the provider to confirm completion (a later issue).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload

from portal.extensions import db
from portal.models import (
    Enrollment,
    EnrollmentEvent,
    EnrollmentStatus,
    Offering,
    SessionProgress,
    TrainingSession,
    User,
)
from portal.services import DomainError


@dataclass(frozen=True)
class TrainingSummary:
    """One bought training as the portfolio lists it."""

    enrollment_id: int
    title: str
    provider_name: str
    status: str
    price_paid: int
    purchased_at: datetime
    start_date: date
    end_date: date
    started_at: datetime | None
    finished_at: datetime | None
    sessions_done: int
    sessions_total: int


@dataclass(frozen=True)
class Portfolio:
    """What the Portofolio page lists: the trainings bought (the cards come from services.cards)."""

    trainings: list[TrainingSummary]


@dataclass(frozen=True)
class SessionStep:
    """A session of the programme and whether this enrollment marked it done."""

    id: int
    position: int
    title: str
    done_at: datetime | None

    @property
    def done(self) -> bool:
        return self.done_at is not None


def record_status(enrollment_id: int, status: str, now: datetime) -> None:
    """Keep a status change in the enrollment's history (the portfolio shows it)."""
    db.session.add(EnrollmentEvent(enrollment_id=enrollment_id, status=status, at=now))


def advance_status(enrollment: Enrollment, from_status: str, to_status: str, now: datetime,
                   *conditions, **values) -> bool:
    """Move `enrollment` from one status to the next with a guarded UPDATE (plus any extra
    `conditions` and column `values`), and keep the change in its history. False when another
    request got there first, or the enrollment was not in `from_status`."""
    moved = db.session.execute(
        update(Enrollment)
        .where(Enrollment.id == enrollment.id, Enrollment.status == from_status, *conditions)
        .values(status=to_status, **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.expire(enrollment)
    if moved == 1:
        record_status(enrollment.id, to_status, now)
    return moved == 1


def status_history(enrollment: Enrollment) -> list[EnrollmentEvent]:
    """Every status the enrollment went through, oldest first."""
    return list(db.session.scalars(
        select(EnrollmentEvent).where(EnrollmentEvent.enrollment_id == enrollment.id)
        .order_by(EnrollmentEvent.at, EnrollmentEvent.id)
    ))


def _with_catalogue(statement):
    return statement.options(
        joinedload(Enrollment.offering).joinedload(Offering.programme),
        joinedload(Enrollment.offering).joinedload(Offering.provider),
    )


def portfolio_of(user: User) -> Portfolio:
    """`user`'s trainings, newest purchase first, with progress counts.

    One statement whatever the number of trainings: the enrollments joined to their offering,
    programme and provider plus two grouped counts (sessions done per enrollment, sessions per
    programme).
    """
    mine = select(Enrollment.id).where(Enrollment.user_id == user.id)
    done = (
        select(SessionProgress.enrollment_id, func.count().label("n"))
        .where(SessionProgress.enrollment_id.in_(mine))
        .group_by(SessionProgress.enrollment_id)
        .subquery()
    )
    my_programmes = select(Offering.programme_id).join(Enrollment, Enrollment.offering_id == Offering.id).where(
        Enrollment.user_id == user.id
    )
    total = (
        select(TrainingSession.programme_id, func.count().label("n"))
        .where(TrainingSession.programme_id.in_(my_programmes))
        .group_by(TrainingSession.programme_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Enrollment, func.coalesce(done.c.n, 0), func.coalesce(total.c.n, 0))
        .join(Enrollment.offering)
        .outerjoin(done, done.c.enrollment_id == Enrollment.id)
        .outerjoin(total, total.c.programme_id == Offering.programme_id)
        .options(
            contains_eager(Enrollment.offering).joinedload(Offering.programme),
            contains_eager(Enrollment.offering).joinedload(Offering.provider),
        )
        .where(Enrollment.user_id == user.id)
        .order_by(Enrollment.purchased_at.desc(), Enrollment.id.desc())
    ).all()
    trainings = [
        TrainingSummary(
            enrollment_id=e.id, title=e.offering.programme.title, provider_name=e.offering.provider.name,
            status=e.status, price_paid=e.price_paid, purchased_at=e.purchased_at,
            start_date=e.offering.start_date, end_date=e.offering.end_date, started_at=e.started_at,
            finished_at=e.finished_at, sessions_done=n_done, sessions_total=n_total,
        )
        for e, n_done, n_total in rows
    ]
    return Portfolio(trainings)


def enrollment_for(user: User, enrollment_id: int) -> Enrollment | None:
    """The enrollment `enrollment_id` with its offering, programme and provider, if `user` owns it."""
    return db.session.scalar(
        _with_catalogue(select(Enrollment)).where(Enrollment.id == enrollment_id, Enrollment.user_id == user.id)
    )


def sessions_with_progress(enrollment: Enrollment) -> list[SessionStep]:
    """The programme's sessions in order, each with when `enrollment` marked it done (or None)."""
    rows = db.session.execute(
        select(TrainingSession.id, TrainingSession.position, TrainingSession.title, SessionProgress.done_at)
        .join(Offering, Offering.programme_id == TrainingSession.programme_id)
        .outerjoin(
            SessionProgress,
            (SessionProgress.session_id == TrainingSession.id) & (SessionProgress.enrollment_id == enrollment.id),
        )
        .where(Offering.id == enrollment.offering_id)
        .order_by(TrainingSession.position)
    ).all()
    return [SessionStep(*row) for row in rows]


def _require_owner(user: User, enrollment: Enrollment) -> None:
    if enrollment.user_id != user.id:
        raise DomainError(_l("This training belongs to another participant."))


def start_training(user: User, enrollment: Enrollment, now: datetime) -> bool:
    """Press "Mulai Pelatihan": record the start once. True if this call started it.

    A guarded UPDATE (`WHERE status = 'not_started'`) makes a second press, or two at once, a
    no-op that keeps the first `started_at`.
    """
    _require_owner(user, enrollment)
    return advance_status(enrollment, EnrollmentStatus.NOT_STARTED, EnrollmentStatus.IN_PROGRESS, now, started_at=now)


def mark_session_done(user: User, enrollment: Enrollment, session_id: int, now: datetime) -> bool:
    """Mark one session of a started training done. True if that finished the training.

    Marking a session already done changes nothing. When every session of the programme is done
    the training waits for the provider's confirmation (`awaiting_confirmation`, `finished_at`).
    Raises DomainError for a session of another programme or a training not in progress.
    """
    _require_owner(user, enrollment)
    programme_id = db.session.scalar(select(Offering.programme_id).where(Offering.id == enrollment.offering_id))
    session = db.session.get(TrainingSession, session_id)
    if session is None or session.programme_id != programme_id:
        raise DomainError(_l("This session is not part of this training."))
    # Lock the enrollment: two last sessions marked at once then see each other's row when counting.
    status = db.session.scalar(select(Enrollment.status).where(Enrollment.id == enrollment.id).with_for_update())
    if _is_done(enrollment.id, session_id):
        return False  # a repeated press (or a double submit) is not an error
    if status != EnrollmentStatus.IN_PROGRESS:
        if status == EnrollmentStatus.NOT_STARTED:
            raise DomainError(_l("Start the training before marking sessions done."))
        raise DomainError(_l("This training is finished; its sessions can no longer be changed."))
    try:
        with db.session.begin_nested():  # a concurrent press may insert the same row first
            db.session.add(SessionProgress(enrollment_id=enrollment.id, session_id=session_id, done_at=now))
    except IntegrityError:
        return False
    return _finish_if_all_done(enrollment, programme_id, now)


def _is_done(enrollment_id: int, session_id: int) -> bool:
    return db.session.scalar(
        select(SessionProgress.id).where(
            SessionProgress.enrollment_id == enrollment_id, SessionProgress.session_id == session_id
        )
    ) is not None


def _finish_if_all_done(enrollment: Enrollment, programme_id: int, now: datetime) -> bool:
    done = select(func.count()).select_from(SessionProgress).where(SessionProgress.enrollment_id == enrollment.id)
    total = select(func.count()).select_from(TrainingSession).where(TrainingSession.programme_id == programme_id)
    return advance_status(enrollment, EnrollmentStatus.IN_PROGRESS, EnrollmentStatus.AWAITING_CONFIRMATION, now,
                          done.scalar_subquery() >= total.scalar_subquery(), finished_at=now)

