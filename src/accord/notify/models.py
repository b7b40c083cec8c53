"""The transactional outbox: rows written with the change, delivered after commit by the worker."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text, Uuid
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
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
