"""The actor's open deadlines, for the "my work" page (adapted to notify's WorkItem there)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.deadlines.models import SlaClock
from accord.deadlines.transitions import OPEN, SlaStatus
from accord.security.actor import Actor


@dataclass(frozen=True)
class OpenClock:
    object_type: str
    object_id: uuid.UUID
    agency_id: uuid.UUID
    due_at: datetime
    status: SlaStatus
    clock_id: uuid.UUID
    name: str
    escalated: bool


def open_clocks_for(session: Session, actor: Actor) -> list[OpenClock]:
    """The running and paused clocks owed by the actor's agency, soonest deadline first."""
    if actor.agency_id is None:
        return []
    rows = session.scalars(
        select(SlaClock)
        .where(SlaClock.agency_id == actor.agency_id, SlaClock.status.in_(OPEN))
        .order_by(SlaClock.due_at, SlaClock.id)
    )
    return [
        OpenClock(
            object_type=c.object_type,
            object_id=c.object_id,
            agency_id=c.agency_id,
            due_at=c.due_at,
            status=c.status,
            clock_id=c.id,
            name=c.name,
            escalated=c.escalated_at is not None,
        )
        for c in rows
    ]
