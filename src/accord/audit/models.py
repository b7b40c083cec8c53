"""Audit events, the subjects they concern, and the hash chain with its signed checkpoints.

Every table here is append-only: the database refuses UPDATE, DELETE (and, on PostgreSQL,
TRUNCATE) of their rows with triggers made by migration 0003. None of them has a foreign key to
another, on purpose: the tamper tests delete rows behind the database's back (triggers disabled
by the owner), and the verifier, not a constraint, must be what notices.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from accord.core.db import Base, UTCDateTime
from accord.core.ids import uuid7

APPEND_ONLY_TABLES = (
    "audit_events",
    "audit_subjects",
    "audit_chain",
    "audit_checkpoints",
    "audit_keys",
)


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


class AuditChainLink(Base):
    """The event at `position` of the chain: hash = SHA-256(prev_hash || canonical event).

    Written only by the chainer (`audit.chain.chain_pending`), never by the request that
    recorded the event, so that recording never waits on the chain.
    """

    __tablename__ = "audit_chain"

    position: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    chained_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AuditCheckpoint(Base):
    """An Ed25519 signature over the chain's hash at `position`, made every N chained events.

    A checkpoint outlives a truncated tail: it names a position and hash that the chain must
    still reach.
    """

    __tablename__ = "audit_checkpoints"

    position: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    key_id: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(128))  # hex of the 64-byte signature


class AuditKey(Base):
    """A public key that signed checkpoints, so verification works on any machine."""

    __tablename__ = "audit_keys"

    key_id: Mapped[str] = mapped_column(String(16), primary_key=True)
    public_key: Mapped[str] = mapped_column(String(64))  # hex of the 32-byte raw public key
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
