"""Finding an assistance request and deciding who sees it and who may move it.

Who sees a request: the requesting agency, the addressee and the agency now handling it (and
whoever holds `assist.read` over them through a grant that covers subordinates), and the
secretariat of the zone it went through. The requesting side sends and cancels
(`assist.request`); the receiving side's liaison routes it (`assist.route`: receive, accept,
reject, reassign, forward) and its officers work it (`assist.work`).
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.agencies.models import Agency
from accord.assistance.kinds import SubjectKind
from accord.assistance.models import AssistanceMessage, AssistanceRequest
from accord.assistance.transitions import RequestStatus
from accord.audit import subjects as audit_subjects
from accord.audit.subjects import Subject
from accord.core import refs
from accord.core.errors import InvalidInput, NotFound
from accord.security import policy
from accord.security.actor import Actor, Role

OBJECT_TYPE = "assistance_request"
S = RequestStatus


class RequestNotFound(NotFound):
    code = "assistance_request_not_found"
    title = "Assistance request not found"


class InvalidRequest(InvalidInput):
    code = "invalid_assistance_request"
    title = "Invalid assistance request"


def purpose_of(request: AssistanceRequest) -> str:
    """The purpose every read and change of the request is audited with."""
    return f"assistance request {request.reference}"


def get_request(session: Session, key: str) -> AssistanceRequest:
    """A request by its id or its reference number (any spelling)."""
    found = refs.find(session, AssistanceRequest, key)
    if found is None:
        raise RequestNotFound(f"no assistance request {key!r}", field="request")
    return found


def agency_by_code(session: Session, code: str, field: str) -> Agency:
    agency = session.scalars(select(Agency).where(Agency.code == code.strip())).one_or_none()
    if agency is None:
        raise InvalidRequest(f"no agency has the code {code!r}", field=field)
    return agency


def scope_of(session: Session, actor: Actor, permission: str) -> set[uuid.UUID] | None:
    return policy.agencies_in_scope(session, actor, permission)


def covers(scope: set[uuid.UUID] | None, *agency_ids: uuid.UUID | None) -> bool:
    return any(policy.in_scope(scope, a) for a in agency_ids if a is not None)


def on_requester_side(session: Session, actor: Actor, request: AssistanceRequest) -> bool:
    return covers(scope_of(session, actor, "assist.read"), request.requesting_agency_id)


def on_receiver_side(session: Session, actor: Actor, request: AssistanceRequest) -> bool:
    scope = scope_of(session, actor, "assist.read")
    return covers(scope, request.addressee_agency_id, request.handling_agency_id)


def zone_secretariat(actor: Actor, request: AssistanceRequest) -> bool:
    return request.zone_id is not None and any(
        g.role is Role.SECRETARIAT and g.zone_id == request.zone_id for g in actor.grants
    )


def may_see(session: Session, actor: Actor, request: AssistanceRequest) -> bool:
    if actor.is_system:
        return True
    if not policy.allows(actor, "assist.read"):
        return False
    return (
        on_requester_side(session, actor, request)
        or on_receiver_side(session, actor, request)
        or zone_secretariat(actor, request)
    )


def require_visible(session: Session, actor: Actor, request: AssistanceRequest) -> None:
    """Refuse (403, audited) anyone but the two sides, those above them and the secretariat."""
    policy.require(actor, "assist.read")
    if not may_see(session, actor, request):
        raise policy.PermissionDenied(
            f"{actor.username} may not see assistance request {request.reference}",
            actor=actor,
            permission="assist.read",
        )


def request_subjects(request: AssistanceRequest) -> list[Subject]:
    """Whom the request concerns, for the audit log: the request and its subjects' keys."""
    found = [Subject("entity", str(request.id))]
    for item in request.subjects:
        try:
            found.extend(subject_keys(item))
        except InvalidInput:
            continue  # a key the audit index cannot hold; the entity subject still finds it
    return found


def subject_keys(item: Mapping[str, Any]) -> list[Subject]:
    """The audit subjects of one request subject (none for a person given by name only)."""
    value = str(item.get("value") or "").strip()
    if not value:
        return []
    kind = SubjectKind(item["kind"])
    if kind is SubjectKind.PERSON:
        digits = audit_subjects.resident_id_key(value)
        looks_like_id = len(digits) in (15, 18) and digits[:-1].isdigit()
        return [
            audit_subjects.resident_id(value) if looks_like_id else audit_subjects.passport(value)
        ]
    if kind is SubjectKind.VEHICLE:
        return [audit_subjects.plate(value)]
    if kind is SubjectKind.PHONE:
        return [audit_subjects.phone(value)]
    return [audit_subjects.account(value)]


def case_key(text: str) -> str:
    """A case reference as a key: NFKC, upper case, without blanks."""
    return "".join(unicodedata.normalize("NFKC", text).upper().split())[:100]


def may_request(session: Session, actor: Actor, request: AssistanceRequest) -> bool:
    return covers(scope_of(session, actor, "assist.request"), request.requesting_agency_id)


def may_route(session: Session, actor: Actor, request: AssistanceRequest) -> bool:
    scope = scope_of(session, actor, "assist.route")
    return covers(scope, request.addressee_agency_id, request.handling_agency_id)


def may_work(session: Session, actor: Actor, request: AssistanceRequest) -> bool:
    scope = scope_of(session, actor, "assist.work")
    return covers(scope, request.handling_agency_id or request.addressee_agency_id)


def refuse(actor: Actor, request: AssistanceRequest, action: str, permission: str) -> None:
    raise policy.PermissionDenied(
        f"{actor.username} may not {action} assistance request {request.reference}",
        actor=actor,
        permission=permission,
    )


def attachment_access(object_type: str) -> Callable[[Session, Actor, str], bool]:
    """The attachments kernel's check for files on a request or on one of its messages."""

    def check(session: Session, actor: Actor, object_id: str) -> bool:
        try:
            key = uuid.UUID(object_id)
        except ValueError:
            return False
        if object_type == "assistance_message":
            message = session.get(AssistanceMessage, key)
            if message is None:
                return False
            key = message.request_id
        request = session.get(AssistanceRequest, key)
        return request is not None and may_see(session, actor, request)

    return check
