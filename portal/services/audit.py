"""The audit log: every admin and provider action, with who, what, when and from where."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, User


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
