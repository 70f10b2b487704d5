"""The blacklist as the PMO reads it: NIKs that can never join again, with the card that was revoked.

Entries are written by the revocation sweep (services/revocation.py); here they are only listed.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select

from portal.models import BlacklistEntry, Card, Wave
from portal.services.paging import RECORDS_PER_PAGE, Paged, fetch_page


@dataclass(frozen=True)
class BlacklistRow:
    nik: str
    name: str
    reason: str
    created_at: datetime
    card_tail: str | None
    wave: int | None


def blacklist_entries(nik: str = "", page: int = 1, per_page: int = RECORDS_PER_PAGE) -> Paged:
    """The blacklist, newest first, with the revoked card and its wave; `nik` finds one NIK."""
    query = (
        select(BlacklistEntry.nik, BlacklistEntry.name, BlacklistEntry.reason, BlacklistEntry.created_at,
               Card.number, Wave.number)
        .outerjoin(Card, Card.id == BlacklistEntry.card_id).outerjoin(Wave, Wave.id == Card.wave_id)
        .order_by(BlacklistEntry.created_at.desc(), BlacklistEntry.id.desc())
    )
    nik = "".join(nik.split())
    if nik:
        query = query.where(BlacklistEntry.nik == nik)
    rows = fetch_page(query, page, per_page, clamp=True)
    return replace(rows, items=[BlacklistRow(r[0], r[1], r[2], r[3], r[4][-4:] if r[4] else None, r[5])
                                for r in rows.items])
