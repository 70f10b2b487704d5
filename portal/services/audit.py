"""The audit log: every admin and provider action, with who, what, when and from where.

`record` writes an event; the rest reads them back for the admin's pages.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, User
from portal.services.nik import mask_nik
from portal.services.paging import RECORDS_PER_PAGE, Paged, fetch_page


@dataclass(frozen=True)
class Actor:
    """Who is acting, and from which address (the view builds it from the request)."""

    user: User
    ip: str = ""


def record(actor: Actor, action: str, subject: str, now: datetime, **detail) -> AuditEvent:
    """Write one audit event (flush only). `detail` must hold no secret: no codes, no passwords."""
    event = AuditEvent(
        actor_id=actor.user.id, actor_role=actor.user.role, action=action, subject=subject,
        detail=json.dumps(detail, default=str, ensure_ascii=False, sort_keys=True), ip=actor.ip[:45], at=now,
    )
    db.session.add(event)
    db.session.flush()
    return event


def recent_events(limit: int = 100, action: str | None = None) -> list[AuditEvent]:
    """The newest events first, optionally of one action."""
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(limit)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query))


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


def audit_log(action: str | None = None, page: int = 1, per_page: int = RECORDS_PER_PAGE) -> Paged:
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
