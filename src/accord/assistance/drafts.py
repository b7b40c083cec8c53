"""A new request row with its reference number, from a requester's form or from another
request (a zone's member request, a forward); the moves take it from there."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from accord.agencies.models import Agency
from accord.assistance.access import OBJECT_TYPE, case_key, purpose_of, request_subjects
from accord.assistance.kinds import ZoneMode
from accord.assistance.models import AssistanceRequest
from accord.assistance.schemas import RequestIn
from accord.assistance.transitions import RequestStatus
from accord.audit import service as audit
from accord.core import clock, refs
from accord.core.ids import uuid7
from accord.security.actor import Actor
from accord.zones.models import Zone

S = RequestStatus


def new_request(
    session: Session,
    actor: Actor,
    *,
    requester: Agency,
    addressee: Agency | None,
    template: RequestIn | AssistanceRequest,
    parent: AssistanceRequest | None = None,
    zone: Zone | None = None,
    zone_mode: ZoneMode | None = None,
    thread_id: uuid.UUID | None = None,
    forwarded_from: AssistanceRequest | None = None,
    followup_id: uuid.UUID | None = None,
) -> AssistanceRequest:
    """A new request row (draft) with its reference number; the caller moves it on."""
    request_id = uuid7()
    now = clock.now()
    reference = refs.allocate(
        session,
        agency_id=requester.id,
        prefix=requester.prefix,
        kind=OBJECT_TYPE,
        object_id=request_id,
        # The index title shows in searches and "my work": the type and the reference only.
        title=f"协查 · Assistance request ({template.request_type})",
        at=now,
    )
    if isinstance(template, RequestIn):
        fields = fields_of(template)
    else:
        fields = {
            name: getattr(template, name)
            for name in (
                "request_type",
                "urgency",
                "title",
                "description",
                "legal_basis",
                "case_reference",
                "case_key",
                "subjects",
                "handling_code",
                "handling_text",
                "source_reliability",
                "information_accuracy",
            )
        }
    mode = zone_mode or (ZoneMode(parent.zone_mode) if parent and parent.zone_mode else None)
    request = AssistanceRequest(
        id=request_id,
        reference=reference,
        status=S.DRAFT,
        version=1,
        thread_id=thread_id or (parent.thread_id if parent else request_id),
        parent_id=parent.id if parent else None,
        forwarded_from_id=forwarded_from.id if forwarded_from else None,
        zone_id=zone.id if zone else None,
        zone_mode=mode.value if mode else None,
        requesting_agency_id=requester.id,
        requested_by=actor.username[:80],
        requested_by_user_id=actor.user_id,
        addressee_agency_id=addressee.id if addressee else None,
        handling_agency_id=addressee.id if addressee else None,
        followup_id=followup_id,
        created_at=now,
        updated_at=now,
        **fields,
    )
    session.add(request)
    session.flush()
    audit.record(
        session,
        actor,
        action="assistance_request.created",
        object_type=OBJECT_TYPE,
        object_id=request.id,
        purpose=purpose_of(request),
        case_ref=request.case_reference or None,
        subjects=request_subjects(request),
        detail={
            "reference": reference,
            "type": request.request_type,
            "urgency": request.urgency,
            "addressee": addressee.code if addressee else None,
            "zone": zone.code if zone else None,
            "parent": parent.reference if parent else None,
            "forwarded_from": forwarded_from.reference if forwarded_from else None,
            "handling_code": request.handling_code,
        },
    )
    return request


def fields_of(data: RequestIn) -> dict[str, Any]:
    return {
        "request_type": data.request_type,
        "urgency": data.urgency.value,
        "title": data.title,
        "description": data.description,
        "legal_basis": data.legal_basis,
        "case_reference": data.case_reference,
        "case_key": case_key(data.case_reference),
        "subjects": [s.model_dump(mode="json", exclude_defaults=False) for s in data.subjects],
        "handling_code": data.handling_code.value,
        "handling_text": data.handling_text,
        "source_reliability": data.source_reliability.value if data.source_reliability else None,
        "information_accuracy": (
            data.information_accuracy.value if data.information_accuracy else None
        ),
    }
