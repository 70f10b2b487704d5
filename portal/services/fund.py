"""The PMO's records: the Kartu Prakerja fund account, the ledger, the blacklist, the audit log.

Read-only queries for the admin pages, each a fixed number of statements whatever the size of
the tables, one page at a time.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import (
    AuditEvent,
    BlacklistEntry,
    Card,
    Enrollment,
    LedgerEntry,
    Offering,
    Programme,
    Provider,
    User,
    Wave,
)
from portal.services.nik import mask_nik
from portal.services.paging import Paged, fetch_page

PER_PAGE = 50
LEDGER_KINDS = ("grant", "purchase", "return")  # LedgerEntry.kind


@dataclass(frozen=True)
class FundAccount:
    """Money between the fund and the cards, in whole rupiah."""

    granted: int  # paid out of the fund onto cards
    returned: int  # back into the fund from revoked cards
    on_cards: int  # still on cards, not yet spent
    spent: int  # paid to providers for trainings

    @property
    def net_drawn(self) -> int:
        """What the programme has drawn from the fund so far: granted less returned."""
        return self.granted - self.returned

    @property
    def balanced(self) -> bool:
        """Every rupiah drawn is on a card or spent."""
        return self.net_drawn == self.on_cards + self.spent


def fund_account() -> FundAccount:
    """Totals of the ledger by kind, and what is on the cards. Two statements."""
    sums = dict(db.session.execute(select(LedgerEntry.kind, func.sum(LedgerEntry.amount)).group_by(LedgerEntry.kind))
                .all())
    on_cards = db.session.scalar(select(func.coalesce(func.sum(Card.balance), 0)))
    return FundAccount(granted=int(sums.get("grant") or 0), returned=int(sums.get("return") or 0),
                       on_cards=int(on_cards), spent=int(sums.get("purchase") or 0))


# --- the ledger ----------------------------------------------------------------------------------

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


def ledger_entries(kind: str | None = None, page: int = 1, per_page: int = PER_PAGE) -> Paged:
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
    if kind in LEDGER_KINDS:
        query = query.where(LedgerEntry.kind == kind)
    rows = fetch_page(query, page, per_page, clamp=True)
    items = [LedgerRow(r[0], r[1], int(r[2]), r[3], r[4][-4:], mask_nik(r[5]), r[6], r[7], r[8], r[9])
             for r in rows.items]
    return replace(rows, items=items)


# --- the blacklist -------------------------------------------------------------------------------

@dataclass(frozen=True)
class BlacklistRow:
    nik: str
    name: str
    reason: str
    created_at: datetime
    card_tail: str | None
    wave: int | None


def blacklist_entries(nik: str = "", page: int = 1, per_page: int = PER_PAGE) -> Paged:
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
    items = [BlacklistRow(r[0], r[1], r[2], r[3], r[4][-4:] if r[4] else None, r[5]) for r in rows.items]
    return replace(rows, items=items)


# --- the audit log -------------------------------------------------------------------------------

@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    actor_name: str | None
    actor_nik: str  # masked
    actor_role: str
    action: str
    subject: str
    detail: dict
    ip: str

    @property
    def facts(self) -> list[tuple[str, str]]:
        """The detail as short `key: value` pairs; a list shows its length, a change `before → after`."""
        shown = []
        for key, value in self.detail.items():
            if value is None:
                continue
            if isinstance(value, dict):
                text = "; ".join(f"{k}: {_before_after(v)}" for k, v in value.items())
            elif isinstance(value, list):
                text = f"[{len(value)}]"
            else:
                text = str(value)
            shown.append((key, text))
        return shown


def _before_after(value) -> str:
    if isinstance(value, list) and len(value) == 2:
        return f"{value[0]} → {value[1]}"
    return str(value)


def audit_actions() -> list[str]:
    """Every action that appears in the log, for the filter."""
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def audit_log(action: str | None = None, page: int = 1, per_page: int = PER_PAGE) -> Paged:
    """Audit events newest first (who, what, when, from where), optionally of one action."""
    query = (
        select(AuditEvent, User.full_name, User.nik).outerjoin(User, User.id == AuditEvent.actor_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    if action:
        query = query.where(AuditEvent.action == action)
    rows = fetch_page(query, page, per_page, clamp=True)
    items = []
    for event, name, nik in rows.items:
        try:
            detail = json.loads(event.detail or "{}")
        except ValueError:
            detail = {"detail": event.detail}
        items.append(AuditRow(event.id, event.at, name, mask_nik(nik), event.actor_role, event.action, event.subject,
                              detail if isinstance(detail, dict) else {"detail": detail}, event.ip))
    return replace(rows, items=items)
