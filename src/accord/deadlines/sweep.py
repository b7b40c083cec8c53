"""The deadline sweep: reminders before a deadline and escalation after it, each exactly once.

The sweep may run twice at the same time (two workers, or a worker and an operator) and may
be re-run after a crash. Each reminder or escalation is its own transaction that begins with a
conditional `UPDATE sla_clocks SET escalated_at=:now ... WHERE id=:id AND escalated_at IS
NULL AND status='running' AND due_at <= :now`: only the sweep whose statement changed the row
goes on to write the audit event and the notification, in that same transaction. A concurrent
twin's statement waits for the row and then matches nothing (PostgreSQL re-checks the WHERE
on the committed row; SQLite lets one writer in at a time, and the statement comes first so its
snapshot is taken after the other's commit). The notifications also carry a dedupe key.

Escalation goes to the owing agency's parent; an agency without one (foreign police, or the
Ministry) escalates to the secretariat of its cooperation zone, found by the resolvers that
the zones package registers in `ZONE_SECRETARIAT_RESOLVERS` (and whose members it names through
`ZONE_SECRETARIAT_USERS`); with neither, to the platform's administrators.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session, sessionmaker

from accord.agencies.models import Agency
from accord.audit import service as audit
from accord.core import clock as clock_source
from accord.core.refs import ReferenceEntry
from accord.deadlines.models import SlaClock
from accord.deadlines.transitions import SlaStatus
from accord.notify import service as notify
from accord.security.actor import Actor, Role

log = logging.getLogger(__name__)

# (session, agency_id) -> the zone whose secretariat takes escalations for that agency, or None.
ZoneSecretariatResolver = Callable[[Session, uuid.UUID], uuid.UUID | None]
ZONE_SECRETARIAT_RESOLVERS: list[ZoneSecretariatResolver] = []
# (session, zone_id) -> the users of that zone's secretariat (zone roles are per zone, so a
# role alone would reach every zone's secretariat).
ZoneSecretariatUsers = Callable[[Session, uuid.UUID], list[uuid.UUID]]
ZONE_SECRETARIAT_USERS: list[ZoneSecretariatUsers] = []

SWEEPER = "deadline-sweep"
BATCH = 500


@dataclass(frozen=True)
class SweepResult:
    reminded: int
    escalated: int


def sweep(session_factory: sessionmaker[Session], *, now: datetime | None = None) -> SweepResult:
    """Send the reminders and escalations that are due; safe to run twice or concurrently."""
    at = now or clock_source.now()
    actor = Actor.system(SWEEPER)
    reminded = escalated = 0
    for clock_id in _due_reminders(session_factory, at):
        reminded += _one(session_factory, clock_id, at, actor, _remind)
    for clock_id in _due_escalations(session_factory, at):
        escalated += _one(session_factory, clock_id, at, actor, _escalate)
    return SweepResult(reminded=reminded, escalated=escalated)


def _due_reminders(factory: sessionmaker[Session], at: datetime) -> list[uuid.UUID]:
    with factory() as session:
        return list(
            session.scalars(
                select(SlaClock.id)
                .where(
                    SlaClock.status == SlaStatus.RUNNING,
                    SlaClock.reminded_at.is_(None),
                    SlaClock.remind_at <= at,
                    SlaClock.due_at > at,  # past the deadline, escalation says it all
                )
                .order_by(SlaClock.due_at)
                .limit(BATCH)
            )
        )


def _due_escalations(factory: sessionmaker[Session], at: datetime) -> list[uuid.UUID]:
    with factory() as session:
        return list(
            session.scalars(
                select(SlaClock.id)
                .where(
                    SlaClock.status == SlaStatus.RUNNING,
                    SlaClock.escalated_at.is_(None),
                    SlaClock.due_at <= at,
                )
                .order_by(SlaClock.due_at)
                .limit(BATCH)
            )
        )


Step = Callable[[Session, SlaClock, datetime, Actor], None]


def _one(
    factory: sessionmaker[Session], clock_id: uuid.UUID, at: datetime, actor: Actor, step: Step
) -> int:
    """Claim and carry out one reminder or escalation in a transaction; 1 if this sweep did."""
    column = SlaClock.reminded_at if step is _remind else SlaClock.escalated_at
    conditions = [SlaClock.id == clock_id, column.is_(None), SlaClock.status == SlaStatus.RUNNING]
    if step is _remind:
        conditions += [SlaClock.remind_at <= at, SlaClock.due_at > at]
    else:
        conditions.append(SlaClock.due_at <= at)
    with factory() as session:
        try:
            claimed = cast(
                CursorResult[Any],
                session.execute(
                    update(SlaClock)
                    .where(*conditions)
                    .values({column.key: at, "version": SlaClock.version + 1})
                    .execution_options(synchronize_session=False)
                ),
            )
            if claimed.rowcount != 1:
                session.rollback()
                return 0
            found = session.get(SlaClock, clock_id)
            assert found is not None
            step(session, found, at, actor)
            session.commit()
        except Exception:
            # One clock's failure must not stop the sweep; its claim rolls back with it, so
            # the next sweep tries again.
            session.rollback()
            log.exception("deadline sweep failed on clock %s", clock_id)
            return 0
    return 1


def _reference(session: Session, c: SlaClock) -> str | None:
    return session.scalar(
        select(ReferenceEntry.reference).where(ReferenceEntry.object_id == c.object_id).limit(1)
    )


def _data(c: SlaClock, reference: str | None) -> dict[str, Any]:
    return {
        "clock_id": str(c.id),
        "object_type": c.object_type,
        "object_id": str(c.object_id),
        "name": c.name,
        "agency_id": str(c.agency_id),
        "due_at": c.due_at.isoformat(),
        "reference": reference,
    }


def _remind(session: Session, c: SlaClock, at: datetime, actor: Actor) -> None:
    reference = _reference(session, c)
    what = reference or c.object_type
    notify.enqueue(
        session,
        event="sla.reminder",
        title=f"Deadline approaching: {what} is due at {c.due_at.isoformat()}",
        reference=reference,
        to_agencies=[c.agency_id],
        to_roles=[Role.LIAISON],
        dedupe_key=f"sla:{c.id}:reminder",
        data=_data(c, reference),
    )
    audit.record(
        session,
        actor,
        action="sla.reminded",
        object_type="sla_clock",
        object_id=c.id,
        detail={"due_at": c.due_at.isoformat(), "object_type": c.object_type},
    )


def _escalate(session: Session, c: SlaClock, at: datetime, actor: Actor) -> None:
    agency = session.get(Agency, c.agency_id)
    assert agency is not None  # the foreign key holds
    reference = _reference(session, c)
    what = reference or c.object_type
    data = _data(c, reference)
    title = f"Deadline missed: {what} was due at {c.due_at.isoformat()} ({agency.code})"
    target: dict[str, Any]
    if agency.parent_id is not None:
        c.escalated_to_agency_id = agency.parent_id
        target = {"agency_id": str(agency.parent_id)}
        notify.enqueue(
            session,
            event="sla.escalated",
            title=title,
            reference=reference,
            to_agencies=[agency.parent_id],
            to_roles=[Role.LIAISON, Role.COMMANDER],
            dedupe_key=f"sla:{c.id}:escalation",
            data=data,
        )
    elif (zone_id := _zone_of(session, agency.id)) is not None:
        c.escalated_to_zone_id = zone_id
        target = {"zone_id": str(zone_id)}
        users = [u for find in ZONE_SECRETARIAT_USERS for u in find(session, zone_id)]
        notify.enqueue(
            session,
            event="sla.escalated",
            title=title,
            reference=reference,
            to_users=users,
            # Until the zone names its secretariat, the platform's administrators hear of it.
            to_roles=[] if users else [Role.PLATFORM_ADMIN],
            dedupe_key=f"sla:{c.id}:escalation",
            data={**data, "zone_id": str(zone_id)},
        )
    else:
        target = {"platform": True, "why": "no parent agency or zone"}
        notify.enqueue(
            session,
            event="sla.escalated",
            title=title,
            reference=reference,
            to_roles=[Role.PLATFORM_ADMIN],
            dedupe_key=f"sla:{c.id}:escalation",
            data={**data, "why": "no parent agency or zone"},
        )
    session.flush()
    audit.record(
        session,
        actor,
        action="sla.escalated",
        object_type="sla_clock",
        object_id=c.id,
        detail={"due_at": c.due_at.isoformat(), "object_type": c.object_type, **target},
    )


def _zone_of(session: Session, agency_id: uuid.UUID) -> uuid.UUID | None:
    for resolver in ZONE_SECRETARIAT_RESOLVERS:
        zone_id = resolver(session, agency_id)
        if zone_id is not None:
            return zone_id
    return None
