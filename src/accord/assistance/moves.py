"""The moves of an assistance request along its status table, each by the side that may
make it, with its history line, its clock and its notice to the other side.

Every move goes through the kernel's `transition()` (compare-and-set on the version column,
audited). A request to a whole zone is a parent with one child per member; in claim mode the
first member to accept takes it and the other children close; the parent moves as its
children do.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast

from sqlalchemy import select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from accord.agencies.models import Agency
from accord.assistance import addressing
from accord.assistance.access import (
    OBJECT_TYPE,
    InvalidRequest,
    may_request,
    may_route,
    may_work,
    refuse,
    request_subjects,
    require_visible,
)
from accord.assistance.clocks import open_clocks, start_clock, stop_clocks
from accord.assistance.drafts import new_request
from accord.assistance.kinds import (
    OutcomeCode,
    ZoneMode,
)
from accord.assistance.models import AssistanceRequest, RequestEvent
from accord.assistance.notices import tell_receiver, tell_requester
from accord.assistance.schemas import MoveIn
from accord.assistance.transitions import CLOSED, REQUEST_TABLE, ZONE_TABLE, RequestStatus
from accord.core import clock
from accord.core.errors import Conflict
from accord.core.ids import uuid7
from accord.core.workflow import StatusTable, transition
from accord.deadlines import service as deadlines
from accord.deadlines.transitions import SlaStatus
from accord.security.actor import Actor
from accord.zones.models import Zone

S = RequestStatus


def children_of(session: Session, request: AssistanceRequest) -> list[AssistanceRequest]:
    return list(
        session.scalars(
            select(AssistanceRequest)
            .where(AssistanceRequest.parent_id == request.id)
            .order_by(AssistanceRequest.reference)
        )
    )


class AlreadyClaimed(Conflict):
    code = "already_claimed"
    title = "Already taken by another member"


def table_of(request: AssistanceRequest) -> StatusTable[RequestStatus]:
    return ZONE_TABLE if request.is_zone_parent else REQUEST_TABLE


def step(
    session: Session,
    actor: Actor,
    request: AssistanceRequest,
    action: str,
    *,
    values: Mapping[str, Any] | None = None,
    reason: str = "",
) -> None:
    before = request.status
    now = clock.now()
    extra = dict(values or {})
    target = table_of(request).next_status(before, action)
    if target in CLOSED:
        extra.setdefault("closed_at", now)
    transition(
        session,
        actor,
        request,
        table=table_of(request),
        action=action,
        object_type=OBJECT_TYPE,
        reason=reason or None,
        subjects=request_subjects(request),
        values={**extra, "updated_at": now},
        detail={"reference": request.reference},
    )
    record_event(session, actor, request, action, reason, before=before, at=now)


def record_event(
    session: Session,
    actor: Actor,
    request: AssistanceRequest,
    action: str,
    reason: str = "",
    *,
    before: RequestStatus | None = None,
    at: datetime | None = None,
) -> None:
    """A history line: a status move from `before`, or, without it, something that is not a
    status move (reassignment, forward)."""
    session.add(
        RequestEvent(
            id=uuid7(),
            request_id=request.id,
            action=action,
            from_status=(before or request.status).value,
            to_status=request.status.value,
            actor=actor.username[:80],
            agency_id=actor.agency_id,
            reason=reason,
            at=at or clock.now(),
        )
    )


def history(session: Session, request: AssistanceRequest) -> list[RequestEvent]:
    return list(
        session.scalars(
            select(RequestEvent)
            .where(RequestEvent.request_id == request.id)
            .order_by(RequestEvent.at, RequestEvent.id)
        )
    )


def allowed_actions(session: Session, actor: Actor, request: AssistanceRequest) -> list[str]:
    """The moves the table allows now and this actor may make (for buttons and the API)."""
    if request.is_zone_parent:
        may = may_request(session, actor, request)
        return ["cancel"] if may and ZONE_TABLE.can(request.status, "cancel") else []
    out = []
    for action in REQUEST_TABLE.allowed_actions(request.status):
        if action in ("submit", "cancel"):
            allowed = may_request(session, actor, request)
        elif action in ("receive", "accept", "reject"):
            allowed = may_route(session, actor, request)
        else:
            allowed = may_work(session, actor, request)
        if allowed:
            out.append(action)
    return out


def _reason(text: str, action: str) -> str:
    reason = text.strip()
    if not reason:
        raise InvalidRequest(f"say why ({action} needs a reason)", field="reason")
    return reason


def move(
    session: Session, actor: Actor, request: AssistanceRequest, action: str, body: MoveIn
) -> AssistanceRequest:
    """Make one move on a request to one agency (or cancel a zone request).

    Refused: a move the table does not list (409), by someone whose side may not make it
    (403), or without the reason or outcome it needs (422). Nothing changes then.
    """
    require_visible(session, actor, request)
    if request.is_zone_parent:
        if action != "cancel":
            raise InvalidRequest(
                "a request to a zone moves with its members' requests; only cancel applies",
                field="action",
            )
        return cancel(session, actor, request, reason=body.reason)
    handlers = {
        "submit": lambda: submit(session, actor, request),
        "receive": lambda: receive(session, actor, request),
        "accept": lambda: accept(session, actor, request),
        "reject": lambda: reject(session, actor, request, reason=body.reason),
        "start": lambda: start(session, actor, request),
        "hold": lambda: hold(session, actor, request, reason=body.reason),
        "resume": lambda: resume(session, actor, request),
        "complete": lambda: complete(
            session, actor, request, outcome=body.outcome, outcome_code=body.outcome_code
        ),
        "cancel": lambda: cancel(session, actor, request, reason=body.reason),
    }
    handler = handlers.get(action)
    if handler is None:
        # Let the table say what is allowed from here.
        REQUEST_TABLE.next_status(request.status, action)
        raise InvalidRequest(f"unknown action {action!r}", field="action")
    handler()
    return request


def submit(session: Session, actor: Actor, request: AssistanceRequest) -> AssistanceRequest:
    """Send a draft: the addressee hears of it and the deadline starts."""
    if not may_request(session, actor, request):
        refuse(actor, request, "submit", "assist.request")
    step(session, actor, request, "submit", values={"requested_at": clock.now()})
    if request.is_zone_parent:
        _fan_out(session, actor, request)
    else:
        start_clock(session, actor, request, None)
        tell_receiver(session, request, "assistance.requested")
    return request


def receive(session: Session, actor: Actor, request: AssistanceRequest) -> AssistanceRequest:
    if not may_route(session, actor, request):
        refuse(actor, request, "receive", "assist.route")
    step(session, actor, request, "receive", values={"received_at": clock.now()})
    tell_requester(session, request, "assistance.received", live_only=True)
    return request


def accept(session: Session, actor: Actor, request: AssistanceRequest) -> AssistanceRequest:
    """The receiving liaison takes the request on; in claim mode this is the claim, and the
    other members' requests close (a second claim loses with 409)."""
    if not may_route(session, actor, request):
        refuse(actor, request, "accept", "assist.route")
    now = clock.now()
    if request.status is S.REQUESTED:
        step(session, actor, request, "receive", values={"received_at": now})
    if request.parent_id is not None and request.zone_mode == ZoneMode.CLAIM:
        _claim(session, actor, request)
    step(
        session,
        actor,
        request,
        "accept",
        values={
            "accepted_at": now,
            "handled_by": actor.username[:80],
            "handled_by_user_id": actor.user_id,
        },
    )
    tell_requester(session, request, "assistance.accepted")
    _settle_parent(session, actor, request)
    return request


def reject(
    session: Session, actor: Actor, request: AssistanceRequest, *, reason: str
) -> AssistanceRequest:
    if not may_route(session, actor, request):
        refuse(actor, request, "reject", "assist.route")
    why = _reason(reason, "reject")
    if request.status is S.REQUESTED:
        step(session, actor, request, "receive", values={"received_at": clock.now()})
    step(session, actor, request, "reject", values={"status_reason": why}, reason=why)
    stop_clocks(session, actor, request, "rejected")
    tell_requester(session, request, "assistance.rejected")
    _settle_parent(session, actor, request)
    return request


def start(session: Session, actor: Actor, request: AssistanceRequest) -> AssistanceRequest:
    if not may_work(session, actor, request):
        refuse(actor, request, "start", "assist.work")
    values: dict[str, Any] = {}
    if request.handled_by is None:
        values = {"handled_by": actor.username[:80], "handled_by_user_id": actor.user_id}
    step(session, actor, request, "start", values=values)
    tell_requester(session, request, "assistance.in_progress", live_only=True)
    return request


def hold(
    session: Session, actor: Actor, request: AssistanceRequest, *, reason: str
) -> AssistanceRequest:
    """Pause the work and the deadline, with the reason (waiting on the requester, say)."""
    if not may_work(session, actor, request):
        refuse(actor, request, "hold", "assist.work")
    why = _reason(reason, "hold")
    step(session, actor, request, "hold", values={"status_reason": why}, reason=why)
    for c in open_clocks(session, request):
        if c.status is SlaStatus.RUNNING:
            deadlines.pause_clock(session, actor, c, reason=why)
    tell_requester(session, request, "assistance.on_hold")
    return request


def resume(session: Session, actor: Actor, request: AssistanceRequest) -> AssistanceRequest:
    if not may_work(session, actor, request):
        refuse(actor, request, "resume", "assist.work")
    step(session, actor, request, "resume")
    for c in open_clocks(session, request):
        if c.status is SlaStatus.PAUSED:
            deadlines.resume_clock(session, actor, c)
    tell_requester(session, request, "assistance.resumed", live_only=True)
    return request


def complete(
    session: Session,
    actor: Actor,
    request: AssistanceRequest,
    *,
    outcome: str,
    outcome_code: OutcomeCode | str | None,
) -> AssistanceRequest:
    """Close with the outcome: the result in words ("suspect arrested and handed over") and
    whether it was achieved; files go to the request as attachments."""
    if not may_work(session, actor, request):
        refuse(actor, request, "complete", "assist.work")
    text = outcome.strip()
    if not text:
        raise InvalidRequest("say what came of it (the outcome)", field="outcome")
    try:
        code = OutcomeCode(outcome_code or OutcomeCode.ACHIEVED)
    except ValueError:
        raise InvalidRequest(
            f"outcome_code is one of {', '.join(OutcomeCode)}", field="outcome_code"
        ) from None
    step(
        session,
        actor,
        request,
        "complete",
        values={"completed_at": clock.now(), "outcome": text, "outcome_code": code.value},
    )
    stop_clocks(session, actor, request, "completed")
    tell_requester(session, request, "assistance.completed")
    _settle_parent(session, actor, request)
    return request


def cancel(
    session: Session, actor: Actor, request: AssistanceRequest, *, reason: str
) -> AssistanceRequest:
    """The requester withdraws the request (a zone request: every member's request too)."""
    if not may_request(session, actor, request):
        refuse(actor, request, "cancel", "assist.request")
    why = _reason(reason, "cancel")
    sent = request.status is not S.DRAFT  # a draft was never seen by the other side
    step(session, actor, request, "cancel", values={"status_reason": why}, reason=why)
    stop_clocks(session, actor, request, "cancelled")
    if request.is_zone_parent:
        for child in children_of(session, request):
            if child.status not in CLOSED:
                _close_child(session, actor, child, f"{request.reference} cancelled: {why}")
    elif sent:
        tell_receiver(session, request, "assistance.cancelled")
        _settle_parent(session, actor, request)
    return request


def _fan_out(session: Session, actor: Actor, parent: AssistanceRequest) -> None:
    zone = session.get(Zone, parent.zone_id)
    assert zone is not None
    requester = parent.requesting_agency
    for member in addressing.zone_recipients(session, requester, zone):
        child = new_request(
            session,
            actor,
            requester=requester,
            addressee=member,
            template=parent,
            parent=parent,
            zone=zone,
        )
        step(session, actor, child, "submit", values={"requested_at": clock.now()})
        start_clock(session, actor, child, None)
        tell_receiver(session, child, "assistance.requested")


def _claim(session: Session, actor: Actor, child: AssistanceRequest) -> None:
    """Take a claim-mode zone request for this member: one conditional UPDATE on the parent,
    so of two members claiming at once exactly one wins."""
    assert child.parent_id is not None
    claimed = cast(
        CursorResult[Any],
        session.execute(
            update(AssistanceRequest)
            .where(
                AssistanceRequest.id == child.parent_id,
                AssistanceRequest.claimed_by_agency_id.is_(None),
            )
            .values(claimed_by_agency_id=child.addressee_agency_id)
            .execution_options(synchronize_session=False)
        ),
    )
    if claimed.rowcount != 1:
        parent = session.get(AssistanceRequest, child.parent_id, populate_existing=True)
        holder = session.get(Agency, parent.claimed_by_agency_id) if parent else None
        raise AlreadyClaimed(
            f"this zone request was already taken by {holder.code if holder else 'another member'}",
            field="request",
            claimed_by=holder.code if holder else None,
        )
    for sibling in session.scalars(
        select(AssistanceRequest).where(
            AssistanceRequest.parent_id == child.parent_id, AssistanceRequest.id != child.id
        )
    ):
        if sibling.status not in CLOSED:
            who = child.addressee_agency.code if child.addressee_agency else "another member"
            _close_child(session, actor, sibling, f"taken by {who}")


def _close_child(session: Session, actor: Actor, child: AssistanceRequest, why: str) -> None:
    """Close a member's request on the zone's behalf (the claim was won, or the requester
    withdrew the zone request)."""
    system = Actor.system("assistance-zone")
    step(session, system, child, "cancel", values={"status_reason": why}, reason=why)
    stop_clocks(session, system, child, "cancelled")
    tell_receiver(session, child, "assistance.cancelled")


def _settle_parent(session: Session, actor: Actor, child: AssistanceRequest) -> None:
    """Move a zone request as its children moved: in progress once one accepted; closed when
    all are (completed if one completed). The parent row is locked first, so two children
    closing at once settle it one after the other."""
    if child.parent_id is None:
        return
    parent = session.scalars(
        select(AssistanceRequest)
        .where(AssistanceRequest.id == child.parent_id)
        .with_for_update(of=AssistanceRequest)
        .execution_options(populate_existing=True)
    ).one()
    if parent.status in CLOSED:
        return
    statuses = [c.status for c in children_of(session, parent)]
    system = Actor.system("assistance-zone")
    worked = {S.ACCEPTED, S.IN_PROGRESS, S.ON_HOLD, S.COMPLETED}
    if parent.status is S.REQUESTED and any(s in worked for s in statuses):
        step(session, system, parent, "start")
    if not all(s in CLOSED for s in statuses):
        return
    done = sum(s is S.COMPLETED for s in statuses)
    summary = f"{done} of {len(statuses)} members completed"
    if done:
        step(
            session,
            system,
            parent,
            "complete",
            values={
                "completed_at": clock.now(),
                "outcome": summary,
                "outcome_code": (
                    OutcomeCode.ACHIEVED if done == len(statuses) else OutcomeCode.PARTLY
                ).value,
            },
        )
        event = "assistance.completed"
    elif parent.status is S.REQUESTED:
        step(session, system, parent, "reject", values={"status_reason": summary}, reason=summary)
        event = "assistance.rejected"
    else:
        step(session, system, parent, "cancel", values={"status_reason": summary}, reason=summary)
        event = "assistance.cancelled"
    tell_requester(session, parent, event)
