"""Every refusal is on file: a 403 writes an `access.denied` audit event."""

from __future__ import annotations

from fastapi import Request
from sqlalchemy.orm import Session

from accord.audit import service as audit
from accord.security.actor import Actor
from accord.security.policy import PermissionDenied


def record_denial(session: Session, request: Request, exc: BaseException) -> bool:
    """Record `exc` if it is a refused permission; True if an event was written."""
    if not isinstance(exc, PermissionDenied):
        return False
    actor = getattr(request.state, "actor", None)
    if not isinstance(actor, Actor):
        return False
    audit.record(
        session,
        actor,
        action="access.denied",
        object_type="route",
        object_id=f"{request.method} {request.url.path}"[:64],
        outcome="denied",
        detail={"permission": str(exc.data.get("permission", "")), "reason": exc.detail},
    )
    return True
