"""Every refusal is on file: a 403 writes an `access.denied` audit event, and an error that
says how it is to be audited (`AuditedRefusal`, e.g. a check without a purpose) writes its own
event — after the request's own work has been rolled back, so the record of the refusal is the
only thing that stays."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from fastapi import Request
from sqlalchemy.orm import Session

from accord.audit import service as audit
from accord.security.actor import Actor
from accord.security.policy import PermissionDenied


@runtime_checkable
class AuditedRefusal(Protocol):
    """An error that writes its own audit event when it refuses a request or a command."""

    def record_refusal(self, session: Session) -> None: ...


def record_denial(session: Session, request: Request, exc: BaseException) -> bool:
    """Record `exc` if it is a refused permission or an audited refusal; True if an event was
    written."""
    if isinstance(exc, AuditedRefusal):
        exc.record_refusal(session)
        return True
    if not isinstance(exc, PermissionDenied):
        return False
    actor = exc.actor or getattr(request.state, "actor", None)
    if not isinstance(actor, Actor):
        return False
    write_denial(session, actor, exc, where=f"{request.method} {request.url.path}")
    return True


def write_denial(session: Session, actor: Actor, exc: PermissionDenied, *, where: str) -> None:
    """The `access.denied` event of one refusal (web route or CLI command)."""
    audit.record(
        session,
        actor,
        action="access.denied",
        object_type="route",
        object_id=where[:64],
        outcome="denied",
        detail={"permission": str(exc.data.get("permission", "")), "reason": exc.detail},
    )
