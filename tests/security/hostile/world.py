"""A small world of people and things owned by different people, for the security tests.

Ids only (requests expire the test's objects): a job seeker who is a participant with a card and a
completed training, another participant with their own enrollment, certificate and payment code,
two lembaga each with a staff member and offerings, and a PMO admin. Everyone logs in with
`factories.PASSWORD`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from portal import clock
from portal.extensions import db
from portal.models import Certificate, Enrollment, TrainingSession, User
from portal.services.purchases import start_payment
from tests.factories import (
    NIK,
    PASSWORD,
    create_card,
    create_offering,
    create_participant,
    create_programme,
    create_provider,
    create_user,
)

OTHER_NIK = "3273011203900001"
OTHER_PHONE = "+6281298765432"
STAFF_NIK = "3273011203850005"
OTHER_STAFF_NIK = "3273015506900006"
ADMIN_NIK = "3171011203850004"
LOGINS = {"seeker": NIK, "other": OTHER_NIK, "staff": STAFF_NIK, "other_staff": OTHER_STAFF_NIK, "admin": ADMIN_NIK}


@dataclass
class World:
    seeker: int
    seeker_card_number: str
    seeker_enrollment: int  # completed, at the staff's lembaga: may be reviewed
    other: int
    other_enrollment: int  # awaiting confirmation, at the other lembaga
    other_session: int
    other_certificate: int
    other_challenge: int  # a card payment code sent to the other participant
    provider: int  # the staff member's lembaga
    offering: int  # the staff's offering, its programme without sessions
    awaiting: int  # the other participant's enrollment at the staff's lembaga, awaiting confirmation
    other_provider: int
    other_offering: int
    programme: int
    category: int
    admin: int


def _now() -> datetime:
    return clock.now()


def _staff(provider_id: int, nik: str, email: str) -> User:
    user = create_user(nik=nik, email=email, role="provider_staff", full_name="Staf Lembaga")
    user.provider_id = provider_id
    db.session.commit()
    return user


def enroll(user: User, card, offering, status: str) -> Enrollment:
    done = status == "completed"
    enrollment = Enrollment(
        user_id=user.id, card_id=card.id, offering_id=offering.id, price_paid=offering.price,
        purchased_at=_now() - timedelta(days=20), status=status, started_at=_now() - timedelta(days=19),
        finished_at=_now() - timedelta(days=18) if status != "in_progress" else None,
        score=85 if done else None, passed=True if done else None, confirmed_at=_now() - timedelta(days=17) if done
        else None,
    )
    db.session.add(enrollment)
    db.session.commit()
    return enrollment


def build_world() -> World:
    seeker = create_participant()
    seeker_card = create_card(seeker)
    other = create_participant(nik=OTHER_NIK, full_name="Budi Santoso", phone=OTHER_PHONE)
    other_card = create_card(other, phone=OTHER_PHONE)

    provider, other_provider = create_provider("LPK Milik Staf"), create_provider("LPK Lembaga Lain")
    _staff(provider.id, STAFF_NIK, "staf@contoh.id")
    _staff(other_provider.id, OTHER_STAFF_NIK, "staf.lain@contoh.id")
    admin = create_user(nik=ADMIN_NIK, email="pmo@contoh.id", role="admin", full_name="Admin PMO")

    programme = create_programme("Pemrograman Web Dasar")
    session = TrainingSession(programme_id=programme.id, position=1, title="Sesi 1: HTML")
    db.session.add(session)
    db.session.commit()
    offering = create_offering(provider=provider)  # a programme of its own, with no sessions yet
    other_offering = create_offering(programme, other_provider)
    payment_offering = create_offering(programme, other_provider, price=100_000)

    other_enrollment = enroll(other, other_card, other_offering, "awaiting_confirmation")
    certificate = Certificate(enrollment_id=other_enrollment.id, issuer="provider", code="PK-ABCD-2345",
                              issued_at=_now())
    db.session.add(certificate)
    challenge = start_payment(other, payment_offering, other_card.number, _now())
    db.session.commit()
    return World(
        seeker=seeker.id, seeker_card_number=seeker_card.number,
        seeker_enrollment=enroll(seeker, seeker_card, offering, "completed").id,
        other=other.id, other_enrollment=other_enrollment.id, other_session=session.id,
        other_certificate=certificate.id, other_challenge=challenge.id, provider=provider.id, offering=offering.id,
        awaiting=enroll(other, other_card, offering, "awaiting_confirmation").id,
        other_provider=other_provider.id, other_offering=other_offering.id, programme=programme.id,
        category=programme.category_id, admin=admin.id,
    )


def login(client, who: str):
    """Log `who` (a key of LOGINS) in through the real Masuk form."""
    from tests.conftest import Auth

    page = Auth(client).login(LOGINS[who], PASSWORD)
    assert page.status_code == 200 and "/masuk" not in page.request.path, f"{who} could not log in"
    return page
