"""Shared records, the keys they are found by, who holds a copy, and users' watches.

A record is one FollowTheMoney entity an agency shares (`schema` and `properties` as FtM has
them), with its provenance: the owner agency, the date, source reliability and information
accuracy, a handling code, a review date and an expiry. `entity_id` is the owner's own id,
unique per owner; two agencies may use the same id, which exports qualify as `CODE:id`.

`RecordKey` rows are the record's identifiers normalised (name blocking keys, resident ID,
passport, phone in E.164, account number by value ...): search, watches and series discovery
look records up through them. A withdrawn record keeps its row (the audit trail names it) but
loses its keys, so it leaves every search and view.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from accord.core.db import Base, IdMixin, TimestampMixin, UTCDateTime


class SharedRecord(IdMixin, TimestampMixin, Base):
    __tablename__ = "shared_records"
    __table_args__ = (
        UniqueConstraint("agency_id", "entity_id"),
        Index("ix_shared_records_schema_status", "schema", "status"),
    )

    agency_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("agencies.id"), index=True)
    entity_id: Mapped[str] = mapped_column(String(200))
    schema: Mapped[str] = mapped_column(String(40))
    properties: Mapped[dict[str, list[str]]] = mapped_column(JSON, default=dict)
    caption: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(10), default="active")  # active | withdrawn
    # Bumped on every change the owner makes: holders and watchers learn of version n.
    version: Mapped[int] = mapped_column(Integer, default=1)
    handling_code: Mapped[str] = mapped_column(String(2), default="H0")
    handling_text: Mapped[str | None] = mapped_column(String(200))
    source_reliability: Mapped[str] = mapped_column(String(1), default="X")
    information_accuracy: Mapped[int] = mapped_column(Integer, default=4)
    recorded_on: Mapped[date] = mapped_column(Date)
    review_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date, index=True)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withdrawn_reason: Mapped[str | None] = mapped_column(String(300))


class RecordKey(Base):
    """One normalised identifier of an active record (kind: name, resident_id, passport, phone,
    account, plate, address), or `ref`: the id of a record it refers to (a case's persons,
    links and payments are found through it)."""

    __tablename__ = "record_keys"
    __table_args__ = (Index("ix_record_keys_kind_key", "kind", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("shared_records.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(200))


class RecordHolder(Base):
    """An agency other than the owner that has seen a record in full: it holds a copy, and hears
    of the owner's updates and withdrawal."""

    __tablename__ = "record_holders"

    record_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("shared_records.id", ondelete="CASCADE"), primary_key=True
    )
    agency_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("agencies.id"), primary_key=True)
    # No foreign key: API-token actors have no user row. The users told of changes.
    user_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    seen_version: Mapped[int] = mapped_column(Integer, default=1)


class Watch(IdMixin, Base):
    """A user's subscription to a person cluster, a phone or an account: they are told when an
    agency shares new data on it (within the sharing rules)."""

    __tablename__ = "record_watches"
    __table_args__ = (Index("ix_record_watches_kind_key", "kind", "key"),)

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    username: Mapped[str] = mapped_column(String(80))
    agency_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("agencies.id"))
    kind: Mapped[str] = mapped_column(String(10))  # cluster | phone | account
    key: Mapped[str] = mapped_column(String(200))
    label: Mapped[str] = mapped_column(String(200), default="")
    purpose: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
