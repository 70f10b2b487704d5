"""A participant whose training the provider confirmed, with the two certificates it earned.

Enrollments, history and certificates are made directly (purchase and confirmation are other
issues). Pages are read in English (the footer's switch) so labels are stable while the Indonesian
catalogue is merged; assertions otherwise read data attributes and ids.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Certificate, Enrollment, EnrollmentEvent, Review
from tests.browser import form
from tests.conftest import START
from tests.factories import create_card, create_offering, create_participant, create_programme, create_provider

OTHER_NIK = "3273011203900001"
PROVIDER_CODE, KEMNAKER_CODE = "PK-ABCD-2345", "PK-WXYZ-6789"
HISTORY = ("not_started", "in_progress", "awaiting_confirmation", "completed")


def enroll(user, card, offering, status="completed", **kw) -> Enrollment:
    """An enrollment in `status`, with one history line per status up to it, an hour apart."""
    enrollment = Enrollment(user_id=user.id, card_id=card.id, offering_id=offering.id, price_paid=offering.price,
                            purchased_at=START - timedelta(days=20), status=status, **kw)
    db.session.add(enrollment)
    db.session.flush()
    for n, step in enumerate(HISTORY[:HISTORY.index(status) + 1]):
        db.session.add(EnrollmentEvent(enrollment_id=enrollment.id, status=step, at=START - timedelta(days=20 - n)))
    db.session.commit()
    return enrollment


def confirmed(**kw) -> dict:
    return {"score": 85, "passed": True, "confirmed_at": START - timedelta(days=17), **kw}


def certify(enrollment, code=PROVIDER_CODE, issuer="provider") -> Certificate:
    certificate = Certificate(enrollment_id=enrollment.id, issuer=issuer, code=code, issued_at=enrollment.confirmed_at)
    db.session.add(certificate)
    db.session.commit()
    return certificate


@pytest.fixture
def completed(app, clock):
    """Siti Rahmawati passed "Pemrograman Web Dasar" at LPK Cipta Bandung (85) and holds two certificates."""
    user = create_participant()
    card = create_card(user, balance=550_000)
    offering = create_offering(create_programme("Pemrograman Web Dasar", slug="web"),
                               create_provider("LPK Cipta Bandung"), price=450_000, start_date=date(2021, 2, 1))
    enrollment = enroll(user, card, offering, **confirmed())
    return {
        "user": user, "card": card, "offering": offering, "enrollment": enrollment,
        "provider_certificate": certify(enrollment), "kemnaker_certificate": certify(enrollment, KEMNAKER_CODE,
                                                                                    "kemnaker"),
    }


@pytest.fixture
def other(app):
    """Budi, another participant (log in with `auth.login(OTHER_NIK)`)."""
    user = create_participant(nik=OTHER_NIK, full_name="Budi Santoso", phone="+6281298765432")
    return user


def in_english(client) -> None:
    form(client, client.get("/"), "Read in English").submit()


def token_of(page) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def review_rows() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Review))


def block(page, element_id: str) -> str:
    """The HTML of the element with `element_id` up to the end of its tag's first closing."""
    html = page.get_data(as_text=True)
    match = re.search(rf'<(\w+)[^>]*\bid="{re.escape(element_id)}"[^>]*>.*?</\1>', html, re.S)
    assert match, f"no #{element_id} on the page"
    return match.group(0)
