"""Enqueueing notifications (one call, in the same transaction as the change that causes them)
and the user's in-app inbox: unread count, listing, marking read."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable
from typing import Any, Literal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from accord.core import clock, handling
from accord.core.errors import InvalidInput, NotFound
from accord.core.ids import uuid7
from accord.core.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, decode_cursor, encode_cursor
from accord.notify.models import InboxItem, OutboxMessage
from accord.security import policy
from accord.security.actor import Actor, Role

CHANNELS = ("inbox", "live", "email", "webhook")


class InboxItemNotFound(NotFound):
    code = "inbox_item_not_found"
    title = "Notification not found"


class UnknownChannel(InvalidInput, ValueError):  # ValueError: what callers caught before
    code = "unknown_channel"
    title = "Unknown channel"


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
    handling_code: str | None = None,
    handling_text: str | None = None,
) -> OutboxMessage | None:
    """Queue a notification for delivery after commit.

    Recipients: the listed users, plus the users of the listed agencies who hold one of
    `to_roles` there (every user of the agency when no role is given); webhooks go to the
    subscriptions of those agencies and of the recipients' agencies. A `dedupe_key` already
    queued makes this a no-op that returns None, so a job that runs twice notifies once.

    `title` and `body` must cite references only: they go out by e-mail and webhook. `data` is
    kept for the application and never leaves the installation.
    """
    channels = list(channels)
    unknown = set(channels) - set(CHANNELS)
    if unknown:
        raise UnknownChannel(f"unknown channels {sorted(unknown)}", field="channels")
    if dedupe_key is not None:
        seen = session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
        )
        if seen is not None:
            return None
    code, text = handling.check(handling_code, handling_text)
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
        channels=channels,
        dedupe_key=dedupe_key,
        data=data,
        handling_code=code.value if code else None,
        handling_text=text,
    )
    session.add(message)
    session.flush()
    return message


# --- the inbox ------------------------------------------------------------------------------


def _own(actor: Actor) -> uuid.UUID | None:
    """The actor's user id, after checking they may read an inbox at all."""
    policy.require(actor, "inbox.read_own")
    return actor.user_id


def unread_count(session: Session, actor: Actor) -> int:
    user_id = _own(actor)
    return 0 if user_id is None else count_unread(session, user_id)


def count_unread(session: Session, user_id: uuid.UUID) -> int:
    """Unread notifications of a user (no permission check: for the live feed and jobs)."""
    count = session.scalar(
        select(func.count())
        .select_from(InboxItem)
        .where(InboxItem.user_id == user_id, InboxItem.read_at.is_(None))
    )
    return int(count or 0)


def list_inbox(
    session: Session,
    actor: Actor,
    *,
    unread_only: bool = False,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Page[InboxItem]:
    """The actor's notifications, newest first, a page at a time."""
    user_id = _own(actor)
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit must be between 1 and {MAX_LIMIT}", field="limit")
    if user_id is None:
        return Page(items=[], next_cursor=None)
    stmt = select(InboxItem).where(InboxItem.user_id == user_id)
    if unread_only:
        stmt = stmt.where(InboxItem.read_at.is_(None))
    if cursor:
        # Ids are UUIDv7 made at delivery, so id order is delivery order.
        (after,) = decode_cursor(cursor, 1)
        try:
            stmt = stmt.where(InboxItem.id < uuid.UUID(after))
        except ValueError as exc:
            raise InvalidInput("cursor is not one this server issued", field="cursor") from exc
    rows = list(session.scalars(stmt.order_by(InboxItem.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(items=rows, next_cursor=encode_cursor([rows[-1].id]) if more else None)


def mark_read(
    session: Session, actor: Actor, *, ids: Collection[uuid.UUID] | Literal["all"]
) -> int:
    """Mark the actor's notifications read: the listed ones, or all. Returns how many changed.

    An id that is not one of the actor's notifications refuses the whole call (nothing changes).
    """
    user_id = _own(actor)
    now = clock.now()
    if ids == "all":
        if user_id is None:
            return 0
        result = session.execute(
            update(InboxItem)
            .where(InboxItem.user_id == user_id, InboxItem.read_at.is_(None))
            .values(read_at=now)
        )
        session.flush()
        return int(result.rowcount)  # type: ignore[attr-defined]  # CursorResult of an UPDATE
    wanted = set(ids)
    if not wanted:
        raise InvalidInput("name at least one notification, or all", field="ids")
    found = set(
        session.scalars(
            select(InboxItem.id).where(InboxItem.id.in_(wanted), InboxItem.user_id == user_id)
        )
    )
    missing = wanted - found
    if user_id is None or missing:
        raise InboxItemNotFound(
            f"no notification {sorted(str(m) for m in missing)[0]} in your inbox", field="ids"
        )
    result = session.execute(
        update(InboxItem)
        .where(InboxItem.id.in_(wanted), InboxItem.read_at.is_(None))
        .values(read_at=now)
    )
    session.flush()
    return int(result.rowcount)  # type: ignore[attr-defined]  # CursorResult of an UPDATE
