"""Permenko 11/2020 Pasal 20: a card that bought nothing within 30 days is revoked.

Revoking a card (ayat 2) returns its balance to the Kartu Prakerja fund; its holder's NIK and name
go on the blacklist for good (ayat 3); its place becomes recyclable quota of its wave; its holder
gets an SMS saying what happened and why (written to the outbox in the same transaction). A batch
does all of it with set-based statements guarded by the same conditions, so a purchase racing
the sweep, or a second sweep, finds the card either still open or already revoked, never half.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import ARRAY, Integer, String, any_, column, func, insert, literal, literal_column, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Row
from sqlalchemy.sql.expression import ClauseElement

from portal.extensions import db
from portal.formatting import wib
from portal.models import BlacklistEntry, Card, CardStatus, LedgerEntry, LedgerKind, SmsMessage, Wave
from portal.models.types import UTCDateTime
from portal.services.cards import open_deadline_after
from portal.services.sms import delivery_state

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
    """Still active, never bought, and 00:00:00 WIB after day 30 has come.

    'active' is written into the SQL, not bound: only then can the planner prove that the partial index
    ix_cards_awaiting_first_purchase covers the query, even in a prepared (generic) plan.
    """
    return (Card.status == literal_column(f"'{CardStatus.ACTIVE}'"), Card.first_purchase_at.is_(None),
            Card.deadline_at <= open_deadline_after(now))


def _pick(conn: Connection, expired: tuple, batch_size: int) -> list[Row]:
    """The next batch's ids and deadlines, oldest deadline first (both in the partial index). On
    PostgreSQL they are locked (`FOR UPDATE SKIP LOCKED`), so parallel sweeps take disjoint batches and
    a purchase of one of these cards waits, then finds it revoked."""
    pick = select(Card.id, Card.deadline_at).where(*expired).order_by(Card.deadline_at, Card.id).limit(batch_size)
    if conn.dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    return conn.execute(pick).all()


def _among(conn: Connection, ids: list[int]):
    """`cards.id IN ids`, bound as one value (a PostgreSQL array, a JSON array on SQLite) rather than one
    parameter per id: SQLAlchemy renders and binds an expanding IN afresh at every execution, which
    cost about as much as the UPDATE itself at 1,000 ids."""
    if conn.dialect.name == "postgresql":
        return Card.id == any_(literal(ids, ARRAY(Integer)))
    return Card.id.in_(select(column("value", Integer)).select_from(func.json_each(json.dumps(ids))))


def _insert_unless_listed(conn: Connection):
    """INSERT INTO blacklist … ON CONFLICT (nik) DO NOTHING, in the connection's dialect."""
    dialect_insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    return dialect_insert(BlacklistEntry).on_conflict_do_nothing(index_elements=[BlacklistEntry.nik])


def _free_places(conn: Connection, revoked_waves: list[int]) -> None:
    """Each revoked card's place becomes recyclable quota of its wave (one UPDATE per wave in the batch)."""
    for wave_id, places in Counter(revoked_waves).items():
        conn.execute(update(Wave).where(Wave.id == wave_id).values(revoked_count=Wave.revoked_count + places))


def revocation_sms() -> str:
    """The SMS that tells a holder their card was revoked, as a template with `%(tail)s` (the card's last
    four digits) and `%(deadline)s`, in the current locale. Plain GSM characters, about 300: two SMS parts."""
    return _(
        "SIMULATION Prakerja: your Kartu Prakerja ending %(tail)s is revoked: no first training was bought "
        "within 30 days (deadline %(deadline)s). Under Permenko 11/2020 Article 20 its balance returns to "
        "the Prakerja fund and your NIK is blacklisted: you cannot join again."
    )


def _sms_body(deadline_text: str):
    """The SMS as a SQL expression over the card's row: the template's text with the card's last four
    digits and the deadline put in, in whatever order the translation has them."""
    parts = re.split(r"%\((tail|deadline)\)s", revocation_sms())
    body = literal("", String)
    for i, part in enumerate(parts):
        if i % 2 == 0:
            piece = literal(part.replace("%%", "%"), String) if part else None
        elif part == "tail":
            piece = func.substr(Card.number, 13, 4)
        else:
            piece = literal(deadline_text, String)
        if piece is not None:
            body = body + piece
    return body


def _tell_holders(conn: Connection, chosen: tuple, deadlines: set[datetime], at) -> None:
    """One SMS per chosen card into the outbox, in the batch's transaction: one INSERT … SELECT per
    distinct deadline in the batch (at midnight, one), the text made in SQL from one template."""
    state = delivery_state(at)  # as send_sms writes it: sent (the demo's phone) or due for the relay
    states = [value if isinstance(value, ClauseElement) else literal(value, SmsMessage.__table__.c[name].type)
              for name, value in state.items()]  # `at` may already be a bound parameter
    for deadline in sorted(deadlines):
        same_deadline = (Card.deadline_at == literal(deadline, UTCDateTime()),) if len(deadlines) > 1 else ()
        conn.execute(insert(SmsMessage).from_select(
            ["to_phone", "body", "created_at", *state],
            select(Card.phone, _sms_body(wib(deadline)), at, *states).where(*chosen, *same_deadline),
        ))


def revoke_batch(now: datetime, batch_size: int) -> RevokedBatch:
    """Revoke up to `batch_size` expired cards, oldest deadline first; flush, never commit.

    Every statement repeats the expiry conditions, and the counts come from the rows the statements
    actually wrote (RETURNING), so a card that escaped in between is neither revoked nor counted.
    The statements run on the session's connection as Core: plain rows back, no ORM bookkeeping per card.
    """
    db.session.flush()  # the statements below bypass the session: what it holds must be in the database first
    conn = db.session.connection()
    expired = _expired(now)
    picked = _pick(conn, expired, batch_size)
    if not picked:
        return RevokedBatch()
    chosen = (_among(conn, [card.id for card in picked]), *expired)
    at = literal(now, UTCDateTime())
    returned = conn.execute(insert(LedgerEntry).from_select(
        ["kind", "card_id", "amount", "created_at"],
        select(literal(LedgerKind.RETURN), Card.id, Card.balance, at).where(*chosen, Card.balance > 0),
    ).returning(LedgerEntry.amount)).scalars().all()
    # One entry per card, no GROUP BY: the chosen cards are active, and a NIK holds at most one active
    # card (uq_cards_one_active_per_nik). A NIK already listed is skipped by its unique index (ON CONFLICT),
    # not by NOT EXISTS: that made PostgreSQL scan the whole blacklist once per card when its statistics
    # still said "empty", as they do on the night the first big wave expires.
    blacklisted = conn.execute(
        _insert_unless_listed(conn).from_select(
            ["nik", "name", "reason", "card_id", "created_at"],
            select(Card.holder_nik, Card.holder_name, literal(REASON), Card.id, at).where(*chosen),
        ),
        execution_options={"preserve_rowcount": True},  # psycopg reports -1 for INSERT … SELECT otherwise
    ).rowcount
    _tell_holders(conn, chosen, {card.deadline_at for card in picked}, at)
    revoked_waves = conn.execute(
        update(Card).where(*chosen)
        .values(status=CardStatus.REVOKED, revoked_at=now, revoke_reason=REASON, balance=0)
        .returning(Card.wave_id)
    ).scalars().all()
    _free_places(conn, revoked_waves)
    return RevokedBatch(cards=len(revoked_waves), returned=sum(returned), blacklisted=blacklisted)
