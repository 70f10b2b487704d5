"""The "Kartu Prakerja" label: the PMO grants it to a lembaga, and withdraws it.

Only offerings of labelled providers can be paid with the card (`purchases.check_card` refuses
others, and the seat is taken only `WHERE` the provider is labelled), so withdrawing the label
stops new purchases at once; enrollments already bought are untouched and stay valid.

A request (`label_requested_at`, set by the provider's staff) is answered by a grant, which
clears it, so a lembaga whose label is later withdrawn can ask again.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select, update

from portal.extensions import db
from portal.models import LabelState, Offering, Provider
from portal.services import DomainError
from portal.services.audit import Actor, record


@dataclass(frozen=True)
class ProviderReview:
    """One lembaga on the PMO's label page."""

    id: int
    name: str
    kind: str
    city: str
    province_code: str
    labelled: bool
    requested_at: datetime | None
    granted_at: datetime | None
    offerings: int

    @property
    def state(self) -> LabelState:
        """Labelled, requested (waiting for the PMO), withdrawn (had it once), or none."""
        if self.labelled:
            return LabelState.LABELLED
        if self.requested_at is not None:
            return LabelState.REQUESTED
        return LabelState.WITHDRAWN if self.granted_at is not None else LabelState.NONE


def grant_label(actor: Actor, provider: Provider, now: datetime) -> None:
    """Give `provider` the Kartu Prakerja label, answering its request if it made one.

    A guarded UPDATE (`WHERE prakerja_label IS false`) makes a second grant (a double click, two
    admins at once) a refusal rather than a second audit event.
    """
    requested_at = provider.label_requested_at
    granted = db.session.execute(
        update(Provider)
        .where(Provider.id == provider.id, Provider.prakerja_label.is_(False))
        .values(prakerja_label=True, label_granted_at=now, label_requested_at=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(provider)
    if granted != 1:
        raise DomainError(_l("This provider already carries the Kartu Prakerja label."))
    record(actor, "label.grant", f"provider:{provider.id}", now, provider=provider.name,
           requested_at=requested_at.isoformat() if requested_at else None)


def withdraw_label(actor: Actor, provider: Provider, now: datetime) -> None:
    """Take the label away: new card purchases at this lembaga stop; bought trainings stay valid.

    Guarded by `WHERE prakerja_label IS true`, so withdrawing twice is refused, not recorded twice.
    `label_granted_at` is kept: it says when the label was last granted.
    """
    withdrawn = db.session.execute(
        update(Provider)
        .where(Provider.id == provider.id, Provider.prakerja_label.is_(True))
        .values(prakerja_label=False)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(provider)
    if withdrawn != 1:
        raise DomainError(_l("This provider does not carry the label, so there is nothing to withdraw."))
    record(actor, "label.withdraw", f"provider:{provider.id}", now, provider=provider.name)


def provider_or_none(provider_id: int) -> Provider | None:
    return db.session.get(Provider, provider_id)


def providers_for_review() -> list[ProviderReview]:
    """Every lembaga with its label state and offering count: pending requests first (oldest
    request first), then by name. One statement."""
    offerings = (
        select(Offering.provider_id, func.count(Offering.id).label("n")).group_by(Offering.provider_id).subquery()
    )
    is_pending = Provider.prakerja_label.is_(False) & Provider.label_requested_at.is_not(None)
    pending, asked = case((is_pending, 0), else_=1), case((is_pending, Provider.label_requested_at), else_=None)
    rows = db.session.execute(
        select(Provider.id, Provider.name, Provider.kind, Provider.city, Provider.province_code,
               Provider.prakerja_label, Provider.label_requested_at, Provider.label_granted_at,
               func.coalesce(offerings.c.n, 0))
        .outerjoin(offerings, offerings.c.provider_id == Provider.id)
        .order_by(pending, asked, Provider.name, Provider.id)
    ).all()
    return [ProviderReview(*row[:8], offerings=int(row[8])) for row in rows]
