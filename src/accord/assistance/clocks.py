"""The deadline of a request, on the kernel's SLA clock owed by the addressee: urgent 8
hours and high 3 days on the wall clock, routine 7 business days, or a deadline the requester
sets; paused while on hold. The kernel's sweep reminds and escalates."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.assistance.access import OBJECT_TYPE, InvalidRequest
from accord.assistance.kinds import (
    REMIND_BEFORE,
    ROUTINE_BUSINESS_DAYS,
    WALL_DEADLINES,
    Urgency,
)
from accord.assistance.models import AssistanceRequest
from accord.core import clock
from accord.deadlines import service as deadlines
from accord.deadlines.calendar import BusinessCalendar
from accord.deadlines.models import ClockPolicy, SlaClock
from accord.deadlines.transitions import OPEN as CLOCK_OPEN
from accord.deadlines.transitions import SlaStatus
from accord.security.actor import Actor

CLOCK_NAME = "assistance"


def clock_of(session: Session, request: AssistanceRequest) -> SlaClock | None:
    clocks = deadlines.clocks_for(session, object_type=OBJECT_TYPE, object_id=request.id)
    return clocks[-1] if clocks else None


@dataclass(frozen=True)
class ClockView:
    status: str
    policy: str
    due_at: datetime
    remaining_seconds: int
    overdue: bool
    escalated: bool


def clock_view(session: Session, request: AssistanceRequest) -> ClockView | None:
    return clock_views(session, [request]).get(request.id)


def clock_views(
    session: Session, requests: Sequence[AssistanceRequest]
) -> dict[uuid.UUID, ClockView]:
    """The deadline of each request that has one, for a page of requests in two queries."""
    if not requests:
        return {}
    latest: dict[uuid.UUID, SlaClock] = {}
    for c in session.scalars(
        select(SlaClock)
        .where(
            SlaClock.object_type == OBJECT_TYPE,
            SlaClock.object_id.in_([r.id for r in requests]),
        )
        .order_by(SlaClock.id)
    ):
        latest[c.object_id] = c  # a request's newest clock wins
    if not latest:
        return {}
    now = clock.now()
    needs_calendar = any(c.policy is ClockPolicy.BUSINESS for c in latest.values())
    cal = deadlines.business_calendar(session) if needs_calendar else None
    return {object_id: _view(c, now, cal) for object_id, c in latest.items()}


def _view(c: SlaClock, now: datetime, cal: BusinessCalendar | None) -> ClockView:
    left = deadlines.remaining(c, now, cal)
    stopped_late = (
        c.status is SlaStatus.STOPPED and c.stopped_at is not None and (c.stopped_at > c.due_at)
    )
    return ClockView(
        status=c.status.value,
        policy=c.policy.value,
        due_at=c.due_at,
        remaining_seconds=int(left.total_seconds()),
        overdue=(left < timedelta(0)) or stopped_late,
        escalated=c.escalated_at is not None,
    )


def start_clock(
    session: Session, actor: Actor, request: AssistanceRequest, deadline: datetime | None
) -> SlaClock:
    assert request.addressee_agency_id is not None
    urgency = Urgency(request.urgency)
    remind = REMIND_BEFORE[urgency]
    budget: timedelta | int
    if deadline is not None:
        span = deadline - clock.now()
        if not timedelta(minutes=5) <= span <= timedelta(days=366):
            raise InvalidRequest(
                "the deadline is between 5 minutes and a year from now", field="deadline"
            )
        budget, policy_ = span, ClockPolicy.WALL
        remind = min(remind, span / 4)
    elif urgency in WALL_DEADLINES:
        budget, policy_ = WALL_DEADLINES[urgency], ClockPolicy.WALL
    else:
        budget, policy_ = ROUTINE_BUSINESS_DAYS, ClockPolicy.BUSINESS
    return deadlines.start_clock(
        session,
        actor,
        object_type=OBJECT_TYPE,
        object_id=request.id,
        agency_id=request.addressee_agency_id,
        policy=policy_,
        budget=budget,
        remind_before=remind,
        name=CLOCK_NAME,
    )


def open_clocks(session: Session, request: AssistanceRequest) -> list[SlaClock]:
    return [
        c
        for c in deadlines.clocks_for(session, object_type=OBJECT_TYPE, object_id=request.id)
        if c.status in CLOCK_OPEN
    ]


def stop_clocks(session: Session, actor: Actor, request: AssistanceRequest, why: str) -> None:
    for c in open_clocks(session, request):
        deadlines.stop_clock(session, actor, c, reason=why)
