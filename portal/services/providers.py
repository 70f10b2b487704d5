"""A lembaga pelatihan's own affairs: its profile, its request for the Kartu Prakerja label, and
the list of its offerings on the provider portal.

Every change is made for an `Actor` (a provider staff member and the request's address) and
writes an audit event; a staff member can only act for the lembaga their account belongs to.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select, update
from sqlalchemy.orm import contains_eager

from portal.extensions import db
from portal.models import Accreditation, Enrollment, EnrollmentStatus, Offering, Provider, ProviderKind, Role, User
from portal.regions import PROVINCES
from portal.services import DomainError
from portal.services.audit import Actor, record

MAX_ADDRESS = 500
MAX_CITY = 80  # Provider.city


@dataclass(frozen=True)
class OfferingRow:
    """One offering on the provider's dashboard, with how many bought it and how many wait for
    the provider's confirmation."""

    offering: Offering
    registrants: int
    awaiting: int


def provider_for(user: User) -> Provider | None:
    """The lembaga `user` works for (provider staff), or None."""
    return db.session.get(Provider, user.provider_id) if user.provider_id else None


def require_staff_of(actor: Actor, provider_id: int) -> None:
    """Refuse an actor who is not staff of lembaga `provider_id` (the views 404 before this)."""
    if actor.user.role != Role.PROVIDER_STAFF or actor.user.provider_id != provider_id:
        raise DomainError(_l("Only the staff of this provider can do this."))


def update_profile(actor: Actor, provider: Provider, kind: str, accreditation: str, address: str, city: str,
                   province_code: str, now: datetime) -> None:
    """Change the lembaga's kind (BLK/LPK), accreditation and address. The name is the PMO's.

    Raises DomainError naming the field for a value outside the lists or an empty or too long text.
    """
    require_staff_of(actor, provider.id)
    address, city = " ".join(address.split()), " ".join(city.split())
    if kind not in tuple(ProviderKind):
        raise DomainError(_l("Choose the kind of institution from the list."), "kind")
    if accreditation not in tuple(Accreditation):
        raise DomainError(_l("Choose the accreditation from the list."), "accreditation")
    if not address or len(address) > MAX_ADDRESS:
        raise DomainError(_l("Enter the address (at most %(max)d characters).", max=MAX_ADDRESS), "address")
    if not city or len(city) > MAX_CITY:
        raise DomainError(_l("Enter the city (at most %(max)d characters).", max=MAX_CITY), "city")
    if province_code not in PROVINCES:
        raise DomainError(_l("Choose a province from the list."), "province")
    before = {name: getattr(provider, name) for name in ("kind", "accreditation", "address", "city", "province_code")}
    after = dict(kind=kind, accreditation=accreditation, address=address, city=city, province_code=province_code)
    for name, value in after.items():
        setattr(provider, name, value)
    db.session.flush()
    changed = {name: [before[name], value] for name, value in after.items() if before[name] != value}
    record(actor, "provider.update_profile", f"provider:{provider.id}", now, changed=changed)


def request_label(actor: Actor, provider: Provider, now: datetime) -> None:
    """Ask the PMO for the Kartu Prakerja label, once.

    A guarded UPDATE (`WHERE prakerja_label IS false AND label_requested_at IS NULL`) makes a
    second request, or two at once, a refusal rather than a second request.
    """
    require_staff_of(actor, provider.id)
    asked = db.session.execute(
        update(Provider)
        .where(Provider.id == provider.id, Provider.prakerja_label.is_(False), Provider.label_requested_at.is_(None))
        .values(label_requested_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(provider)
    if asked != 1:
        if provider.prakerja_label:
            raise DomainError(_l("This provider already carries the Kartu Prakerja label."))
        raise DomainError(_l("The label has already been requested; the PMO will review the request."))
    record(actor, "provider.request_label", f"provider:{provider.id}", now)


def offerings_of(provider: Provider) -> list[OfferingRow]:
    """The lembaga's offerings, newest first, each with its programme and registrant counts.

    One statement whatever the number of offerings: the offerings joined to their programme and
    to a grouped count of enrollments.
    """
    mine = select(Offering.id).where(Offering.provider_id == provider.id)
    counts = (
        select(
            Enrollment.offering_id,
            func.count().label("registrants"),
            func.sum(case((Enrollment.status == EnrollmentStatus.AWAITING_CONFIRMATION, 1), else_=0)).label("awaiting"),
        )
        .where(Enrollment.offering_id.in_(mine))
        .group_by(Enrollment.offering_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Offering, func.coalesce(counts.c.registrants, 0), func.coalesce(counts.c.awaiting, 0))
        .join(Offering.programme)
        .outerjoin(counts, counts.c.offering_id == Offering.id)
        .options(contains_eager(Offering.programme))
        .where(Offering.provider_id == provider.id)
        .order_by(Offering.created_at.desc(), Offering.id.desc())
    ).all()
    return [OfferingRow(offering, int(registrants), int(awaiting)) for offering, registrants, awaiting in rows]
