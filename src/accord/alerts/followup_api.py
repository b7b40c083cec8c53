"""Hit follow-up routes under /api/v1: report a hit, list the open ones, read one (ETag), and
the moves: claim, confirm, refuse (the issuer's liaison), outcome (the finding agency), and
fulfil (the issuer closes the alert after the action was carried out).

Reporting takes an `Idempotency-Key`; the moves honour `If-Match` with the ETag a GET gave.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from accord.agencies.models import Agency
from accord.alerts import followups as service
from accord.alerts.followup_models import HitFollowUp
from accord.alerts.followup_schemas import (
    AgencyRef,
    AlertSummaryOut,
    ClockOut,
    ConfirmIn,
    FollowUpIn,
    FollowUpOut,
    FollowUpPage,
    FollowUpSummary,
    FulfilIn,
    OutcomeIn,
    RefuseIn,
)
from accord.core import clock, idempotency
from accord.core.etag import check_if_match, etag_for, set_etag
from accord.core.pagination import DEFAULT_LIMIT, MAX_LIMIT
from accord.security.actor import Actor
from accord.security.deps import CurrentActor
from accord.web.deps import AuditedReadSession, DbSession
from accord.web.problems import CHANGE_RESPONSES, PROBLEM_RESPONSES

router = APIRouter(tags=["hit follow-ups"], responses=PROBLEM_RESPONSES)


def _agency(a: Agency) -> AgencyRef:
    return AgencyRef(code=a.code, name_zh=a.name_zh, name_en=a.name_en)


def followup_out(session: Session, actor: Actor, f: HitFollowUp) -> FollowUpOut:
    """The follow-up as this actor may see it (alert details withheld where the rules say)."""
    alert = f.alert
    withheld = service.details_withheld(session, actor, f)
    view = service.clock_view(service.clock_of(session, f), clock.now())
    score = f.candidate.get("score")
    return FollowUpOut(
        id=f.id,
        reference=f.reference,
        status=f.status.value,
        version=f.version,
        allowed_actions=service.allowed_actions(session, actor, f),
        urgent=f.urgent,
        alert=AlertSummaryOut(
            id=alert.id,
            ref=alert.ref,
            type=alert.alert_type.value,
            priority=alert.priority.value,
            status=alert.status.value,
            label=None if withheld else alert.label,
            contact=alert.contact,
            action_on_hit=None if withheld else alert.action_on_hit,
            handling_code=alert.handling_code,
            handling_text=alert.handling_text,
            misused_identity=alert.misused_identity,
            distinguishing_facts=(
                alert.distinguishing_facts if alert.misused_identity and not withheld else None
            ),
            withheld=withheld,
        ),
        finding_agency=_agency(f.finding_agency),
        issuing_agency=_agency(f.issuing_agency),
        check_id=f.check_id,
        checked_at=f.check.checked_at,
        purpose=f.check.purpose,
        probe=f.check.probe,
        band=str(f.candidate.get("band", "")),
        score=float(score) if isinstance(score, int | float) else None,
        explanation=[str(e) for e in f.candidate.get("explanation") or []],
        note=f.note,
        reported_by=f.reported_by,
        reported_at=f.reported_at,
        claimed_by=f.claimed_by,
        claimed_at=f.claimed_at,
        answered_by=f.answered_by,
        answered_at=f.answered_at,
        action_to_take=f.action_to_take,
        distinguishing_facts=f.distinguishing_facts,
        cleared=f.clearance_id is not None,
        outcome=f.outcome,
        outcome_reason=f.outcome_reason,
        discreet_report=f.discreet_report,
        outcome_by=f.outcome_by,
        outcome_at=f.outcome_at,
        clock=(
            ClockOut(
                status=view.status,
                due_at=view.due_at,
                remaining_seconds=view.remaining_seconds,
                overdue=view.overdue,
                escalated=view.escalated,
            )
            if view
            else None
        ),
    )


def _response(session: Session, actor: Actor, f: HitFollowUp, status_code: int = 200) -> Response:
    body = followup_out(session, actor, f).model_dump(mode="json")
    response = JSONResponse(body, status_code=status_code)
    set_etag(response, etag_for(f.version, f.id))
    return response


@router.post("/followups", response_model=FollowUpOut, status_code=201, responses=CHANGE_RESPONSES)
def report_hit(
    request: Request, session: DbSession, actor: CurrentActor, body: FollowUpIn
) -> Response:
    """Report a hit (or a possible judged likely) from one of your agency's checks."""
    with idempotency.idempotent(request, session, actor, body) as guard:
        if guard.replay is not None:
            return guard.replay
        followup = service.report_hit(
            session, actor, check_id=body.check_id, alert_id=body.alert_id, note=body.note
        )
        response = _response(session, actor, followup, 201)
        response.headers["Location"] = f"/api/v1/followups/{followup.reference}"
        guard.complete(response)
        session.commit()
        return response


@router.get("/followups", response_model=FollowUpPage)
def list_followups(
    session: DbSession,
    actor: CurrentActor,
    cursor: Annotated[str | None, Query(max_length=500)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> FollowUpPage:
    """The open follow-ups of your agency, both those to answer and those you reported."""
    page = service.list_open(session, actor, cursor=cursor, limit=limit)
    now = clock.now()
    items = []
    for f in page.items:
        view = service.clock_view(service.clock_of(session, f), now)
        running = view is not None and view.running
        items.append(
            FollowUpSummary(
                id=f.id,
                reference=f.reference,
                status=f.status.value,
                side="to_answer"
                if service.side_of(session, actor, f) == "to_answer"
                else "reported_by_us",
                urgent=f.urgent,
                alert_ref=f.alert.ref,
                alert_type=f.alert.alert_type.value,
                finding_agency=f.finding_agency.code,
                issuing_agency=f.issuing_agency.code,
                reported_at=f.reported_at,
                due_at=view.due_at if view is not None and running else None,
                overdue=bool(view is not None and running and view.overdue),
            )
        )
    return FollowUpPage(items=items, next_cursor=page.next_cursor)


@router.get("/followups/{key}", response_model=FollowUpOut)
def get_followup(session: AuditedReadSession, actor: CurrentActor, key: str) -> Response:
    """One follow-up by id or reference, with its ETag for If-Match (the read is audited)."""
    followup = service.read_followup(session, actor, key)
    response = _response(session, actor, followup)
    session.commit()  # the read's audit event
    return response


def _load_for_change(request: Request, session: Session, actor: Actor, key: str) -> HitFollowUp:
    followup = service.get_followup(session, key)
    service.require_visible(session, actor, followup)
    check_if_match(request, etag_for(followup.version, followup.id))
    return followup


@router.post("/followups/{key}/claim", response_model=FollowUpOut, responses=CHANGE_RESPONSES)
def claim(request: Request, session: DbSession, actor: CurrentActor, key: str) -> Response:
    """A liaison of the issuing agency takes the follow-up (a second claim gets 409)."""
    followup = _load_for_change(request, session, actor, key)
    service.claim(session, actor, followup)
    response = _response(session, actor, followup)
    session.commit()
    return response


@router.post("/followups/{key}/confirm", response_model=FollowUpOut, responses=CHANGE_RESPONSES)
def confirm(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: str,
    body: ConfirmIn | None = None,
) -> Response:
    """It is the person: the action to take (the alert's action on a hit if none is given)."""
    followup = _load_for_change(request, session, actor, key)
    service.confirm(session, actor, followup, action=body.action if body else None)
    response = _response(session, actor, followup)
    session.commit()
    return response


@router.post("/followups/{key}/refuse", response_model=FollowUpOut, responses=CHANGE_RESPONSES)
def refuse(
    request: Request, session: DbSession, actor: CurrentActor, key: str, body: RefuseIn
) -> Response:
    """Not the person: the facts that tell them apart (the person is remembered as cleared)."""
    followup = _load_for_change(request, session, actor, key)
    service.refuse(session, actor, followup, facts=body.facts)
    response = _response(session, actor, followup)
    session.commit()
    return response


@router.post("/followups/{key}/outcome", response_model=FollowUpOut, responses=CHANGE_RESPONSES)
def outcome(
    request: Request, session: DbSession, actor: CurrentActor, key: str, body: OutcomeIn
) -> Response:
    """The finding agency: carried_out, or not_carried_out with a reason; a discreet-check hit
    adds its report (place and time required)."""
    followup = _load_for_change(request, session, actor, key)
    service.report_outcome(
        session, actor, followup, outcome=body.outcome, reason=body.reason, report=body.report
    )
    response = _response(session, actor, followup)
    session.commit()
    return response


@router.post("/followups/{key}/fulfil", response_model=FollowUpOut, responses=CHANGE_RESPONSES)
def fulfil(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: str,
    body: FulfilIn | None = None,
) -> Response:
    """The issuer closes the alert after the action was carried out on this confirmed hit."""
    followup = service.get_followup(session, key)
    service.require_visible(session, actor, followup)
    service.fulfil_alert(session, actor, followup, reason=body.reason if body else "")
    response = _response(session, actor, followup)
    session.commit()
    return response
