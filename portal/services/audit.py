"""The audit log: every admin and provider action, with who, what, when and from where.

`record` writes an event; the rest reads them back for the admin's pages.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditAction, AuditEvent, Provider, User
from portal.services.nik import mask_nik
from portal.services.paging import RECORDS_PER_PAGE, Paged, fetch_page


@dataclass(frozen=True)
class Actor:
    """Who is acting, and from which address (the view builds it from the request)."""

    user: User
    ip: str = ""


def record(actor: Actor, action: AuditAction, subject: str, now: datetime, **detail) -> AuditEvent:
    """Write one audit event (flush only). `detail` must hold no secret: no codes, no passwords.
    Its keys should have words in `portal.labels.AUDIT_DETAIL` (the log shows the key otherwise)."""
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
    """One event as the PMO's log lists it; portal/admin/audit_facts.py puts its detail into words."""

    id: int
    at: datetime
    actor_name: str | None
    actor_nik: str  # masked
    actor_role: str
    actor_provider: str | None  # the lembaga of a provider's staff member
    action: str
    subject: str
    detail: dict
    ip: str


def audit_actions() -> list[str]:
    """Every action that appears in the log, for the filter."""
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def audit_log(action: str | None = None, page: int = 1, per_page: int = RECORDS_PER_PAGE) -> Paged:
    """Audit events newest first (who, what, when, from where), optionally of one action."""
    query = (
        select(AuditEvent, User.full_name, User.nik, Provider.name)
        .outerjoin(User, User.id == AuditEvent.actor_id).outerjoin(Provider, Provider.id == User.provider_id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    if action:
        query = query.where(AuditEvent.action == action)
    rows = fetch_page(query, page, per_page, clamp=True)
    items = []
    for event, name, nik, provider in rows.items:
        try:
            detail = json.loads(event.detail or "{}")
        except ValueError:
            detail = {"detail": event.detail}
        items.append(AuditRow(event.id, event.at, name, mask_nik(nik), event.actor_role, provider, event.action,
                              event.subject, detail if isinstance(detail, dict) else {"detail": detail}, event.ip))
    return replace(rows, items=items)
