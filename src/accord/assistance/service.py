"""Assistance requests: send, receive, accept or reject, work, hold, complete, cancel.

A request to one agency carries an SLA clock owed by the addressee (urgent 8 hours and high 3
days on the wall clock, routine 7 business days; paused while on hold; the kernel's sweep
reminds and escalates to the addressee's parent, or for foreign police to the zone's
secretariat). Every move goes through the kernel's `transition()` (compare-and-set on the
version column, audited), is entered in the request's history, and is announced to the other
side through the outbox (inbox, live, e-mail, webhooks: reference and link only).

A request to a whole zone is a parent with one child per member; in claim mode the first
member to accept takes it and the other children close. The parent moves as its children do.

Who sees a request: the requesting agency, the addressee and the agency now handling it (and
whoever holds `assist.read` over them through a grant that covers subordinates), and the
secretariat of the zone it went through. Every read shows personal data and is audited with
the purpose "assistance request <reference>".
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from typing import Any, cast

from sqlalchemy import or_, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from accord.agencies.models import Agency
from accord.agencies.service import subtree_ids
from accord.assistance import addressing
from accord.assistance.access import (
    OBJECT_TYPE,
    InvalidRequest,
    agency_by_code,
    get_request,
    may_route,
    purpose_of,
    refuse,
    request_subjects,
    require_visible,
    scope_of,
)
from accord.assistance.clocks import start_clock
from accord.assistance.drafts import new_request
from accord.assistance.kinds import (
    CLAIMABLE_TYPES,
    SubjectKind,
    Urgency,
    ZoneMode,
)
from accord.assistance.models import AssistanceRequest
from accord.assistance.moves import record_event, step, submit
from accord.assistance.notices import tell_receiver, tell_requester
from accord.assistance.schemas import RequestIn
from accord.assistance.transitions import CLOSED, RequestStatus
from accord.audit import service as audit
from accord.core import clock
from accord.core.errors import InvalidInput
from accord.core.pagination import DEFAULT_LIMIT, Page, paginate
from accord.core.workflow import StaleState
from accord.security import policy
from accord.security.actor import Actor
from accord.zones import service as zones_service
from accord.zones.models import Zone

S = RequestStatus
BOXES = ("inbox", "sent", "all")


def read_request(session: Session, actor: Actor, key: str) -> AssistanceRequest:
    """A request the actor may see; the read is audited. The receiving side's first read by
    someone who may act on it marks the request received."""
    request = get_request(session, key)
    require_visible(session, actor, request)
    audit.record(
        session,
        actor,
        action="assistance_request.read",
        object_type=OBJECT_TYPE,
        object_id=request.id,
        purpose=purpose_of(request),
        case_ref=request.case_reference or None,
        subjects=request_subjects(request),
        detail={"reference": request.reference},
    )
    if request.status is S.REQUESTED and not actor.is_system and may_route(session, actor, request):
        try:
            step(session, actor, request, "receive", values={"received_at": clock.now()})
        except StaleState:
            # Someone else moved it first (two liaisons opening it at once): the compare-and-
            # set wrote nothing, so the read goes on with the request as it now stands.
            session.refresh(request)
        else:
            tell_requester(session, request, "assistance.received", live_only=True)
    return request


def _box_filter(session: Session, actor: Actor, box: str) -> Any:
    scope = scope_of(session, actor, "assist.read")
    if scope is policy.ALL:
        if box == "all":
            return None
        scope = {actor.agency_id} if actor.agency_id else set()
    ids = scope or {uuid.UUID(int=0)}
    received = or_(
        AssistanceRequest.addressee_agency_id.in_(ids),
        AssistanceRequest.handling_agency_id.in_(ids),
    )
    sent = AssistanceRequest.requesting_agency_id.in_(ids)
    if box == "inbox":
        return received
    if box == "sent":
        return sent
    return or_(received, sent)


def list_requests(
    session: Session,
    actor: Actor,
    *,
    box: str = "inbox",
    statuses: Iterable[str] = (),
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Page[AssistanceRequest]:
    """The requests of the actor's agencies, newest first: received (`inbox`), `sent`, or
    both (`all`). A zone parent shows in `sent`; its members see their own children."""
    policy.require(actor, "assist.read")
    if box not in BOXES:
        raise InvalidInput(f"box is one of {', '.join(BOXES)}", field="box")
    wanted = [RequestStatus(s) for s in statuses] if statuses else []
    stmt = select(AssistanceRequest)
    condition = _box_filter(session, actor, box)
    if condition is not None:
        stmt = stmt.where(condition)
    if box == "inbox":
        stmt = stmt.where(AssistanceRequest.status != S.DRAFT)
    if wanted:
        stmt = stmt.where(AssistanceRequest.status.in_(wanted))
    return paginate(
        session, stmt, keys=[AssistanceRequest.id], cursor=cursor, limit=limit, descending=True
    )


def requesting_agency_for(session: Session, actor: Actor, code: str | None) -> Agency:
    """The agency the actor asks for: the named one, or the actor's own."""
    if code:
        agency = agency_by_code(session, code, "requesting_agency")
    elif actor.agency_id is not None:
        found = session.get(Agency, actor.agency_id)
        assert found is not None
        agency = found
    else:
        raise InvalidRequest("name the requesting agency", field="requesting_agency")
    policy.require_agency(session, actor, "assist.request", agency.id)
    return agency


def create_request(
    session: Session,
    actor: Actor,
    data: RequestIn,
    *,
    followup_id: uuid.UUID | None = None,
) -> AssistanceRequest:
    """Create a request (sent at once unless `draft`), to one agency or to a whole zone.

    Refused before anything is written: an addressee the requester may not address (422
    `addressee_not_allowed`), an unknown agency or zone, claim mode for a type that is not
    claimable, a deadline out of range.
    """
    policy.require(actor, "assist.request")
    requester = requesting_agency_for(session, actor, data.requesting_agency)
    if data.zone:
        zone = zones_service.get_zone(session, data.zone)
        if data.zone_mode is ZoneMode.CLAIM and data.request_type not in CLAIMABLE_TYPES:
            raise InvalidRequest(
                f"claim mode is for {', '.join(sorted(CLAIMABLE_TYPES))} requests",
                field="zone_mode",
            )
        if data.deadline is not None:
            raise InvalidRequest(
                "a zone request takes the urgency's deadline for every member", field="deadline"
            )
        addressing.zone_recipients(session, requester, zone)  # refuse now, not at send
        request = new_request(
            session,
            actor,
            requester=requester,
            addressee=None,
            template=data,
            zone=zone,
            zone_mode=data.zone_mode,
            followup_id=followup_id,
        )
        if not data.draft:
            submit(session, actor, request)
        return request
    assert data.addressee is not None
    addressee = agency_by_code(session, data.addressee, "addressee")
    path = addressing.path_to(session, requester, addressee)
    via = session.get(Zone, path.zone_id) if path.zone_id else None
    request = new_request(
        session,
        actor,
        requester=requester,
        addressee=addressee,
        template=data,
        zone=via,
        followup_id=followup_id,
    )
    if not data.draft:
        step(session, actor, request, "submit", values={"requested_at": clock.now()})
        start_clock(session, actor, request, data.deadline)
        tell_receiver(session, request, "assistance.requested")
    return request


def _compare_and_set(
    session: Session, request: AssistanceRequest, values: Mapping[str, Any], action: str
) -> None:
    expected = request.version
    result = cast(
        CursorResult[Any],
        session.execute(
            update(AssistanceRequest)
            .where(AssistanceRequest.id == request.id, AssistanceRequest.version == expected)
            .values({**values, "version": expected + 1, "updated_at": clock.now()})
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        raise StaleState(
            f"this assistance request was changed by someone else since you loaded it; reload "
            f"and try again ({action} not done)",
            action=action,
            loaded_version=expected,
        )
    session.refresh(request)


def reassign(
    session: Session,
    actor: Actor,
    request: AssistanceRequest,
    *,
    agency_code: str | None,
    unit: str = "",
    note: str = "",
) -> AssistanceRequest:
    """Hand the work to a subordinate agency or unit of the addressee; the thread, the
    reference and the deadline stay as they are."""
    require_visible(session, actor, request)
    if request.is_zone_parent or request.addressee_agency_id is None:
        raise InvalidRequest("a zone request is handled by its members", field="request")
    if request.status in CLOSED or request.status is S.DRAFT:
        raise InvalidRequest(
            f"a {request.status.value} request cannot be reassigned", field="request"
        )
    if not may_route(session, actor, request):
        refuse(actor, request, "reassign", "assist.route")
    target = (
        agency_by_code(session, agency_code, "agency")
        if agency_code
        else request.handling_agency or request.addressee_agency
    )
    assert target is not None
    if target.id not in subtree_ids(session, request.addressee_agency_id):
        raise InvalidRequest(
            f"{target.code} is not inside the receiving agency: reassign within it, or forward",
            field="agency",
        )
    before = request.handling_agency.code if request.handling_agency else None
    _compare_and_set(
        session,
        request,
        {"handling_agency_id": target.id, "handling_unit": unit.strip()[:200]},
        "reassign",
    )
    detail = f"{before} → {target.code}" + (f" / {unit.strip()}" if unit.strip() else "")
    record_event(session, actor, request, "reassign", (note.strip() or detail)[:4000])
    audit.record(
        session,
        actor,
        action="assistance_request.reassigned",
        object_type=OBJECT_TYPE,
        object_id=request.id,
        subjects=request_subjects(request),
        detail={"reference": request.reference, "from": before, "to": target.code, "unit": unit},
    )
    tell_receiver(session, request, "assistance.reassigned")
    return request


def transfer_from_followup(
    session: Session, actor: Actor, followup_key: str
) -> tuple[AssistanceRequest, bool]:
    """From a confirmed hit follow-up, the issuing agency asks the finding agency to hold and
    hand over the subject: an urgent (or high) arrest-and-transfer request linked to the
    follow-up. A second click returns the request already made (False: not new)."""
    from accord.alerts import followups
    from accord.alerts.followup_transitions import FollowUpStatus, Outcome

    followup = followups.get_followup(session, followup_key)
    followups.require_visible(session, actor, followup)
    existing = session.scalars(
        select(AssistanceRequest).where(AssistanceRequest.followup_id == followup.id)
    ).one_or_none()
    if existing is not None:
        require_visible(session, actor, existing)
        return existing, False
    confirmed = followup.status is FollowUpStatus.CONFIRMED or (
        followup.status is FollowUpStatus.CLOSED and followup.outcome is Outcome.CARRIED_OUT
    )
    if not confirmed:
        raise InvalidRequest(
            f"{followup.reference} is {followup.status.value}: a transfer follows a confirmed hit",
            field="followup",
        )
    alert = followup.alert
    subject = alert.subject or {}
    item: dict[str, Any]
    if subject.get("plate"):
        item = {"kind": SubjectKind.VEHICLE.value, "value": str(subject["plate"])}
    else:
        item = {
            "kind": SubjectKind.PERSON.value,
            "value": str(subject.get("id_number") or subject.get("passport_number") or ""),
            "name": str(subject.get("name") or ""),
        }
    data = RequestIn.model_validate(
        {
            "request_type": "arrest_transfer",
            "urgency": Urgency.URGENT if followup.urgent else Urgency.HIGH,
            "addressee": followup.finding_agency.code,
            "requesting_agency": followup.issuing_agency.code,
            "title": f"押解移交 · Transfer of the subject of alert {alert.ref} "
            f"(hit {followup.reference})",
            "description": (
                f"Hit {followup.reference} on alert {alert.ref} was confirmed. "
                f"Action on the hit: {followup.action_to_take or alert.action_on_hit or ''}"
            ).strip(),
            "legal_basis": alert.legal_basis or "",
            "case_reference": followup.check.case_ref or "",
            "subjects": [item] if item.get("value") or item.get("name") else [],
            "handling_code": alert.handling_code or "H0",
            "handling_text": alert.handling_text,
        }
    )
    return create_request(session, actor, data, followup_id=followup.id), True
