"""Notification tables: the outbox, one delivery per (message, channel, recipient), the in-app
inbox, the live-page feed the SSE endpoint polls, and agencies' webhook subscriptions.

The outbox row is written in the same transaction as the change; everything else is written by
the worker after commit. Recipients are user ids without a foreign key, so that the notify tables
do not depend on how the security package stores its users.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from accord.core.db import Base, UTCDateTime
from accord.core.ids import uuid7


class OutboxMessage(Base):
    """One notification to deliver. Title and body never carry personal data, only references."""

    __tablename__ = "notify_outbox"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    event: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    reference: Mapped[str | None] = mapped_column(String(40))
    link: Mapped[str | None] = mapped_column(String(500))
    recipients: Mapped[dict[str, Any]] = mapped_column(JSON)
    channels: Mapped[list[str]] = mapped_column(JSON)
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    handling_code: Mapped[str | None] = mapped_column(String(2))
    handling_text: Mapped[str | None] = mapped_column(String(200))
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"  # refused for good (a relay's 5xx): not retried
    DEAD = "dead"  # gave up after the last attempt
    SKIPPED = "skipped"  # the channel is not configured or the recipient has no address


class Delivery(Base):
    """One message on one channel to one recipient; the unique key makes dispatch idempotent.

    `recipient_key` is the user id for inbox, live and e-mail, and the subscription id for
    webhooks. The delivery id is the idempotency key a webhook receiver sees.
    """

    __tablename__ = "notify_deliveries"
    __table_args__ = (
        UniqueConstraint("message_id", "channel", "recipient_key"),
        Index("ix_notify_deliveries_due", "status", "next_attempt_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)
    message_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("notify_outbox.id", ondelete="CASCADE")
    )
    channel: Mapped[str] = mapped_column(String(16))
    recipient_key: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    webhook_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("notify_webhooks.id", ondelete="CASCADE")
    )
    address: Mapped[str | None] = mapped_column(String(320))
    locale: Mapped[str] = mapped_column(String(8), default="zh")
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class InboxItem(Base):
    """A notification in one user's in-app inbox; unread while `read_at` is empty."""

    __tablename__ = "notify_inbox"
    __table_args__ = (
        UniqueConstraint("user_id", "message_id"),
        Index("ix_notify_inbox_unread", "user_id", "read_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    message_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("notify_outbox.id", ondelete="CASCADE")
    )
    event: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(300))
    reference: Mapped[str | None] = mapped_column(String(40))
    link: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LiveEvent(Base):
    """A notification waiting to be pushed to the user's open pages; `seq` is the SSE event id.

    The worker and the web server may be separate processes, so the feed goes through the
    database: the SSE endpoint polls for rows with a `seq` above the last one it sent.
    """

    __tablename__ = "notify_live"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class Webhook(Base):
    """An agency's subscription: notifications to the agency are POSTed, signed, to `url`."""

    __tablename__ = "notify_webhooks"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid7)
    agency_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("agencies.id", ondelete="CASCADE"), index=True
    )
    url: Mapped[str] = mapped_column(String(500))
    # Kept in clear because signing needs it; shown to the administrator once, at creation.
    secret: Mapped[str] = mapped_column(String(128))
    events: Mapped[list[str]] = mapped_column(JSON)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
