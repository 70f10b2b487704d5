"""The provider's side of a finished training: who registered, and confirming completion.

When a participant has done every session the enrollment waits (`awaiting_confirmation`) for the
lembaga to enter a score (0–100) and a pass or fail. A pass issues the two certificates of
docs/domain.md, one from the provider and one from Kemnaker, each with a public verification code.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.models import (
    Certificate,
    CertificateIssuer,
    Enrollment,
    EnrollmentStatus,
    Offering,
    Provider,
    SessionProgress,
    TrainingSession,
    User,
)
from portal.services import DomainError
from portal.services.audit import Actor, record
from portal.services.certificates.codes import new_certificate_code
from portal.services.learning import advance_status
from portal.services.providers import require_staff_of

ISSUERS = tuple(CertificateIssuer)
CODE_ATTEMPTS = 5
MIN_SCORE, MAX_SCORE = 0, 100


@dataclass(frozen=True)
class Registrant:
    """One participant of an offering as the lembaga sees them."""

    enrollment_id: int
    name: str
    status: str
    purchased_at: datetime
    sessions_done: int
    sessions_total: int
    score: int | None
    passed: bool | None
    confirmed_at: datetime | None
    provider_certificate: str | None  # its verification code, once passed


def registrants(offering: Offering) -> list[Registrant]:
    """Everyone who bought `offering`: those waiting for confirmation first, then by purchase.

    Two statements whatever the number: the enrollments with their names, a grouped count of
    sessions done and the programme's session count; then the provider certificates' codes.
    """
    done = (
        select(SessionProgress.enrollment_id, func.count().label("n"))
        .join(Enrollment, Enrollment.id == SessionProgress.enrollment_id)
        .where(Enrollment.offering_id == offering.id)
        .group_by(SessionProgress.enrollment_id)
        .subquery()
    )
    total = (
        select(func.count()).select_from(TrainingSession)
        .where(TrainingSession.programme_id == offering.programme_id)
        .scalar_subquery()
    )
    waiting_first = case((Enrollment.status == EnrollmentStatus.AWAITING_CONFIRMATION, 0), else_=1)
    rows = db.session.execute(
        select(Enrollment.id, User.full_name, Enrollment.status, Enrollment.purchased_at,
               func.coalesce(done.c.n, 0), total, Enrollment.score, Enrollment.passed, Enrollment.confirmed_at)
        .join(User, User.id == Enrollment.user_id)
        .outerjoin(done, done.c.enrollment_id == Enrollment.id)
        .where(Enrollment.offering_id == offering.id)
        .order_by(waiting_first, Enrollment.purchased_at, Enrollment.id)
    ).all()
    codes = dict(db.session.execute(
        select(Certificate.enrollment_id, Certificate.code)
        .join(Enrollment, Enrollment.id == Certificate.enrollment_id)
        .where(Enrollment.offering_id == offering.id, Certificate.issuer == CertificateIssuer.PROVIDER)
    ).all())
    return [
        Registrant(enrollment_id=eid, name=name, status=status, purchased_at=purchased_at, sessions_done=int(n_done),
                   sessions_total=int(n_total or 0), score=score, passed=passed, confirmed_at=confirmed_at,
                   provider_certificate=codes.get(eid))
        for eid, name, status, purchased_at, n_done, n_total, score, passed, confirmed_at in rows
    ]


def registrant_of(provider: Provider, enrollment_id: int) -> Enrollment | None:
    """The enrollment `enrollment_id` with its offering, if it is in one of `provider`'s offerings."""
    return db.session.scalar(
        select(Enrollment).join(Enrollment.offering).options(joinedload(Enrollment.offering))
        .where(Enrollment.id == enrollment_id, Offering.provider_id == provider.id)
    )


def confirm_completion(actor: Actor, enrollment: Enrollment, score: int, passed: bool,
                       now: datetime) -> list[Certificate]:
    """Confirm that the participant completed the training, with a score and a pass or fail.

    Only once, and only when every session is done: a guarded UPDATE (`WHERE status =
    'awaiting_confirmation'`) makes a second confirmation, or two at once, a refusal. A pass
    issues the provider's and Kemnaker's certificates, returned; a fail issues none.
    """
    require_staff_of(actor, db.session.get(Offering, enrollment.offering_id).provider_id)
    if isinstance(score, bool) or not isinstance(score, int) or not MIN_SCORE <= score <= MAX_SCORE:
        raise DomainError(_l("Enter a whole-number score from %(low)d to %(high)d.", low=MIN_SCORE, high=MAX_SCORE),
                          "score")
    if not advance_status(enrollment, EnrollmentStatus.AWAITING_CONFIRMATION, EnrollmentStatus.COMPLETED, now,
                          score=score, passed=bool(passed), confirmed_at=now):
        if enrollment.status == EnrollmentStatus.COMPLETED:
            raise DomainError(_l("This participant's completion has already been confirmed."))
        raise DomainError(_l("This participant has not finished every session yet."))
    certificates = [_issue(enrollment, issuer, now) for issuer in CertificateIssuer] if passed else []
    record(actor, "enrollment.confirm_completion", f"enrollment:{enrollment.id}", now,
           offering_id=enrollment.offering_id, score=score, passed=bool(passed), certificates=len(certificates))
    return certificates


def _issue(enrollment: Enrollment, issuer: str, now: datetime) -> Certificate:
    for _attempt in range(CODE_ATTEMPTS):
        certificate = Certificate(enrollment_id=enrollment.id, issuer=issuer, code=new_certificate_code(),
                                  issued_at=now)
        try:
            with db.session.begin_nested():  # a code already taken fails only this insert
                db.session.add(certificate)
        except IntegrityError:
            continue
        return certificate
    raise RuntimeError("no free certificate code after several attempts")
