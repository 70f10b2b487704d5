"""Permenko 11/2020 Pasal 20: a card that bought nothing within 30 days is revoked.

Revoking a card (ayat 2) returns its balance to the Kartu Prakerja fund; its holder's NIK and name
go on the blacklist for good (ayat 3); its place becomes recyclable quota of its wave. A batch
does all of it with set-based statements guarded by the same conditions, so a purchase racing
the sweep, or a second sweep, finds the card either still open or already revoked, never half.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, insert, literal, select, update

from portal.extensions import db
from portal.models import BlacklistEntry, Card, LedgerEntry, Wave
from portal.models.types import UTCDateTime
from portal.services.cards import open_deadline_after

REASON = "no_purchase_in_30_days"  # shown to people through a translated sentence


@dataclass(frozen=True)
class RevokedBatch:
    cards: int = 0
    returned: int = 0  # rupiah back to the fund
    blacklisted: int = 0

    def __add__(self, other: RevokedBatch) -> RevokedBatch:
        return RevokedBatch(self.cards + other.cards, self.returned + other.returned,
                            self.blacklisted + other.blacklisted)


def _expired(now: datetime) -> tuple:
    """Still active, never bought, and 00:00:00 WIB after day 30 has come."""
    return Card.status == "active", Card.first_purchase_at.is_(None), Card.deadline_at <= open_deadline_after(now)


def revoke_batch(now: datetime, batch_size: int) -> RevokedBatch:
    """Revoke up to `batch_size` expired cards, oldest deadline first; flush, never commit.

    On PostgreSQL the batch's rows are locked (`FOR UPDATE SKIP LOCKED`), so parallel sweeps take
    disjoint batches and a purchase of one of these cards waits, then finds it revoked.
    """
    expired = _expired(now)
    pick = select(Card.id).where(*expired).order_by(Card.deadline_at, Card.id).limit(batch_size)
    if db.engine.dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    ids = db.session.scalars(pick).all()
    if not ids:
        return RevokedBatch()
    chosen = (Card.id.in_(ids), *expired)
    at = literal(now, UTCDateTime())
    returned = db.session.scalar(select(func.coalesce(func.sum(Card.balance), 0)).where(*chosen))
    db.session.execute(insert(LedgerEntry).from_select(
        ["kind", "card_id", "amount", "created_at"],
        select(literal("return"), Card.id, Card.balance, at).where(*chosen, Card.balance > 0),
    ))
    blacklisted = db.session.execute(
        insert(BlacklistEntry).from_select(
            ["nik", "name", "reason", "card_id", "created_at"],
            select(Card.holder_nik, func.min(Card.holder_name), literal(REASON), func.min(Card.id), at)
            .where(*chosen, ~exists().where(BlacklistEntry.nik == Card.holder_nik))
            .group_by(Card.holder_nik),
        ),
        execution_options={"preserve_rowcount": True},  # psycopg reports -1 for INSERT … SELECT otherwise
    ).rowcount
    revoked = db.session.execute(
        update(Card).where(*chosen)
        .values(status="revoked", revoked_at=now, revoke_reason=REASON, balance=0)
        .execution_options(synchronize_session=False)
    ).rowcount
    freed = (
        select(func.count(Card.id))
        .where(Card.wave_id == Wave.id, Card.id.in_(ids), Card.status == "revoked", Card.revoked_at == at)
        .scalar_subquery()
    )
    db.session.execute(
        update(Wave).where(Wave.id.in_(select(Card.wave_id).where(Card.id.in_(ids))))
        .values(revoked_count=Wave.revoked_count + freed)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return RevokedBatch(cards=revoked, returned=int(returned), blacklisted=blacklisted)
