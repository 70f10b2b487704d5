"""A lembaga with a logged-in staff member, another lembaga, and helpers to enrol participants
and to post the portal's forms by field name (page labels stay English until the catalogue merge)."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from itertools import count

import pytest
from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.models import AuditEvent, Enrollment, Offering, Provider, SessionProgress, TrainingSession, User
from tests.browser import form_posting_to
from tests.factories import (
    create_card,
    create_offering,
    create_participant,
    create_programme,
    create_provider,
    create_user,
)

STAFF_NIK = "3273011203850005"
OTHER_STAFF_NIK = "3273015506900006"
ADMIN_NIK = "3171011203850004"
IP = "203.0.113.7"
_serial = count(1)


@dataclass
class Lembaga:
    """Ids only: tests that count statements drop the session, so objects are looked up afresh."""

    provider_id: int
    staff_id: int

    @property
    def provider(self) -> Provider:
        return db.session.get(Provider, self.provider_id)

    @property
    def staff(self) -> User:
        return db.session.get(User, self.staff_id)


def make_staff(provider: Provider, nik: str, email: str) -> User:
    """A provider staff account of `provider` (the factory knows no provider_id)."""
    user = create_user(nik=nik, email=email, role="provider_staff", full_name=f"Staf {provider.name}")
    user.provider_id = provider.id
    db.session.commit()
    return user


@pytest.fixture
def lembaga(app, clock, client, auth) -> Lembaga:
    provider = create_provider(name="LPK Cahaya Ilmu", labelled=False, accreditation="B",
                               address="Jl. Asia Afrika No. 8")
    staff = make_staff(provider, STAFF_NIK, "staf@cahaya.id")
    # Audit events record this address; the login session is bound to it (strong session protection).
    client.environ_base["REMOTE_ADDR"] = IP
    auth.login(STAFF_NIK)
    return Lembaga(provider.id, staff.id)


@pytest.fixture
def other(app) -> Lembaga:
    """Another lembaga and its staff member (not logged in)."""
    provider = create_provider(name="BLK Kota Lain", kind="blk_komunitas")
    staff = make_staff(provider, OTHER_STAFF_NIK, "staf@lain.id")
    return Lembaga(provider.id, staff.id)


def offering_of(lembaga: Lembaga, **kw) -> Offering:
    return create_offering(provider=lembaga.provider, **kw)


def enrol(offering: Offering, status: str = "awaiting_confirmation", name: str | None = None) -> Enrollment:
    """A participant who bought `offering` (rows inserted directly, the seat taken)."""
    n = next(_serial)
    user = create_participant(nik=f"3273014508950{n:03d}", email=f"peserta-prov{n}@contoh.id",
                              full_name=name or f"Peserta {n}")
    card = create_card(user)
    enrollment = Enrollment(user_id=user.id, card_id=card.id, offering_id=offering.id, price_paid=offering.price,
                            purchased_at=clock.now(), status=status)
    db.session.add(enrollment)
    db.session.get(Offering, offering.id).seats_taken += 1
    db.session.commit()
    return enrollment


def add_sessions(programme_id: int, *titles: str) -> list[TrainingSession]:
    sessions = [TrainingSession(programme_id=programme_id, position=i, title=t) for i, t in enumerate(titles, 1)]
    db.session.add_all(sessions)
    db.session.commit()
    return sessions


def mark_done(enrollment: Enrollment, session: TrainingSession) -> None:
    db.session.add(SessionProgress(enrollment_id=enrollment.id, session_id=session.id, done_at=clock.now()))
    db.session.commit()


def submit(client, page, action: str, values: dict | None = None, **client_kwargs):
    """Post the form of `page` that posts to `action`, with fields set by name (radios by value)."""
    posted = form_posting_to(client, page, action)
    values = {name: str(value) for name, value in (values or {}).items()}
    for item in posted._form.inputs:
        if item.name not in values:
            continue
        if item.kind in ("radio", "checkbox"):
            item.checked = item.value == values[item.name]
        else:
            item.value = values[item.name]
    unknown = set(values) - {item.name for item in posted._form.inputs}
    assert not unknown, f"no fields {unknown} in the form posting to {action}"
    return posted.submit(**client_kwargs)


def token(client) -> str:
    """A valid CSRF token of this client's session, to post where no page offers a form."""
    html = client.get("/").get_data(as_text=True)
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def detail(event: AuditEvent) -> dict:
    return json.loads(event.detail)


def a_programme(title: str = "Digital Marketing untuk UMKM"):
    return create_programme(title=title)
