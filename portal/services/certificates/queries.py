"""A holder's certificates, and what became of each training bought: score, history, certificates, review."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, select
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.models import Certificate, CertificateIssuer, Enrollment, EnrollmentEvent, Offering, Review, User
from portal.services.reviews import may_review as review_form_open


@dataclass(frozen=True)
class StatusChange:
    """One line of an enrollment's history."""

    status: str
    at: datetime


@dataclass(frozen=True)
class Outcome:
    """What the portfolio shows about a bought training besides its progress."""

    status: str
    score: int | None
    passed: bool | None
    confirmed_at: datetime | None
    history: list[StatusChange]
    certificates: list[Certificate]
    review: Review | None

    @property
    def may_review(self) -> bool:
        """The review form is open: completion is confirmed and nothing is reviewed yet."""
        return review_form_open(self.status, self.review)


def with_catalogue(statement):
    """`statement` (on Certificate) also loading the training's programme and provider, in the same query."""
    return statement.options(
        joinedload(Certificate.enrollment).joinedload(Enrollment.offering).joinedload(Offering.programme),
        joinedload(Certificate.enrollment).joinedload(Enrollment.offering).joinedload(Offering.provider),
    )


_PROVIDER_FIRST = case((Certificate.issuer == CertificateIssuer.PROVIDER, 0), else_=1)


def certificates_of(enrollment: Enrollment) -> list[Certificate]:
    """The enrollment's certificates, the provider's first."""
    return list(db.session.scalars(
        select(Certificate).where(Certificate.enrollment_id == enrollment.id).order_by(_PROVIDER_FIRST, Certificate.id)
    ))


def certificate_for(user: User, certificate_id: int) -> Certificate | None:
    """Certificate `certificate_id` with its training (programme, provider), if `user` holds it."""
    return db.session.scalar(
        with_catalogue(select(Certificate))
        .join(Enrollment, Enrollment.id == Certificate.enrollment_id)
        .where(Certificate.id == certificate_id, Enrollment.user_id == user.id)
    )


def holder_name(certificate: Certificate) -> str:
    """The full name of the participant the certificate was issued to."""
    return db.session.scalar(select(User.full_name).where(User.id == certificate.enrollment.user_id)) or ""


def outcomes_of(user: User) -> dict[int, Outcome]:
    """Each of `user`'s trainings (by enrollment id): score, history, certificates and review.

    Two statements whatever the number of trainings.
    """
    return _outcomes(Enrollment.user_id == user.id)


def outcome_of(enrollment: Enrollment) -> Outcome:
    """One training's score, history, certificates and review (two statements)."""
    return _outcomes(Enrollment.id == enrollment.id)[enrollment.id]


def _outcomes(which) -> dict[int, Outcome]:
    # The review is at most one per enrollment, so joining it with the events multiplies nothing.
    rows = db.session.execute(
        select(Enrollment.id, Enrollment.status, Enrollment.score, Enrollment.passed, Enrollment.confirmed_at,
               Review, EnrollmentEvent.status, EnrollmentEvent.at)
        .outerjoin(Review, Review.enrollment_id == Enrollment.id)
        .outerjoin(EnrollmentEvent, EnrollmentEvent.enrollment_id == Enrollment.id)
        .where(which)
        .order_by(Enrollment.id, EnrollmentEvent.at, EnrollmentEvent.id)
    ).all()
    certificates: dict[int, list[Certificate]] = {}
    for certificate in db.session.scalars(
        select(Certificate).join(Enrollment, Enrollment.id == Certificate.enrollment_id).where(which)
        .order_by(Certificate.enrollment_id, _PROVIDER_FIRST, Certificate.id)
    ):
        certificates.setdefault(certificate.enrollment_id, []).append(certificate)
    outcomes: dict[int, Outcome] = {}
    for enrollment_id, status, score, passed, confirmed_at, review, event_status, event_at in rows:
        if enrollment_id not in outcomes:
            outcomes[enrollment_id] = Outcome(status, score, passed, confirmed_at, [],
                                              certificates.get(enrollment_id, []), review)
        if event_status is not None:
            outcomes[enrollment_id].history.append(StatusChange(event_status, event_at))
    return outcomes
