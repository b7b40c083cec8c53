"""Writing audit events (one call, in the same transaction as the change it records) and reading
them: who looked at a subject, the event log, the chain's verification.

`record()` only INSERTs; it never touches the hash chain, so recording never waits on another
transaction (see `accord.audit.chain` for how the chainer orders events afterwards).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, false, insert, select
from sqlalchemy.orm import Session

from accord.agencies import service as agencies_service
from accord.agencies.models import Agency
from accord.audit import chain
from accord.audit.models import AuditEvent, AuditSubject
from accord.audit.subjects import InvalidSubject, Subject, parse_subject
from accord.core import clock
from accord.core.errors import DomainError, InvalidInput
from accord.core.ids import uuid7
from accord.core.pagination import DEFAULT_LIMIT, Page, paginate
from accord.security import policy
from accord.security.actor import Actor

__all__ = [
    "AuditChainBroken",
    "InvalidAuditQuery",
    "InvalidSubject",
    "Look",
    "Subject",
    "list_events",
    "parse_subject",
    "recent_events",
    "record",
    "subjects_of",
    "verify_chain",
    "who_looked",
]

WHO_LOOKED_MAX = 1000


class InvalidAuditQuery(InvalidInput):
    code = "invalid_audit_query"
    title = "Invalid audit query"


class AuditChainBroken(DomainError):
    """The chain does not verify; the detail is the one line `accord audit verify` prints."""

    status = 409
    code = "audit_chain_broken"
    title = "Audit chain broken"


# --- writing ----------------------------------------------------------------------------------


def actor_roles(actor: Actor) -> list[str]:
    """The roles the actor holds, as recorded on each event (for the query-volume report)."""
    return sorted({str(g.role) for g in actor.grants})


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
    """Append one event (and its subjects) to the session; the caller's commit makes it durable.

    The actor's roles are kept in `detail["actor_roles"]` (unless the caller set that key), so
    reports can compare a user with the others of the same role as they were at the time.
    """
    details = dict(detail or {})
    details.setdefault("actor_roles", actor_roles(actor))
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
        detail=details,
    )
    session.add(event)
    session.flush()
    keys = {(s.kind, s.key) for s in subjects}
    session.add_all(AuditSubject(event_id=event.id, kind=k, key=v) for k, v in sorted(keys))
    session.flush()
    return event


@dataclass(frozen=True)
class EventSpec:
    """One event of a `record_many` batch."""

    action: str
    object_type: str | None = None
    object_id: object | None = None
    purpose: str | None = None
    case_ref: str | None = None
    outcome: str = "ok"
    subjects: tuple[Subject, ...] = ()
    detail: dict[str, Any] | None = None


def record_many(session: Session, actor: Actor, events: Sequence[EventSpec]) -> int:
    """Append many events of one actor in two bulk inserts (batch screening audits every
    probe); the same rows `record` would write, without a flush per event."""
    if not events:
        return 0
    at = clock.now()
    roles = actor_roles(actor)
    rows: list[dict[str, Any]] = []
    subject_rows: list[dict[str, Any]] = []
    for spec in events:
        event_id = uuid7()
        details = dict(spec.detail or {})
        details.setdefault("actor_roles", roles)
        rows.append(
            {
                "id": event_id,
                "occurred_at": at,
                "actor_user_id": actor.user_id,
                "actor_username": actor.username,
                "actor_agency_id": actor.agency_id,
                "via": actor.via,
                "action": spec.action,
                "object_type": spec.object_type,
                "object_id": None if spec.object_id is None else str(spec.object_id),
                "purpose": spec.purpose,
                "case_ref": spec.case_ref,
                "outcome": spec.outcome,
                "client_addr": actor.client_addr,
                "detail": details,
            }
        )
        keys = {(s.kind, s.key) for s in spec.subjects}
        subject_rows.extend({"event_id": event_id, "kind": k, "key": v} for k, v in sorted(keys))
    session.execute(insert(AuditEvent), rows)
    if subject_rows:
        session.execute(insert(AuditSubject), subject_rows)
    return len(rows)


# --- reading ----------------------------------------------------------------------------------


def readable(session: Session, actor: Actor) -> ColumnElement[bool] | None:
    """The events the actor may read: those of agencies where they hold `audit.read` (None:
    every event, for platform-wide roles). Refuses actors without the permission."""
    policy.require(actor, "audit.read")
    scope = policy.agencies_in_scope(session, actor, "audit.read")
    if scope is policy.ALL:
        return None
    if not scope:
        return false()
    return AuditEvent.actor_agency_id.in_(scope)


@dataclass(frozen=True)
class Look:
    """One time someone looked at (or acted on) a subject."""

    event_id: uuid.UUID
    occurred_at: datetime
    username: str
    agency_code: str | None
    action: str
    object_type: str | None
    object_id: str | None
    purpose: str | None
    case_ref: str | None
    outcome: str
    via: str
    client_addr: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "event_id": str(self.event_id),
            "occurred_at": self.occurred_at.isoformat(),
            "username": self.username,
            "agency_code": self.agency_code,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "purpose": self.purpose,
            "case_ref": self.case_ref,
            "outcome": self.outcome,
            "via": self.via,
            "client_addr": self.client_addr,
        }


def _check_period(since: datetime | None, until: datetime | None) -> None:
    for name, value in (("since", since), ("until", until)):
        if value is not None and value.tzinfo is None:
            raise InvalidAuditQuery(f"{name} needs a time zone offset", field=name)
    if since is not None and until is not None and until < since:
        raise InvalidAuditQuery("until is before since", field="until")


def who_looked_query(
    subject: Subject,
    *,
    scope: ColumnElement[bool] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 200,
) -> Select[*tuple[Any, ...]]:
    """The one query behind "who looked": the subjects index (kind, key) joined to the events."""
    stmt: Select[*tuple[Any, ...]] = (
        select(
            AuditEvent.id,
            AuditEvent.occurred_at,
            AuditEvent.actor_username,
            Agency.code,
            AuditEvent.action,
            AuditEvent.object_type,
            AuditEvent.object_id,
            AuditEvent.purpose,
            AuditEvent.case_ref,
            AuditEvent.outcome,
            AuditEvent.via,
            AuditEvent.client_addr,
        )
        .select_from(AuditSubject)
        .join(AuditEvent, AuditEvent.id == AuditSubject.event_id)
        .outerjoin(Agency, Agency.id == AuditEvent.actor_agency_id)
        .where(AuditSubject.kind == subject.kind, AuditSubject.key == subject.key)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .limit(limit)
    )
    if scope is not None:
        stmt = stmt.where(scope)
    if since is not None:
        stmt = stmt.where(AuditEvent.occurred_at >= since)
    if until is not None:
        stmt = stmt.where(AuditEvent.occurred_at < until)
    return stmt


def who_looked(
    session: Session,
    actor: Actor,
    subject: Subject,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 200,
    purpose: str | None = None,
    case_ref: str | None = None,
) -> list[Look]:
    """Who looked at `subject`, when and why, newest first: one query over the subjects index.

    The question is itself audited (`audit.who_looked`, with the subject), so an auditor's
    curiosity is on file like anyone's.
    """
    scope = readable(session, actor)
    if not 1 <= limit <= WHO_LOOKED_MAX:
        raise InvalidAuditQuery(f"limit must be between 1 and {WHO_LOOKED_MAX}", field="limit")
    _check_period(since, until)
    stmt = who_looked_query(subject, scope=scope, since=since, until=until, limit=limit)
    looks = [
        Look(
            event_id=row[0],
            occurred_at=row[1],
            username=row[2],
            agency_code=row[3],
            action=row[4],
            object_type=row[5],
            object_id=row[6],
            purpose=row[7],
            case_ref=row[8],
            outcome=row[9],
            via=row[10],
            client_addr=row[11],
        )
        for row in session.execute(stmt)
    ]
    record(
        session,
        actor,
        action="audit.who_looked",
        object_type="subject",
        object_id=str(subject)[:64],
        purpose=purpose,
        case_ref=case_ref,
        subjects=[subject],
        detail={"results": len(looks)},
    )
    return looks


def _event_filters(
    session: Session,
    actor: Actor,
    *,
    action: str | None,
    user: str | None,
    agency: str | None,
    since: datetime | None,
    until: datetime | None,
) -> list[ColumnElement[bool]]:
    _check_period(since, until)
    conditions: list[ColumnElement[bool]] = []
    scope = readable(session, actor)
    if scope is not None:
        conditions.append(scope)
    if action:
        escaped = action.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(AuditEvent.action.like(escaped + "%", escape="\\"))
    if user:
        conditions.append(AuditEvent.actor_username == user.strip())
    if agency:
        found = agencies_service.find_by_code(session, agency)
        if found is None:
            raise InvalidAuditQuery(f"no agency has the code {agency!r}", field="agency")
        conditions.append(AuditEvent.actor_agency_id == found.id)
    if since is not None:
        conditions.append(AuditEvent.occurred_at >= since)
    if until is not None:
        conditions.append(AuditEvent.occurred_at < until)
    return conditions


def list_events(
    session: Session,
    actor: Actor,
    *,
    action: str | None = None,
    user: str | None = None,
    agency: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Page[AuditEvent]:
    """Events in the order they were recorded (UUIDv7 order), a page at a time.

    `action` matches as a prefix (`check.` finds every check), `user` is a username and
    `agency` an agency code. Oldest first, so a client can follow the log with its cursor.
    """
    conditions = _event_filters(
        session, actor, action=action, user=user, agency=agency, since=since, until=until
    )
    stmt = select(AuditEvent).where(*conditions)
    return paginate(session, stmt, keys=[AuditEvent.id], cursor=cursor, limit=limit)


def recent_events(
    session: Session,
    actor: Actor,
    *,
    action: str | None = None,
    user: str | None = None,
    agency: str | None = None,
    limit: int = 100,
) -> list[AuditEvent]:
    """The newest events matching the filters (for the auditor's page)."""
    conditions = _event_filters(
        session, actor, action=action, user=user, agency=agency, since=None, until=None
    )
    stmt = select(AuditEvent).where(*conditions).order_by(AuditEvent.id.desc()).limit(limit)
    return list(session.scalars(stmt))


def subjects_of(
    session: Session, event_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[Subject]]:
    """The subjects of each of the events, sorted."""
    found: dict[uuid.UUID, list[Subject]] = {}
    if not event_ids:
        return found
    rows = session.execute(
        select(AuditSubject.event_id, AuditSubject.kind, AuditSubject.key)
        .where(AuditSubject.event_id.in_(event_ids))
        .order_by(AuditSubject.kind, AuditSubject.key)
    )
    for event_id, kind, key in rows:
        found.setdefault(event_id, []).append(Subject(kind, key))
    return found


def agency_codes(
    session: Session, agency_ids: Iterable[uuid.UUID | None]
) -> dict[uuid.UUID | None, str]:
    """Agency codes by id, for showing events."""
    ids = {a for a in agency_ids if a is not None}
    if not ids:
        return {}
    rows = session.execute(select(Agency.id, Agency.code).where(Agency.id.in_(ids)))
    return {agency_id: code for agency_id, code in rows}  # noqa: C416  # Rows, not pairs


def verify_chain(
    session: Session, actor: Actor, *, trusted_keys: Collection[str] | None = None
) -> chain.VerifyResult:
    """Verify the whole chain (read-only: pending events are reported, not chained)."""
    policy.require(actor, "audit.verify")
    return chain.verify(session, trusted_keys=trusted_keys)
