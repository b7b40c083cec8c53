"""notify pages: the inbox, its unread badge, the live event stream, 'my work', and the
administrators' webhook subscriptions."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, Response, StreamingResponse

from accord.agencies import service as agencies_service
from accord.core import clock
from accord.core.config import get_settings
from accord.core.pagination import DEFAULT_LIMIT
from accord.notify import live, service, webhooks, work
from accord.notify.api import webhook_out
from accord.security import policy
from accord.security.actor import Actor
from accord.security.deps import OptionalActor, require
from accord.web.deps import DbSession
from accord.web.htmx import redirect
from accord.web.templating import render

router = APIRouter(include_in_schema=False)

InboxReader = Annotated[Actor, Depends(require("inbox.read_own"))]
WorkReader = Annotated[Actor, Depends(require("work.read_own"))]
WebhookManager = Annotated[Actor, Depends(require("webhooks.manage"))]


@router.get("/inbox", response_class=HTMLResponse)
def inbox(
    request: Request,
    session: DbSession,
    actor: InboxReader,
    unread: bool = False,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    page = service.list_inbox(
        session, actor, unread_only=unread, cursor=cursor, limit=DEFAULT_LIMIT
    )
    return render(
        request,
        "notify/inbox.html",
        {
            "items": page.items,
            "next_cursor": page.next_cursor,
            "unread": service.unread_count(session, actor),
            "unread_only": unread,
            "display_timezone": get_settings().display_timezone,
        },
    )


@router.post("/inbox/read")
def inbox_mark_read(
    request: Request,
    session: DbSession,
    actor: InboxReader,
    ids: Annotated[list[uuid.UUID] | None, Form()] = None,
    all: Annotated[bool, Form()] = False,
    unread: Annotated[bool, Form()] = False,
) -> Response:
    """Mark one, several or all notifications read, then back to the inbox."""
    chosen: list[uuid.UUID] | Literal["all"] = "all" if all else (ids or [])
    service.mark_read(session, actor, ids=chosen)
    session.commit()
    return redirect(request, "/inbox?unread=true" if unread else "/inbox")


@router.get("/inbox/badge", response_class=HTMLResponse)
def inbox_badge(request: Request, session: DbSession, actor: OptionalActor) -> HTMLResponse:
    """The header's unread badge, for HTMX to refresh; empty for a visitor not signed in."""
    if actor is None or actor.user_id is None:
        return HTMLResponse("")
    return render(
        request, "notify/_unread_badge.html", {"unread": service.unread_count(session, actor)}
    )


@router.get("/events/stream")
def event_stream(request: Request, session: DbSession, actor: OptionalActor) -> Response:
    """Server-sent events: `notification` for each new notification of the signed-in user.

    A visitor gets a bare 401 rather than the sign-in redirect pages get: EventSource gives up
    on an error status, where it would follow a redirect and retry against the login page.
    """
    if actor is None:
        return Response(status_code=401)
    policy.require(actor, "inbox.read_own")
    if actor.user_id is None:
        return Response(status_code=204)  # nothing will ever arrive for a system actor
    # The stream lives for minutes: give the request's connection back now.
    session.close()
    last = live.parse_last_event_id(request.headers.get("Last-Event-ID"))
    return StreamingResponse(
        live.stream(request, actor.user_id, last_event_id=last),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.get("/my-work", response_class=HTMLResponse)
def my_work(request: Request, session: DbSession, actor: WorkReader) -> HTMLResponse:
    now = clock.now()
    items = [(item, item.urgency(now)) for item in work.my_work(session, actor)]
    return render(request, "notify/my_work.html", {"items": items})


def _webhooks_page(
    request: Request,
    session: DbSession,
    actor: Actor,
    *,
    created: tuple[object, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    hooks = [webhook_out(session, h) for h in webhooks.list_webhooks(session, actor)]
    new = None
    if created is not None:
        hook, secret = created
        new = {"hook": hook, "secret": secret}
    return render(
        request,
        "notify/webhooks.html",
        {"hooks": hooks, "created": new, "default_agency": actor.agency_code or ""},
        status_code=status_code,
    )


@router.get("/admin/webhooks", response_class=HTMLResponse)
def webhooks_page(request: Request, session: DbSession, actor: WebhookManager) -> HTMLResponse:
    return _webhooks_page(request, session, actor)


@router.post("/admin/webhooks", response_class=HTMLResponse)
def webhooks_create(
    request: Request,
    session: DbSession,
    actor: WebhookManager,
    agency: Annotated[str, Form(max_length=20)],
    url: Annotated[str, Form(max_length=500)],
    events: Annotated[str, Form(max_length=2000)] = "",
) -> HTMLResponse:
    """Create a subscription and show its secret on this one answer (not after a redirect)."""
    agency_id = agencies_service.get_by_code(session, agency).id
    hook, secret = webhooks.create_webhook(
        session,
        actor,
        agency_id=agency_id,
        url=url,
        events=[e for e in events.replace(",", " ").split() if e],
    )
    session.commit()
    return _webhooks_page(request, session, actor, created=(webhook_out(session, hook), secret))


@router.post("/admin/webhooks/{webhook_id}/remove")
def webhooks_remove(
    request: Request, session: DbSession, actor: WebhookManager, webhook_id: uuid.UUID
) -> Response:
    webhooks.remove_webhook(session, actor, webhook_id)
    session.commit()
    return redirect(request, "/admin/webhooks")
