"""The overdue sweep: each open command past its deadline is announced once, to the owner
agency's liaisons and the zone's secretariat.

Safe to run twice, concurrently, or again after a crash (the pattern of `deadlines.sweep`):
each announcement is its own transaction that begins with the conditional
`UPDATE action_commands SET overdue_notified_for = deadline WHERE id = :id AND status is open AND
deadline < :now AND overdue_notified_for is not this deadline`; only the sweep whose statement
changed the row writes the notification and the audit event, in the same transaction. The
notification's dedupe key names the command and the deadline, too. A deadline extension makes a
new deadline, which gets its own single announcement once it passes.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Any, cast

from sqlalchemy import or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session, sessionmaker

from accord.audit import service as audit
from accord.core import clock
from accord.meetings.models import ActionCommand
from accord.meetings.transitions import OPEN
from accord.notify import service as notify
from accord.security.actor import Actor, Role
from accord.zones import service as zones_service
from accord.zones.models import Zone

log = logging.getLogger(__name__)

SWEEPER = "command-overdue-sweep"
BATCH = 500


def _due(factory: sessionmaker[Session], at: datetime) -> list[uuid.UUID]:
    with factory() as session:
        return list(
            session.scalars(
                select(ActionCommand.id)
                .where(*_unannounced(at))
                .order_by(ActionCommand.deadline)
                .limit(BATCH)
            )
        )


def _unannounced(at: datetime) -> list[Any]:
    return [
        ActionCommand.status.in_(OPEN),
        ActionCommand.deadline < at,
        or_(
            ActionCommand.overdue_notified_for.is_(None),
            ActionCommand.overdue_notified_for != ActionCommand.deadline,
        ),
    ]


def overdue_sweep(factory: sessionmaker[Session], *, now: datetime | None = None) -> int:
    """Announce every newly overdue command; returns how many this run announced."""
    at = now or clock.now()
    actor = Actor.system(SWEEPER)
    return sum(_one(factory, command_id, at, actor) for command_id in _due(factory, at))


def _one(factory: sessionmaker[Session], command_id: uuid.UUID, at: datetime, actor: Actor) -> int:
    with factory() as session:
        try:
            claimed = cast(
                CursorResult[Any],
                session.execute(
                    update(ActionCommand)
                    .where(ActionCommand.id == command_id, *_unannounced(at))
                    .values(overdue_notified_for=ActionCommand.deadline, overdue_notified_at=at)
                    .execution_options(synchronize_session=False)
                ),
            )
            if claimed.rowcount != 1:
                session.rollback()
                return 0
            command = session.get(ActionCommand, command_id)
            assert command is not None
            _announce(session, command, actor)
            session.commit()
        except Exception:
            # One command's failure must not stop the sweep; its claim rolls back with it.
            session.rollback()
            log.exception("overdue sweep failed on command %s", command_id)
            return 0
    return 1


def _announce(session: Session, command: ActionCommand, actor: Actor) -> None:
    zone = session.get(Zone, command.zone_id)
    assert zone is not None
    deadline = command.deadline.isoformat()
    users = zones_service.secretariat_users(session, zone.id)
    notify.enqueue(
        session,
        event="command.overdue",
        title=f"{zone.code} {command.reference} 已逾期 · overdue since {deadline}",
        reference=command.reference,
        link=f"/commands/{command.reference}",
        to_users=users,
        to_agencies=[command.owner_agency_id],
        to_roles=[Role.LIAISON],
        dedupe_key=f"command.overdue:{command.id}:{deadline}",
        data={"command_id": str(command.id), "deadline": deadline, "owner": command.owner.code},
    )
    audit.record(
        session,
        actor,
        action="action_command.overdue",
        object_type="action_command",
        object_id=command.id,
        detail={"reference": command.reference, "deadline": deadline, "owner": command.owner.code},
    )
