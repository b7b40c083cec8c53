"""Assistance request routes under /api/v1.

Creating POSTs (a request, a forward, a transfer from a hit) take an `Idempotency-Key`; moves
and reassignments honour `If-Match` with the ETag that a GET gave, and a move that lost a race
answers 409. Reads of a request are audited (personal data).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.agencies.models import Agency
from accord.assistance import access, clocks, moves, service, threads
from accord.assistance.kinds import REQUEST_TYPES
from accord.assistance.models import AssistanceRequest
from accord.assistance.schemas import (
    AgencyRef,
    ClockOut,
    EventOut,
    ForwardIn,
    MessageIn,
    MessageOut,
    MoveIn,
    PermissionAnswerIn,
    PermissionAskIn,
    ReassignIn,
    ReceiptOut,
    RequestIn,
    RequestOut,
    RequestPage,
    RequestSummary,
)
from accord.core import idempotency
from accord.core.etag import check_if_match, etag_for, set_etag
from accord.core.pagination import DEFAULT_LIMIT, MAX_LIMIT
from accord.security.actor import Actor
from accord.security.deps import CurrentActor
from accord.web.deps import AuditedReadSession, DbSession
from accord.web.problems import CHANGE_RESPONSES, PROBLEM_RESPONSES
from accord.zones.models import Zone

router = APIRouter(tags=["assistance requests"], responses=PROBLEM_RESPONSES)

BASE = "/assistance-requests"


def _agency(a: Agency | None) -> AgencyRef | None:
    return AgencyRef(code=a.code, name_zh=a.name_zh, name_en=a.name_en) if a else None


def request_out(session: Session, actor: Actor, r: AssistanceRequest) -> RequestOut:
    view = clocks.clock_view(session, r)
    parent = session.get(AssistanceRequest, r.parent_id) if r.parent_id else None
    origin = session.get(AssistanceRequest, r.forwarded_from_id) if r.forwarded_from_id else None
    claimed = session.get(Agency, r.claimed_by_agency_id) if r.claimed_by_agency_id else None
    followup_ref = None
    if r.followup_id is not None:
        from accord.alerts.followup_models import HitFollowUp

        followup = session.get(HitFollowUp, r.followup_id)
        followup_ref = followup.reference if followup else None
    requester = _agency(r.requesting_agency)
    assert requester is not None
    return RequestOut(
        id=r.id,
        reference=r.reference,
        status=r.status.value,
        version=r.version,
        allowed_actions=moves.allowed_actions(session, actor, r),
        request_type=r.request_type,
        urgency=r.urgency,
        title=r.title,
        description=r.description,
        legal_basis=r.legal_basis,
        case_reference=r.case_reference,
        subjects=list(r.subjects),
        handling_code=r.handling_code,
        handling_text=r.handling_text,
        source_reliability=r.source_reliability,
        information_accuracy=r.information_accuracy,
        requesting_agency=requester,
        requested_by=r.requested_by,
        addressee=_agency(r.addressee_agency),
        handling_agency=_agency(r.handling_agency),
        handling_unit=r.handling_unit,
        zone=_zone_code(session, r),
        zone_mode=r.zone_mode,
        parent=parent.reference if parent else None,
        children=[c.reference for c in moves.children_of(session, r)] if r.is_zone_parent else [],
        forwarded_from=origin.reference if origin else None,
        claimed_by=claimed.code if claimed else None,
        followup=followup_ref,
        requested_at=r.requested_at,
        received_at=r.received_at,
        accepted_at=r.accepted_at,
        completed_at=r.completed_at,
        closed_at=r.closed_at,
        status_reason=r.status_reason,
        outcome_code=r.outcome_code,
        outcome=r.outcome,
        clock=ClockOut(**view.__dict__) if view else None,
    )


def summary_out(
    session: Session, r: AssistanceRequest, view: clocks.ClockView | None = None
) -> RequestSummary:
    return RequestSummary(
        id=r.id,
        reference=r.reference,
        status=r.status.value,
        request_type=r.request_type,
        urgency=r.urgency,
        title=r.title,
        requesting_agency=r.requesting_agency.code,
        addressee=r.addressee_agency.code if r.addressee_agency else None,
        zone=_zone_code(session, r),
        case_reference=r.case_reference,
        requested_at=r.requested_at,
        due_at=view.due_at if view else None,
        overdue=bool(view and view.overdue),
    )


def _zone_code(session: Session, r: AssistanceRequest) -> str | None:
    if r.zone_id is None:
        return None
    # The code alone: loading the Zone would load its members with it, on every response.
    code: str | None = session.scalar(select(Zone.code).where(Zone.id == r.zone_id))
    return code


def _response(
    session: Session, actor: Actor, r: AssistanceRequest, status_code: int = 200
) -> Response:
    body = request_out(session, actor, r).model_dump(mode="json")
    response = JSONResponse(body, status_code=status_code)
    set_etag(response, etag_for(r.version, r.id))
    if status_code == 201:
        response.headers["Location"] = f"/api/v1{BASE}/{r.reference}"
    return response


@router.get("/assistance-types")
def request_types() -> dict[str, str]:
    """The request types this installation knows (code → English label)."""
    return dict(REQUEST_TYPES)


@router.post(BASE, response_model=RequestOut, status_code=201, responses=CHANGE_RESPONSES)
def create(request: Request, session: DbSession, actor: CurrentActor, body: RequestIn) -> Response:
    """Send a request to one agency (`addressee`) or to a whole zone (`zone`, fan-out or claim
    mode), or keep it as a draft. A retry with the same Idempotency-Key replays the answer."""
    with idempotency.idempotent(request, session, actor, body) as guard:
        if guard.replay is not None:
            return guard.replay
        created = service.create_request(session, actor, body)
        response = _response(session, actor, created, 201)
        guard.complete(response)
        session.commit()
        return response


@router.get(BASE, response_model=RequestPage)
def list_requests(
    session: DbSession,
    actor: CurrentActor,
    box: Annotated[str, Query(pattern="^(inbox|sent|all)$")] = "inbox",
    status: Annotated[list[str] | None, Query()] = None,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> RequestPage:
    """Requests received by your agencies (`inbox`), sent by them (`sent`), or both (`all`),
    newest first."""
    page = service.list_requests(
        session, actor, box=box, statuses=status or (), cursor=cursor, limit=limit
    )
    views = clocks.clock_views(session, page.items)
    return RequestPage(
        items=[summary_out(session, r, views.get(r.id)) for r in page.items],
        next_cursor=page.next_cursor,
    )


@router.get(BASE + "/{key}", response_model=RequestOut)
def get_request(session: AuditedReadSession, actor: CurrentActor, key: str) -> Response:
    """One request by id or reference, with its ETag (the read is audited; the receiving
    side's first read marks it received)."""
    found = service.read_request(session, actor, key)
    response = _response(session, actor, found)
    session.commit()
    return response


def _load_for_change(
    request: Request, session: Session, actor: Actor, key: str
) -> AssistanceRequest:
    found = access.get_request(session, key)
    access.require_visible(session, actor, found)
    check_if_match(request, etag_for(found.version, found.id))
    return found


@router.post(BASE + "/{key}/reassign", response_model=RequestOut, responses=CHANGE_RESPONSES)
def reassign(
    request: Request, session: DbSession, actor: CurrentActor, key: str, body: ReassignIn
) -> Response:
    """Hand the work to a subordinate agency or unit of the addressee (the thread stays)."""
    found = _load_for_change(request, session, actor, key)
    service.reassign(session, actor, found, agency_code=body.agency, unit=body.unit, note=body.note)
    response = _response(session, actor, found)
    session.commit()
    return response


@router.post(
    BASE + "/{key}/forward", response_model=RequestOut, status_code=201, responses=CHANGE_RESPONSES
)
def forward(
    request: Request, session: DbSession, actor: CurrentActor, key: str, body: ForwardIn
) -> Response:
    """Pass the request on to a third agency (H2/H3: only with the owner's permission)."""
    with idempotency.idempotent(request, session, actor, body) as guard:
        if guard.replay is not None:
            return guard.replay
        found = access.get_request(session, key)
        forwarded = threads.forward(session, actor, found, agency_code=body.agency, note=body.note)
        response = _response(session, actor, forwarded, 201)
        guard.complete(response)
        session.commit()
        return response


def _messages_out(session: Session, r: AssistanceRequest) -> list[MessageOut]:
    found = threads.messages(session, r)
    reads = threads.receipts(session, [m.id for m in found])
    readers = {x.agency_id for rs in reads.values() for x in rs if x.agency_id}
    codes = {a.id: a.code for a in session.scalars(select(Agency).where(Agency.id.in_(readers)))}
    return [
        MessageOut(
            id=m.id,
            kind=m.kind,
            agency=m.agency.code,
            author=m.author,
            body=m.body,
            target_agency=m.target_agency.code if m.target_agency else None,
            answers_id=m.answers_id,
            created_at=m.created_at,
            read_by=[
                ReceiptOut(
                    username=x.username,
                    agency=codes.get(x.agency_id) if x.agency_id else None,
                    read_at=x.read_at,
                )
                for x in reads[m.id]
            ],
        )
        for m in found
    ]


@router.get(BASE + "/{key}/messages", response_model=list[MessageOut])
def list_messages(session: AuditedReadSession, actor: CurrentActor, key: str) -> list[MessageOut]:
    """The thread, oldest first, with who read each message; reading it leaves your receipts."""
    found = service.read_request(session, actor, key)
    threads.mark_read(session, actor, found)
    out = _messages_out(session, found)
    session.commit()
    return out


@router.post(
    BASE + "/{key}/messages",
    response_model=MessageOut,
    status_code=201,
    responses=CHANGE_RESPONSES,
)
def post_message(
    request: Request, session: DbSession, actor: CurrentActor, key: str, body: MessageIn
) -> Response:
    """Write to the other side (files: POST /attachments with object_type
    assistance_message and the message's id)."""
    with idempotency.idempotent(request, session, actor, body) as guard:
        if guard.replay is not None:
            return guard.replay
        found = access.get_request(session, key)
        message = threads.post_message(session, actor, found, body=body.body)
        out = next(m for m in _messages_out(session, found) if m.id == message.id)
        response = JSONResponse(out.model_dump(mode="json"), status_code=201)
        guard.complete(response)
        session.commit()
        return response


@router.post(
    BASE + "/{key}/permission-requests",
    response_model=MessageOut,
    status_code=201,
    responses=CHANGE_RESPONSES,
)
def ask_permission(
    session: DbSession, actor: CurrentActor, key: str, body: PermissionAskIn
) -> MessageOut:
    """Ask the owner for permission to pass the request on to a third agency."""
    found = access.get_request(session, key)
    message = threads.ask_permission(session, actor, found, agency_code=body.agency, body=body.body)
    out = next(m for m in _messages_out(session, found) if m.id == message.id)
    session.commit()
    return out


@router.post(
    BASE + "/{key}/permission-requests/{message_id}/answer",
    response_model=MessageOut,
    status_code=201,
    responses=CHANGE_RESPONSES,
)
def answer_permission(
    session: DbSession,
    actor: CurrentActor,
    key: str,
    message_id: uuid.UUID,
    body: PermissionAnswerIn,
) -> MessageOut:
    """The owner grants or refuses a permission request."""
    found = access.get_request(session, key)
    message = threads.answer_permission(
        session, actor, found, message_id, grant=body.grant, body=body.body
    )
    out = next(m for m in _messages_out(session, found) if m.id == message.id)
    session.commit()
    return out


@router.get(BASE + "/{key}/history", response_model=list[EventOut])
def history(session: DbSession, actor: CurrentActor, key: str) -> list[EventOut]:
    """Every move of the request, oldest first."""
    found = access.get_request(session, key)
    access.require_visible(session, actor, found)
    return [
        EventOut(
            action=e.action,
            from_status=e.from_status,
            to_status=e.to_status,
            actor=e.actor,
            reason=e.reason,
            at=e.at,
        )
        for e in moves.history(session, found)
    ]


@router.get(BASE + "/{key}/linked", response_model=list[RequestSummary])
def linked(session: DbSession, actor: CurrentActor, key: str) -> list[RequestSummary]:
    """The other requests of the same thread or case that you may see, across agencies."""
    found = access.get_request(session, key)
    found_linked = threads.linked(session, actor, found)
    views = clocks.clock_views(session, found_linked)
    return [summary_out(session, r, views.get(r.id)) for r in found_linked]


@router.post(
    "/followups/{key}/transfer-request",
    response_model=RequestOut,
    status_code=201,
    responses=CHANGE_RESPONSES,
)
def transfer_request(session: DbSession, actor: CurrentActor, key: str) -> Response:
    """From a confirmed hit follow-up: the arrest-and-transfer request to the finding agency
    (201), or the one already made (200)."""
    created, new = service.transfer_from_followup(session, actor, key)
    response = _response(session, actor, created, 201 if new else 200)
    session.commit()
    return response


# Declared last: the specific POST routes above (reassign, forward, messages...) come first.
@router.post(
    BASE + "/{key}/{action}",
    response_model=RequestOut,
    responses=CHANGE_RESPONSES,
)
def act(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: str,
    action: str,
    body: MoveIn | None = None,
) -> Response:
    """One move: submit, receive, accept, reject (reason), start, hold (reason), resume,
    complete (outcome, outcome_code), cancel (reason)."""
    found = _load_for_change(request, session, actor, key)
    moves.move(session, actor, found, action, body or MoveIn())
    response = _response(session, actor, found)
    session.commit()
    return response
