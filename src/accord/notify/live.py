"""Live pages: a server-sent event stream of the signed-in user's new notifications.

The worker that writes the feed may be another process, so the stream polls the `notify_live`
table about once a second with short sessions of its own (never a transaction held open for the
life of the connection). The SSE event id is the feed's `seq`, so a browser that reconnects
with `Last-Event-ID` gets what it missed; a comment line every 15 seconds keeps proxies from
closing an idle stream.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio
from fastapi import Request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.notify.models import LiveEvent
from accord.notify.service import count_unread

POLL_SECONDS = 1.0
HEARTBEAT_SECONDS = 15.0
RETRY_MS = 3000
BATCH = 100


def latest_seq(factory: Callable[[], Session], user_id: uuid.UUID) -> int:
    session = factory()
    try:
        return int(
            session.scalar(select(func.max(LiveEvent.seq)).where(LiveEvent.user_id == user_id)) or 0
        )
    finally:
        session.rollback()
        session.close()


def events_since(
    factory: Callable[[], Session], user_id: uuid.UUID, after: int
) -> list[tuple[int, dict[str, Any]]]:
    """The user's feed after `after`, each payload with the unread count as of now."""
    session = factory()
    try:
        rows = session.execute(
            select(LiveEvent.seq, LiveEvent.payload)
            .where(LiveEvent.user_id == user_id, LiveEvent.seq > after)
            .order_by(LiveEvent.seq)
            .limit(BATCH)
        ).all()
        if not rows:
            return []
        unread = count_unread(session, user_id)
        return [(seq, {**payload, "unread": unread}) for seq, payload in rows]
    finally:
        session.rollback()
        session.close()


def format_event(seq: int, payload: dict[str, Any]) -> str:
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return f"id: {seq}\nevent: notification\ndata: {data}\n\n"


def parse_last_event_id(value: str | None) -> int | None:
    if value is None or not value.strip().isdigit():
        return None
    return int(value.strip())


async def stream(
    request: Request, user_id: uuid.UUID, *, last_event_id: int | None
) -> AsyncIterator[str]:
    """Yield SSE frames for `user_id` until the client goes away."""
    factory: Callable[[], Session] = request.app.state.sessionmaker
    yield f"retry: {RETRY_MS}\n\n"
    after = last_event_id
    if after is None:
        # A fresh page starts from now: it rendered the current state already.
        after = await anyio.to_thread.run_sync(latest_seq, factory, user_id)
    beat = time.monotonic()
    while True:
        if await request.is_disconnected():
            return
        for seq, payload in await anyio.to_thread.run_sync(events_since, factory, user_id, after):
            yield format_event(seq, payload)
            after = seq
        if time.monotonic() - beat >= HEARTBEAT_SECONDS:
            yield ": heartbeat\n\n"
            beat = time.monotonic()
        await anyio.sleep(POLL_SECONDS)
