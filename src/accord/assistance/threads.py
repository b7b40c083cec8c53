"""The thread of a request: messages between the two sides with read receipts, forwarding to
a third agency as the handling code allows, and the linked requests of one case.

Forwarding follows the handling code the requester set (Europol's rules): H0 and H1 may be
passed on; H2 ("not to be passed on without the owner's permission") and H3 (a restriction in
the owner's own words, which the receiver cannot be trusted to read as allowing it) need the
owner's permission first. Asking for it is itself a message on the thread, naming the third
agency; the requesting side answers it with another, and only a granted answer for that very
agency opens the way.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from accord.agencies.models import Agency
from accord.assistance import addressing
from accord.assistance.access import (
    OBJECT_TYPE,
    InvalidRequest,
    agency_by_code,
    covers,
    may_request,
    may_route,
    may_see,
    refuse,
    request_subjects,
    require_visible,
    scope_of,
)
from accord.assistance.clocks import start_clock
from accord.assistance.drafts import new_request
from accord.assistance.models import AssistanceMessage, AssistanceRequest, MessageRead
from accord.assistance.moves import record_event, step
from accord.assistance.notices import tell, tell_receiver, tell_requester
from accord.assistance.transitions import CLOSED, RequestStatus
from accord.audit import service as audit
from accord.core import clock
from accord.core.errors import DomainError, NotFound
from accord.core.handling import HandlingCode
from accord.core.ids import uuid7
from accord.security.actor import Actor, Role
from accord.zones.models import Zone

NOTE = "note"
PERMISSION_REQUEST = "permission_request"
PERMISSION_GRANTED = "permission_granted"
PERMISSION_REFUSED = "permission_refused"
FORWARDED = "forwarded"
KINDS = (NOTE, PERMISSION_REQUEST, PERMISSION_GRANTED, PERMISSION_REFUSED, FORWARDED)
# Handling codes under which the owner's permission comes before a forward.
NEEDS_PERMISSION = frozenset({HandlingCode.H2, HandlingCode.H3})


class ForwardNotPermitted(DomainError):
    status = 403
    code = "forward_not_permitted"
    title = "Forwarding not permitted"


class MessageNotFound(NotFound):
    code = "assistance_message_not_found"
    title = "Message not found"


def _side_agency(session: Session, actor: Actor, request: AssistanceRequest) -> uuid.UUID:
    """The agency the actor writes for on this thread: their own side's party."""
    scope = scope_of(session, actor, "assist.read")
    if covers(scope, request.requesting_agency_id) and not covers(
        scope, request.handling_agency_id, request.addressee_agency_id
    ):
        return request.requesting_agency_id
    for candidate in (request.handling_agency_id, request.addressee_agency_id):
        if candidate is not None and covers(scope, candidate):
            return candidate
    return actor.agency_id or request.requesting_agency_id


def _add(
    session: Session,
    actor: Actor,
    request: AssistanceRequest,
    *,
    kind: str,
    body: str,
    target: Agency | None = None,
    answers: AssistanceMessage | None = None,
) -> AssistanceMessage:
    message = AssistanceMessage(
        id=uuid7(),
        request_id=request.id,
        kind=kind,
        agency_id=_side_agency(session, actor, request),
        author=actor.username[:80],
        author_user_id=actor.user_id,
        body=body,
        target_agency_id=target.id if target else None,
        answers_id=answers.id if answers else None,
        created_at=clock.now(),
    )
    session.add(message)
    session.flush()
    audit.record(
        session,
        actor,
        action=f"assistance_message.{kind}",
        object_type="assistance_message",
        object_id=message.id,
        subjects=request_subjects(request),
        detail={"reference": request.reference, "target": target.code if target else None},
    )
    return message


def messages(session: Session, request: AssistanceRequest) -> list[AssistanceMessage]:
    return list(
        session.scalars(
            select(AssistanceMessage)
            .where(AssistanceMessage.request_id == request.id)
            .order_by(AssistanceMessage.created_at, AssistanceMessage.id)
        )
    )


def post_message(
    session: Session, actor: Actor, request: AssistanceRequest, *, body: str
) -> AssistanceMessage:
    """A message from either side to the other (files go to the message as attachments)."""
    require_visible(session, actor, request)
    text = body.strip()
    if not text:
        raise InvalidRequest("the message is empty", field="body")
    if request.status is RequestStatus.DRAFT:
        raise InvalidRequest("send the request before writing on its thread", field="request")
    message = _add(session, actor, request, kind=NOTE, body=text)
    # One notice per message: the version does not move, so the dedupe key names the message.
    tell(
        session,
        request,
        "assistance.message",
        users=[],
        agencies=[
            request.requesting_agency_id
            if message.agency_id != request.requesting_agency_id
            else request.handling_agency_id or request.addressee_agency_id
        ],
        roles=[Role.LIAISON],
        dedupe=f"message:{message.id}",
    )
    return message


# --- read receipts --------------------------------------------------------------------------


def mark_read(session: Session, actor: Actor, request: AssistanceRequest) -> int:
    """Record that the actor has read the thread's messages from others; how many were new."""
    if actor.user_id is None and actor.is_system:
        return 0
    user_key = str(actor.user_id) if actor.user_id else f"name:{actor.username}"[:80]
    unread = [m for m in messages(session, request) if m.author != actor.username]
    if not unread:
        return 0
    now = clock.now()
    rows = [
        {
            "message_id": m.id,
            "user_key": user_key,
            "username": actor.username[:80],
            "agency_id": actor.agency_id,
            "read_at": now,
        }
        for m in unread
    ]
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    added = session.scalars(
        insert(MessageRead).values(rows).on_conflict_do_nothing().returning(MessageRead.id)
    ).all()
    return len(added)


@dataclass(frozen=True)
class Receipt:
    username: str
    agency_id: uuid.UUID | None
    read_at: datetime


def receipts(session: Session, message_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Receipt]]:
    """Who read each message, first reader first."""
    out: dict[uuid.UUID, list[Receipt]] = {m: [] for m in message_ids}
    if not message_ids:
        return out
    for row in session.scalars(
        select(MessageRead)
        .where(MessageRead.message_id.in_(message_ids))
        .order_by(MessageRead.read_at, MessageRead.id)
    ):
        out[row.message_id].append(Receipt(row.username, row.agency_id, row.read_at))
    return out


# --- forwarding -----------------------------------------------------------------------------


def permission_for(
    session: Session, request: AssistanceRequest, target: Agency
) -> AssistanceMessage | None:
    """The owner's latest answer on forwarding this request to `target`, if any."""
    return session.scalars(
        select(AssistanceMessage)
        .where(
            AssistanceMessage.request_id == request.id,
            AssistanceMessage.target_agency_id == target.id,
            AssistanceMessage.kind.in_((PERMISSION_GRANTED, PERMISSION_REFUSED)),
        )
        .order_by(AssistanceMessage.created_at.desc(), AssistanceMessage.id.desc())
        .limit(1)
    ).one_or_none()


def forward_allowed(session: Session, request: AssistanceRequest, target: Agency) -> bool:
    if HandlingCode(request.handling_code) not in NEEDS_PERMISSION:
        return True
    answer = permission_for(session, request, target)
    return answer is not None and answer.kind == PERMISSION_GRANTED


def ask_permission(
    session: Session, actor: Actor, request: AssistanceRequest, *, agency_code: str, body: str
) -> AssistanceMessage:
    """The receiving side asks the owner to let it pass the request on to `agency_code`."""
    require_visible(session, actor, request)
    if not may_route(session, actor, request):
        refuse(actor, request, "ask to forward", "assist.route")
    target = agency_by_code(session, agency_code, "agency")
    _forwardable(session, request, target)
    message = _add(
        session,
        actor,
        request,
        kind=PERMISSION_REQUEST,
        body=body.strip() or f"Permission asked to pass {request.reference} on to {target.code}",
        target=target,
    )
    tell_requester(session, request, "assistance.permission_asked")
    return message


def answer_permission(
    session: Session,
    actor: Actor,
    request: AssistanceRequest,
    message_id: uuid.UUID,
    *,
    grant: bool,
    body: str = "",
) -> AssistanceMessage:
    """The owner (the requesting side) grants or refuses a permission request."""
    require_visible(session, actor, request)
    asked = session.get(AssistanceMessage, message_id)
    if asked is None or asked.request_id != request.id or asked.kind != PERMISSION_REQUEST:
        raise MessageNotFound(
            f"no permission request {message_id} on {request.reference}", field="message"
        )
    if not may_request(session, actor, request):
        refuse(actor, request, "answer a permission request on", "assist.request")
    target = asked.target_agency
    assert target is not None
    answer = _add(
        session,
        actor,
        request,
        kind=PERMISSION_GRANTED if grant else PERMISSION_REFUSED,
        body=body.strip(),
        target=target,
        answers=asked,
    )
    tell_receiver(session, request, "assistance.permission_answered")
    return answer


def _forwardable(session: Session, request: AssistanceRequest, target: Agency) -> None:
    if request.is_zone_parent:
        raise InvalidRequest("a zone request is forwarded by its members", field="request")
    if request.status in CLOSED or request.status is RequestStatus.DRAFT:
        raise InvalidRequest(
            f"a {request.status.value} request cannot be forwarded", field="request"
        )
    if target.id in (request.requesting_agency_id, request.addressee_agency_id):
        raise InvalidRequest(
            f"{target.code} is already a party to {request.reference}", field="agency"
        )


def forward(
    session: Session, actor: Actor, request: AssistanceRequest, *, agency_code: str, note: str = ""
) -> AssistanceRequest:
    """Pass the request on to a third agency: a new request from the handling agency, on the
    same thread and case, with the same handling code. Refused (403
    `forward_not_permitted`) under H2 or H3 until the owner has granted it for that agency."""
    require_visible(session, actor, request)
    if not may_route(session, actor, request):
        refuse(actor, request, "forward", "assist.route")
    target = agency_by_code(session, agency_code, "agency")
    _forwardable(session, request, target)
    if not forward_allowed(session, request, target):
        code = request.handling_code
        raise ForwardNotPermitted(
            f"{request.reference} is {code}: it is not passed on to {target.code} without the "
            f"owner's permission; ask {request.requesting_agency.code} on the thread first",
            field="agency",
            handling_code=code,
        )
    sender = request.handling_agency or request.addressee_agency
    assert sender is not None
    path = addressing.path_to(session, sender, target)
    forwarded = new_request(
        session,
        actor,
        requester=sender,
        addressee=target,
        template=request,
        zone=session.get(Zone, path.zone_id) if path.zone_id else None,
        thread_id=request.thread_id,
        forwarded_from=request,
    )
    step(session, actor, forwarded, "submit", values={"requested_at": clock.now()})
    start_clock(session, actor, forwarded, None)
    tell_receiver(session, forwarded, "assistance.requested")
    text = note.strip()
    _add(
        session,
        actor,
        request,
        kind=FORWARDED,
        body=f"→ {target.code} {forwarded.reference}" + (f": {text}" if text else ""),
        target=target,
    )
    record_event(session, actor, request, "forward", f"{target.code} {forwarded.reference}")
    tell_requester(session, request, "assistance.forwarded")
    audit.record(
        session,
        actor,
        action="assistance_request.forwarded",
        object_type=OBJECT_TYPE,
        object_id=request.id,
        subjects=request_subjects(request),
        detail={"reference": request.reference, "to": target.code, "as": forwarded.reference},
    )
    return forwarded


# --- linked requests ------------------------------------------------------------------------


def linked(session: Session, actor: Actor, request: AssistanceRequest) -> list[AssistanceRequest]:
    """The other requests of the same thread or case (across agencies) that the actor sees."""
    require_visible(session, actor, request)
    condition = AssistanceRequest.thread_id == request.thread_id
    if request.case_key:
        condition = or_(condition, AssistanceRequest.case_key == request.case_key)
    rows = session.scalars(
        select(AssistanceRequest)
        .where(condition, AssistanceRequest.id != request.id)
        .order_by(AssistanceRequest.created_at, AssistanceRequest.id)
        .limit(500)
    )
    return [r for r in rows if may_see(session, actor, r)]
