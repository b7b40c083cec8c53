"""Writing audit events: one call, in the same transaction as the change it records."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from accord.audit.models import AuditEvent, AuditSubject
from accord.core import clock
from accord.core.ids import uuid7
from accord.security.actor import Actor


@dataclass(frozen=True)
class Subject:
    """Whom or what an event concerns: `kind` (resident_id, passport, plate, phone, account,
    entity, user, agency) and a key normalised so that every spelling finds the same rows."""

    kind: str
    key: str


def record(
    session: Session,
    actor: Actor,
    *,
    action: str,
    object_type: str | None = None,
    object_id: object | None = None,
    purpose: str | None = None,
    case_ref: str | None = None,
    outcome: str = "ok",
    subjects: Iterable[Subject] = (),
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event (and its subjects) to the session; the caller's commit makes it durable."""
    event = AuditEvent(
        id=uuid7(),
        occurred_at=clock.now(),
        actor_user_id=actor.user_id,
        actor_username=actor.username,
        actor_agency_id=actor.agency_id,
        via=actor.via,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        purpose=purpose,
        case_ref=case_ref,
        outcome=outcome,
        client_addr=actor.client_addr,
        detail=detail,
    )
    session.add(event)
    session.flush()
    keys = {(s.kind, s.key) for s in subjects}
    session.add_all(AuditSubject(event_id=event.id, kind=k, key=v) for k, v in sorted(keys))
    session.flush()
    return event
