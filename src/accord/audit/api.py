"""Audit routes under /api/v1: who looked at a subject, the event log, verification, reports.

Auditors and platform administrators only (`audit.read`, `audit.verify`).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from accord.audit import reports, service
from accord.audit.chain import VerifyResult
from accord.audit.models import AuditEvent
from accord.audit.schemas import (
    BaselineOut,
    CheckpointOut,
    EventOut,
    EventPage,
    LookOut,
    SubjectOut,
    UnlinkedChecksOut,
    UnusualDayOut,
    VerifyOut,
    VolumeReportOut,
    WhoLookedOut,
)
from accord.core import clock
from accord.core.pagination import DEFAULT_LIMIT, MAX_LIMIT
from accord.security.actor import Actor
from accord.security.deps import require
from accord.web.deps import DbSession
from accord.web.problems import PROBLEM_RESPONSES

router = APIRouter(prefix="/audit", tags=["audit"], responses=PROBLEM_RESPONSES)

Reader = Annotated[Actor, Depends(require("audit.read"))]
Verifier = Annotated[Actor, Depends(require("audit.verify"))]
Since = Annotated[datetime | None, Query(description="From this instant (ISO 8601 with offset)")]
Until = Annotated[datetime | None, Query(description="Before this instant (ISO 8601 with offset)")]


def events_out(session: Session, events: list[AuditEvent]) -> list[EventOut]:
    subjects = service.subjects_of(session, [e.id for e in events])
    codes = service.agency_codes(session, [e.actor_agency_id for e in events])
    return [
        EventOut(
            id=str(e.id),
            occurred_at=e.occurred_at,
            username=e.actor_username,
            agency_code=codes.get(e.actor_agency_id),
            via=e.via,
            action=e.action,
            object_type=e.object_type,
            object_id=e.object_id,
            purpose=e.purpose,
            case_ref=e.case_ref,
            outcome=e.outcome,
            client_addr=e.client_addr,
            detail=e.detail,
            subjects=[SubjectOut(kind=s.kind, key=s.key) for s in subjects.get(e.id, [])],
        )
        for e in events
    ]


def verify_out(result: VerifyResult) -> VerifyOut:
    cp = result.last_checkpoint
    return VerifyOut(
        ok=result.ok,
        summary=result.summary(),
        checked=result.checked,
        first_break=result.first_break,
        reason=result.reason,
        last_checkpoint=CheckpointOut(**asdict(cp)) if cp else None,
        checkpoints=result.checkpoints,
        pending=result.pending,
    )


@router.get("/who-looked", response_model=WhoLookedOut)
def who_looked(
    session: DbSession,
    actor: Reader,
    subject: Annotated[
        str, Query(max_length=160, description="KIND:KEY, e.g. resident_id:110101199003071234")
    ],
    since: Since = None,
    until: Until = None,
    purpose: Annotated[str | None, Query(max_length=500)] = None,
    case_ref: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=service.WHO_LOOKED_MAX)] = 200,
) -> WhoLookedOut:
    """Who looked at a person or thing, when and why, newest first. The question is audited."""
    parsed = service.parse_subject(subject)
    looks = service.who_looked(
        session,
        actor,
        parsed,
        since=since,
        until=until,
        limit=limit,
        purpose=purpose,
        case_ref=case_ref,
    )
    session.commit()
    return WhoLookedOut(
        subject=SubjectOut(kind=parsed.kind, key=parsed.key),
        looks=[LookOut.model_validate(look.as_dict()) for look in looks],
    )


@router.get("/events", response_model=EventPage)
def list_events(
    session: DbSession,
    actor: Reader,
    action: Annotated[str | None, Query(max_length=80, description="Action or prefix")] = None,
    user: Annotated[str | None, Query(max_length=80, description="Username")] = None,
    agency: Annotated[str | None, Query(max_length=32, description="Agency code")] = None,
    since: Since = None,
    until: Until = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> EventPage:
    """Audit events in the order they were recorded, a page at a time."""
    page = service.list_events(
        session,
        actor,
        action=action,
        user=user,
        agency=agency,
        since=since,
        until=until,
        cursor=cursor,
        limit=limit,
    )
    return EventPage(items=events_out(session, page.items), next_cursor=page.next_cursor)


@router.get("/verify", response_model=VerifyOut)
def verify(session: DbSession, actor: Verifier) -> VerifyOut:
    """Verify the hash chain and its signed checkpoints; `first_break` names the first break."""
    return verify_out(service.verify_chain(session, actor))


def _period(since: datetime | None, until: datetime | None) -> tuple[datetime, datetime]:
    until = until or clock.now()
    return since or until - timedelta(days=7), until


@router.get("/reports/checks-without-case", response_model=list[UnlinkedChecksOut])
def checks_without_case(
    session: DbSession, actor: Reader, since: Since = None, until: Until = None
) -> list[UnlinkedChecksOut]:
    """Per user, checks and searches without a case reference (default: the last 7 days)."""
    start, end = _period(since, until)
    rows = reports.checks_without_case(session, actor, since=start, until=end)
    return [UnlinkedChecksOut.model_validate(asdict(r)) for r in rows]


@router.get("/reports/unusual-volume", response_model=VolumeReportOut)
def unusual_volume(
    session: DbSession,
    actor: Reader,
    since: Since = None,
    until: Until = None,
    threshold: Annotated[float, Query(gt=0, le=100)] = reports.DEFAULT_Z,
    min_count: Annotated[int, Query(ge=1)] = reports.DEFAULT_MIN_COUNT,
) -> VolumeReportOut:
    """User-days whose query count is unusual for the user's role (default: the last 7 days)."""
    start, end = _period(since, until)
    report = reports.unusual_volume(
        session, actor, since=start, until=end, threshold=threshold, min_count=min_count
    )
    return VolumeReportOut(
        flagged=[UnusualDayOut.model_validate(asdict(d)) for d in report.flagged],
        baselines=[BaselineOut.model_validate(asdict(b)) for b in report.baselines.values()],
        threshold=report.threshold,
        min_count=report.min_count,
    )
