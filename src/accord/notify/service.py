"""Enqueueing notifications: one call, in the same transaction as the change that causes them."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.core import clock
from accord.core.ids import uuid7
from accord.notify.models import OutboxMessage
from accord.security.actor import Role

CHANNELS = ("inbox", "live", "email", "webhook")


def enqueue(
    session: Session,
    *,
    event: str,
    title: str,
    body: str = "",
    reference: str | None = None,
    link: str | None = None,
    to_users: Iterable[uuid.UUID] = (),
    to_agencies: Iterable[uuid.UUID] = (),
    to_roles: Iterable[Role] = (),
    channels: Iterable[str] = CHANNELS,
    dedupe_key: str | None = None,
    data: dict[str, Any] | None = None,
) -> OutboxMessage | None:
    """Queue a notification for delivery after commit.

    Recipients: the listed users, plus the users of the listed agencies who hold one of
    `to_roles` there (every user of the agency when no role is given). A `dedupe_key` already
    queued makes this a no-op that returns None, so a job that runs twice notifies once.
    """
    if dedupe_key is not None:
        seen = session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
        )
        if seen is not None:
            return None
    unknown = set(channels) - set(CHANNELS)
    if unknown:
        raise ValueError(f"unknown channels {sorted(unknown)}")
    message = OutboxMessage(
        id=uuid7(),
        created_at=clock.now(),
        event=event,
        title=title,
        body=body,
        reference=reference,
        link=link,
        recipients={
            "users": [str(u) for u in to_users],
            "agencies": [str(a) for a in to_agencies],
            "roles": [str(r) for r in to_roles],
        },
        channels=list(channels),
        dedupe_key=dedupe_key,
        data=data,
    )
    session.add(message)
    session.flush()
    return message
