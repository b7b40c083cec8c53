"""What each side hears of a request's moves, through the kernel's outbox (inbox, live,
e-mail, signed webhooks). Titles cite the reference only: they leave the installation."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy.orm import Session

from accord.assistance.access import OBJECT_TYPE
from accord.assistance.kinds import Urgency
from accord.assistance.models import AssistanceRequest
from accord.notify import service as notify
from accord.security.actor import Role


def link_of(request: AssistanceRequest) -> str:
    return f"/assist/{request.reference}"


def notice_title(request: AssistanceRequest, event: str) -> str:
    """A title that cites references only (it leaves by e-mail and webhook)."""
    flag = "紧急 URGENT · " if request.urgency == Urgency.URGENT else ""
    what = event.split(".", 1)[1].replace("_", " ")
    return f"{flag}协查 · Assistance request {request.reference}: {what}"


def tell(
    session: Session,
    request: AssistanceRequest,
    event: str,
    *,
    users: Iterable[uuid.UUID | None] = (),
    agencies: Iterable[uuid.UUID | None] = (),
    roles: Iterable[Role] = (),
    live_only: bool = False,
    dedupe: str | None = None,
) -> None:
    """Queue one notice; it is sent once per request version (or per `dedupe` name)."""
    notify.enqueue(
        session,
        event=event,
        title=notice_title(request, event),
        reference=request.reference,
        link=link_of(request),
        to_users=[u for u in users if u is not None],
        to_agencies=[] if live_only else [a for a in agencies if a is not None],
        to_roles=[] if live_only else list(roles),
        channels=["inbox", "live"] if live_only else notify.CHANNELS,
        dedupe_key=f"{OBJECT_TYPE}:{request.id}:{event}:{dedupe or request.version}",
        data={"request_id": str(request.id), "status": request.status.value},
        handling_code=request.handling_code,
        handling_text=request.handling_text,
    )


def tell_requester(
    session: Session, request: AssistanceRequest, event: str, *, live_only: bool = False
) -> None:
    """The requesting officer, and the requesting agency's liaisons, hear of a move."""
    tell(
        session,
        request,
        event,
        users=[request.requested_by_user_id],
        agencies=[request.requesting_agency_id],
        roles=[Role.LIAISON],
        live_only=live_only,
    )


def tell_receiver(session: Session, request: AssistanceRequest, event: str) -> None:
    """The receiving agency's liaisons and commanders, and whoever handles it there."""
    tell(
        session,
        request,
        event,
        users=[request.handled_by_user_id],
        agencies=[request.handling_agency_id or request.addressee_agency_id],
        roles=[Role.LIAISON, Role.COMMANDER],
    )
