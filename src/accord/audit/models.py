"""Audit events and the subjects they concern (indexed, so "who looked at X" is one query)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from accord.core.db import Base, UTCDateTime
from accord.core.ids import uuid7


class AuditEvent(Base):
    """One thing that happened: an action by an actor on an object, with its purpose."""

    __tablename__ = "audit_events"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    actor_username: Mapped[str] = mapped_column(String(80))
    actor_agency_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    via: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(64))
    purpose: Mapped[str | None] = mapped_column(String(500))
    case_ref: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(20), default="ok")
    client_addr: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (
        Index("ix_audit_events_actor_time", "actor_user_id", "occurred_at"),
        Index("ix_audit_events_object", "object_type", "object_id"),
        Index("ix_audit_events_time", "occurred_at"),
    )


class AuditSubject(Base):
    """A person or thing an event concerns, by normalised key (resident ID, passport, plate...).

    No foreign key to the event on purpose: the tamper tests delete events behind the
    database's back, and the verifier, not a constraint, must be what notices.
    """

    __tablename__ = "audit_subjects"

    event_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(128), primary_key=True)

    __table_args__ = (Index("ix_audit_subjects_kind_key", "kind", "key"),)
