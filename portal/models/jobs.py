"""Operations: job runs, the lease that lets one scheduler act, the demo clock, the audit log."""
from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.models.types import UTCDateTime


class RunTrigger(StrEnum):
    """What started a job run."""

    SCHEDULED = "scheduled"
    MANUAL = "manual"  # the admin's "Jalankan sekarang" button
    CLI = "cli"


class RunStatus(StrEnum):
    """How a job run stands or ended."""

    RUNNING = "running"
    OK = "ok"
    ERROR = "error"
    SKIPPED = "skipped"  # another process held the job's lock


class JobRun(db.Model):
    """One run of a scheduled job: when, what it did (counts as JSON), or why it failed."""

    __tablename__ = "job_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(40), index=True)
    trigger: Mapped[str] = mapped_column(String(20))  # a RunTrigger
    status: Mapped[str] = mapped_column(String(10))  # a RunStatus
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    counts: Mapped[str] = mapped_column(Text, default="{}")
    error: Mapped[str | None] = mapped_column(Text)
    holder: Mapped[str] = mapped_column(String(120))  # host:pid of the process that ran it


class JobLease(db.Model):
    """On SQLite, the lock of a job: a row a process may take while it is free or expired."""

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(120))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DemoClock(db.Model):
    """Demo mode only: how far the portal's time stands from real time (one row, read by every
    process of the demo), and the scenario's starting moment the presenter can go back to."""

    __tablename__ = "demo_clock"

    id: Mapped[int] = mapped_column(primary_key=True)
    offset_seconds: Mapped[int] = mapped_column(Integer, default=0)  # negative: the portal stands in the past
    start_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AuditAction(StrEnum):
    """What an admin or provider action was; `AuditEvent.action`. Every `record` names one."""

    CARD_ISSUE = "card.issue"
    CARD_IMPORT = "card.import"
    CATEGORY_CREATE = "category.create"
    CATEGORY_RENAME = "category.rename"
    PROGRAMME_CREATE = "programme.create"
    PROGRAMME_EDIT = "programme.edit"
    PROGRAMME_SET_SESSION_PLAN = "programme.set_session_plan"
    LABEL_GRANT = "label.grant"
    LABEL_WITHDRAW = "label.withdraw"
    OFFERING_CREATE = "offering.create"
    OFFERING_UPDATE = "offering.update"
    OFFERING_PUBLISH = "offering.publish"
    OFFERING_UNPUBLISH = "offering.unpublish"
    PROVIDER_UPDATE_PROFILE = "provider.update_profile"
    PROVIDER_REQUEST_LABEL = "provider.request_label"
    ENROLLMENT_CONFIRM_COMPLETION = "enrollment.confirm_completion"
    JOB_RUN = "job.run"
    WAVE_RECYCLE = "wave.recycle"
    DEMO_CLOCK_MOVE = "demo_clock.move"
    ACCOUNT_CLAIM_START = "account.claim_start"
    ACCOUNT_CLAIM = "account.claim"


class AuditEvent(db.Model):
    """Who did what, when, from where: every admin and provider action."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    actor_role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(60), index=True)  # e.g. "offering.publish"
    subject: Mapped[str] = mapped_column(String(120), default="")  # e.g. "offering:12"
    detail: Mapped[str] = mapped_column(Text, default="{}")  # JSON, never a secret
    ip: Mapped[str] = mapped_column(String(45), default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
