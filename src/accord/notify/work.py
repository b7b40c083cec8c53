"""'My work': the user's open items from every domain, soonest deadline first.

Each domain appends a provider to `PROVIDERS`: a function of (session, actor) returning the
actor's open items as `WorkItem`s, already scoped by the domain's own policy. The inbox's unread
notifications are the first provider.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.core import clock
from accord.notify.models import InboxItem
from accord.security import policy
from accord.security.actor import Actor

DUE_SOON = timedelta(hours=24)
MAX_NOTIFICATIONS = 50  # the inbox page holds the rest

Urgency = Literal["overdue", "due_soon", "ok"]


@dataclass(frozen=True)
class WorkItem:
    kind: str  # e.g. "notification", "assistance_request", "hit_followup"
    title: str
    reference: str | None
    link: str | None
    deadline: datetime | None
    status: str
    agency_code: str | None = None

    def urgency(self, now: datetime) -> Urgency:
        """`overdue`, `due_soon` (within a day) or `ok`; what the page highlights."""
        if self.deadline is None:
            return "ok"
        if self.deadline < now:
            return "overdue"
        if self.deadline - now <= DUE_SOON:
            return "due_soon"
        return "ok"


Provider = Callable[[Session, Actor], list[WorkItem]]


def unread_notifications(session: Session, actor: Actor) -> list[WorkItem]:
    """The actor's unread notifications: something to look at, with no deadline of its own."""
    if actor.user_id is None or not policy.allows(actor, "inbox.read_own"):
        return []
    rows = session.scalars(
        select(InboxItem)
        .where(InboxItem.user_id == actor.user_id, InboxItem.read_at.is_(None))
        .order_by(InboxItem.id.desc())
        .limit(MAX_NOTIFICATIONS)
    )
    return [
        WorkItem(
            kind="notification",
            title=row.title,
            reference=row.reference,
            link=row.link,
            deadline=None,
            status="unread",
        )
        for row in rows
    ]


PROVIDERS: list[Provider] = [unread_notifications]


def my_work(session: Session, actor: Actor) -> list[WorkItem]:
    """Every provider's items, by deadline (items without one last, newest notifications first
    among those as each provider returned them)."""
    policy.require(actor, "work.read_own")
    items: list[WorkItem] = []
    for provider in PROVIDERS:
        items.extend(provider(session, actor))
    far = clock.now() + timedelta(days=365 * 1000)
    indexed = list(enumerate(items))
    indexed.sort(key=lambda pair: (pair[1].deadline is None, pair[1].deadline or far, pair[0]))
    return [item for _, item in indexed]
