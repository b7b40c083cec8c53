"""notify routes under /api/v1: the inbox, 'my work', and agencies' webhook subscriptions."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from accord.agencies import service as agencies_service
from accord.agencies.models import Agency
from accord.core import clock, idempotency
from accord.core.pagination import DEFAULT_LIMIT, MAX_LIMIT
from accord.notify import service, webhooks, work
from accord.notify.models import Webhook
from accord.notify.schemas import (
    InboxItemOut,
    InboxPage,
    MarkedRead,
    MarkRead,
    UnreadCount,
    WebhookCreated,
    WebhookIn,
    WebhookOut,
    WorkItemOut,
)
from accord.security.actor import Actor
from accord.security.deps import require
from accord.web.deps import DbSession
from accord.web.problems import PROBLEM_RESPONSES

router = APIRouter(responses=PROBLEM_RESPONSES)

InboxReader = Annotated[Actor, Depends(require("inbox.read_own"))]
WorkReader = Annotated[Actor, Depends(require("work.read_own"))]
WebhookManager = Annotated[Actor, Depends(require("webhooks.manage"))]


@router.get("/inbox", response_model=InboxPage, tags=["inbox"])
def list_inbox(
    session: DbSession,
    actor: InboxReader,
    unread_only: bool = False,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> InboxPage:
    """Your notifications, newest first, a page at a time."""
    page = service.list_inbox(session, actor, unread_only=unread_only, cursor=cursor, limit=limit)
    return InboxPage(
        items=[InboxItemOut.model_validate(i) for i in page.items],
        next_cursor=page.next_cursor,
        unread=service.unread_count(session, actor),
    )


@router.get("/inbox/unread-count", response_model=UnreadCount, tags=["inbox"])
def unread_count(session: DbSession, actor: InboxReader) -> UnreadCount:
    """How many of your notifications are unread."""
    return UnreadCount(unread=service.unread_count(session, actor))


@router.post("/inbox/read", response_model=MarkedRead, tags=["inbox"])
def mark_read(session: DbSession, actor: InboxReader, body: MarkRead) -> MarkedRead:
    """Mark notifications read: the listed `ids` (all must be yours), or `all`."""
    ids: list[uuid.UUID] | Literal["all"] = "all" if body.all else body.ids
    marked = service.mark_read(session, actor, ids=ids)
    session.commit()
    return MarkedRead(marked=marked, unread=service.unread_count(session, actor))


@router.get("/my-work", response_model=list[WorkItemOut], tags=["inbox"])
def my_work(session: DbSession, actor: WorkReader) -> list[WorkItemOut]:
    """Your open items from every domain, soonest deadline first."""
    now = clock.now()
    return [
        WorkItemOut(
            kind=i.kind,
            title=i.title,
            reference=i.reference,
            link=i.link,
            deadline=i.deadline,
            status=i.status,
            agency_code=i.agency_code,
            urgency=i.urgency(now),
        )
        for i in work.my_work(session, actor)
    ]


def webhook_out(session: Session, hook: Webhook) -> WebhookOut:
    agency = session.get(Agency, hook.agency_id)
    return WebhookOut(
        id=hook.id,
        agency=agency.code if agency else "",
        url=hook.url,
        events=list(hook.events),
        active=hook.active,
        created_at=hook.created_at,
    )


@router.get("/webhooks", response_model=list[WebhookOut], tags=["webhooks"])
def list_webhooks(
    session: DbSession, actor: WebhookManager, agency: str | None = None
) -> list[WebhookOut]:
    """The webhook subscriptions you manage (of one agency, by code, if given)."""
    agency_id = agencies_service.get_by_code(session, agency).id if agency else None
    return [
        webhook_out(session, h) for h in webhooks.list_webhooks(session, actor, agency_id=agency_id)
    ]


@router.post(
    "/webhooks",
    response_model=WebhookCreated,
    status_code=201,
    tags=["webhooks"],
    response_class=JSONResponse,
)
def create_webhook(
    request: Request, session: DbSession, actor: WebhookManager, body: WebhookIn
) -> Response:
    """Subscribe a URL to an agency's notifications; the answer shows the secret.

    With an `Idempotency-Key`, a retry replays the first answer instead of subscribing twice.
    """
    with idempotency.idempotent(request, session, actor, body.model_dump(mode="json")) as guard:
        if guard.replay is not None:
            return guard.replay
        agency = agencies_service.get_by_code(session, body.agency)
        hook, secret = webhooks.create_webhook(
            session, actor, agency_id=agency.id, url=body.url, events=body.events
        )
        created = WebhookCreated(**webhook_out(session, hook).model_dump(), secret=secret)
        response = JSONResponse(created.model_dump(mode="json"), status_code=201)
        guard.complete(response)
        session.commit()
        return response


@router.get("/webhooks/{webhook_id}", response_model=WebhookOut, tags=["webhooks"])
def get_webhook(session: DbSession, actor: WebhookManager, webhook_id: uuid.UUID) -> WebhookOut:
    """One subscription (without its secret)."""
    return webhook_out(session, webhooks.get_webhook(session, actor, webhook_id))


@router.delete("/webhooks/{webhook_id}", status_code=204, tags=["webhooks"])
def remove_webhook(session: DbSession, actor: WebhookManager, webhook_id: uuid.UUID) -> Response:
    """Remove a subscription; deliveries still pending for it are dropped."""
    webhooks.remove_webhook(session, actor, webhook_id)
    session.commit()
    return Response(status_code=204)
