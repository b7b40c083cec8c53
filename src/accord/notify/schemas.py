"""API shapes of the inbox, 'my work' and webhook subscriptions."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, model_validator

from accord.notify.work import Urgency


class InboxItemOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    message_id: uuid.UUID
    event: str
    title: str
    reference: str | None
    link: str | None
    created_at: datetime
    read_at: datetime | None


class InboxPage(BaseModel):
    items: list[InboxItemOut]
    next_cursor: str | None
    unread: int


class UnreadCount(BaseModel):
    unread: int


class MarkRead(BaseModel):
    """Either `ids` of notifications, or `all: true`."""

    model_config = ConfigDict(extra="forbid")

    ids: list[uuid.UUID] = Field(default_factory=list, max_length=500)
    all: bool = False

    @model_validator(mode="after")
    def _one_of(self) -> MarkRead:
        if self.all == bool(self.ids):
            raise ValueError("give either ids or all: true")
        return self


class MarkedRead(BaseModel):
    marked: int
    unread: int


class WorkItemOut(BaseModel):
    kind: str
    title: str
    reference: str | None
    link: str | None
    deadline: datetime | None
    status: str
    agency_code: str | None
    urgency: Urgency


class WebhookIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    agency: str = Field(min_length=1, max_length=20, description="Agency code")
    url: str = Field(min_length=1, max_length=500)
    events: list[str] = Field(default_factory=list, max_length=50)


class WebhookOut(BaseModel):
    id: uuid.UUID
    agency: str
    url: str
    events: list[str]
    active: bool
    created_at: datetime


class WebhookCreated(WebhookOut):
    secret: str = Field(description="Shown once: keep it to verify signatures")
