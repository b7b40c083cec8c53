"""Shared helpers of the deadline and kernel tests: a clock on a named agency, event lists."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.agencies.models import Agency
from accord.audit.models import AuditEvent
from accord.deadlines import service
from accord.deadlines.models import ClockPolicy, SlaClock
from accord.notify.models import OutboxMessage
from accord.security.actor import Actor

CST = ZoneInfo("Asia/Shanghai")


def cst(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An instant given in China Standard Time, as UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=CST).astimezone(UTC)


def start(
    session: Session,
    agency: Agency,
    *,
    policy: ClockPolicy = ClockPolicy.WALL,
    budget: timedelta | int = timedelta(hours=8),
    remind_before: timedelta | None = None,
    actor: Actor | None = None,
) -> SlaClock:
    """A committed clock owed by `agency` on a made-up object."""
    clock = service.start_clock(
        session,
        actor or Actor.system("test"),
        object_type="assistance_request",
        object_id=uuid.uuid4(),
        agency_id=agency.id,
        policy=policy,
        budget=budget,
        remind_before=remind_before,
    )
    session.commit()
    return clock


def actions(session: Session, object_id: object) -> list[str]:
    """The audit actions recorded on an object, in the order they were written."""
    return list(
        session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.object_id == str(object_id))
            .order_by(AuditEvent.id)
        )
    )


def count_events(session: Session, action: str) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
        )
        or 0
    )


def outbox(session: Session, event: str) -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage).where(OutboxMessage.event == event).order_by(OutboxMessage.id)
        )
    )
