"""The ledger: its entries as the PMO lists them, and the check that every rupiah granted to a card
is on the card, spent, or returned to the fund."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import case, func, or_, select

from portal.extensions import db
from portal.formatting import mask_card_number
from portal.models import (
    Card,
    CardStatus,
    Enrollment,
    LedgerEntry,
    LedgerKind,
    Offering,
    Programme,
    Provider,
    Wave,
    WaveRecycling,
)
from portal.services.nik import mask_nik
from portal.services.paging import RECORDS_PER_PAGE, Paged, fetch_page


@dataclass(frozen=True)
class LedgerRow:
    id: int
    kind: str
    amount: int
    created_at: datetime
    card_tail: str
    holder_nik: str  # masked
    wave: int
    enrollment_id: int | None
    programme: str | None
    provider: str | None


def ledger_entries(kind: str | None = None, page: int = 1, per_page: int = RECORDS_PER_PAGE) -> Paged:
    """Ledger entries newest first, optionally of one kind (grant, purchase, return), with the card,
    its wave and, for a purchase, the training bought."""
    query = (
        select(LedgerEntry.id, LedgerEntry.kind, LedgerEntry.amount, LedgerEntry.created_at, Card.number,
               Card.holder_nik, Wave.number, LedgerEntry.enrollment_id, Programme.title, Provider.name)
        .join(Card, Card.id == LedgerEntry.card_id).join(Wave, Wave.id == Card.wave_id)
        .outerjoin(Enrollment, Enrollment.id == LedgerEntry.enrollment_id)
        .outerjoin(Offering, Offering.id == Enrollment.offering_id)
        .outerjoin(Programme, Programme.id == Offering.programme_id)
        .outerjoin(Provider, Provider.id == Offering.provider_id)
        .order_by(LedgerEntry.created_at.desc(), LedgerEntry.id.desc())
    )
    if kind in set(LedgerKind):
        query = query.where(LedgerEntry.kind == kind)
    rows = fetch_page(query, page, per_page, clamp=True)
    return replace(rows, items=[LedgerRow(r[0], r[1], int(r[2]), r[3], r[4][-4:], mask_nik(r[5]), r[6], r[7], r[8],
                                          r[9]) for r in rows.items])


@dataclass(frozen=True)
class LedgerReport:
    cards: int
    granted: int
    on_cards: int
    purchased: int
    returned: int
    problems: list[str]

    @property
    def balanced(self) -> bool:
        return not self.problems


def _sum(kind: LedgerKind):
    return func.coalesce(func.sum(case((LedgerEntry.kind == kind, LedgerEntry.amount), else_=0)), 0)


def check_ledger(limit: int = 50) -> LedgerReport:
    """Verify grants = card balances + purchases + returns, per card and in total; that every paid
    enrollment has exactly its purchase entry; and that each wave's quota counters match its cards.
    Set-based: a few grouped queries, any size."""
    per_card = (
        select(LedgerEntry.card_id, _sum(LedgerKind.GRANT).label("granted"),
               _sum(LedgerKind.PURCHASE).label("purchased"), _sum(LedgerKind.RETURN).label("returned"))
        .group_by(LedgerEntry.card_id).subquery()
    )
    granted, purchased, returned = (func.coalesce(per_card.c[name], 0) for name in ("granted", "purchased", "returned"))
    off = granted - Card.balance - purchased - returned
    totals = db.session.execute(
        select(func.count(Card.id), func.coalesce(func.sum(granted), 0), func.coalesce(func.sum(Card.balance), 0),
               func.coalesce(func.sum(purchased), 0), func.coalesce(func.sum(returned), 0))
        .select_from(Card).outerjoin(per_card, per_card.c.card_id == Card.id)
    ).one()
    problems = [
        f"card id {row.id} ({mask_card_number(row.number)}): granted {row.granted}, balance {row.balance}, "
        f"purchases {row.purchased}, returns {row.returned}: off by {row.off}"
        for row in db.session.execute(
            select(Card.id, Card.number, Card.balance, granted.label("granted"), purchased.label("purchased"),
                   returned.label("returned"), off.label("off"))
            .select_from(Card).outerjoin(per_card, per_card.c.card_id == Card.id)
            .where(off != 0).order_by(Card.id).limit(limit)
        )
    ]
    unpaid = db.session.execute(
        select(Enrollment.id, Enrollment.price_paid, LedgerEntry.amount)
        .outerjoin(LedgerEntry, LedgerEntry.enrollment_id == Enrollment.id)
        .where(Enrollment.price_paid > 0, func.coalesce(LedgerEntry.amount, -1) != Enrollment.price_paid)
        .order_by(Enrollment.id).limit(limit)
    )
    problems += [f"enrollment id {r.id}: price {r.price_paid}, ledger purchase {r.amount}" for r in unpaid]
    problems += _quota_problems()
    return LedgerReport(cards=totals[0], granted=int(totals[1]), on_cards=int(totals[2]), purchased=int(totals[3]),
                        returned=int(totals[4]), problems=problems)


def _quota_problems() -> list[str]:
    """Each wave's counters agree with its cards and its recyclings: issued, bought (first purchases),
    revoked places counted once, recycled out at most once, recycled in as recorded. A wave whose
    counters all agree costs nothing more; each disagreeing counter is named."""
    def count(*where):
        return select(func.count(Card.id)).where(Card.wave_id == Wave.id, *where).scalar_subquery()

    def places(column):
        return select(func.coalesce(func.sum(WaveRecycling.places), 0)).where(column == Wave.id).scalar_subquery()

    checks = {
        "cards issued": (Wave.cards_issued, count()),
        "bought": (Wave.cards_bought, count(Card.first_purchase_at.is_not(None))),
        "revoked": (Wave.revoked_count, count(Card.status == CardStatus.REVOKED)),
        "recycled out": (Wave.recycled_out, places(WaveRecycling.source_wave_id)),
        "recycled in": (Wave.recycled_in, places(WaveRecycling.target_wave_id)),
    }
    columns = [c for pair in checks.values() for c in pair]
    rows = db.session.execute(
        select(Wave.number, *columns).where(or_(*(kept != actual for kept, actual in checks.values())))
        .order_by(Wave.number)
    ).all()
    problems = []
    for number, *values in rows:
        for i, name in enumerate(checks):
            kept, actual = values[2 * i], values[2 * i + 1]
            if kept != actual:
                problems.append(f"wave {number}: {name} {kept} (counted {actual})")
    return problems
