"""Alert and check routes under /api/v1.

`POST /checks` is the officer's check (purpose required; 422 `purpose_required` without one,
and the refusal audited). Alerts are issued with an `Idempotency-Key`; status changes take
`If-Match` with the ETag their GET gave.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from accord.alerts import screening, service
from accord.alerts.kinds import AlertType
from accord.alerts.models import Alert
from accord.alerts.schemas import AlertRecord, CheckIn
from accord.alerts.transitions import AlertStatus
from accord.core import idempotency
from accord.core.etag import check_if_match, etag_for, set_etag
from accord.security.deps import CurrentActor
from accord.web.deps import AuditedReadSession, DbSession
from accord.web.problems import CHANGE_RESPONSES, PROBLEM_RESPONSES

router = APIRouter(tags=["alerts"], responses=PROBLEM_RESPONSES)


def alert_out(alert: Alert) -> dict[str, Any]:
    return {
        "id": str(alert.id),
        "ref": alert.ref,
        "type": alert.alert_type.value,
        "status": alert.status.value,
        "priority": alert.priority.value,
        "issuing_agency": alert.issuer.code,
        "contact": alert.contact,
        "label": alert.label,
        "subject": alert.subject,
        "flags": alert.flags,
        "legal_basis": alert.legal_basis,
        "action_on_hit": alert.action_on_hit,
        "handling_code": alert.handling_code,
        "handling_text": alert.handling_text,
        "misused_identity": alert.misused_identity,
        "distinguishing_facts": alert.distinguishing_facts or None,
        "zones": [str(z) for z in alert.zone_ids],
        "review_on": alert.review_on.isoformat() if alert.review_on else None,
        "expires_at": alert.expires_at.isoformat() if alert.expires_at else None,
        "activated_at": alert.activated_at.isoformat() if alert.activated_at else None,
        "closed_at": alert.closed_at.isoformat() if alert.closed_at else None,
        "closed_reason": alert.closed_reason,
        "version": alert.version,
    }


def _alert_response(alert: Alert, status_code: int = 200) -> JSONResponse:
    response = JSONResponse(alert_out(alert), status_code=status_code)
    set_etag(response, etag_for(alert.version, alert.id))
    return response


@router.post("/checks", status_code=200, responses=CHANGE_RESPONSES)
def create_check(
    session: DbSession,
    actor: CurrentActor,
    body: CheckIn,
    accept_language: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """Check a person or an object against the alerts shared with your agency.

    Answers `hit`, `possible` or `no_hit` with at most 10 scored, explained candidates, most
    certain first; hit/no-hit-only alerts appear as "match at agency X"."""
    locale = "en" if (accept_language or "").lower().startswith("en") else "zh"
    result = screening.check(
        session,
        actor,
        probe=body.probe,
        purpose=body.purpose,
        case_ref=body.case_ref,
        locale=locale,
    )
    session.commit()
    return {
        "check_id": str(result.check.id),
        "result": result.outcome.result,
        "checked_at": result.check.checked_at.isoformat(),
        "candidates": result.candidates,
    }


@router.get("/alerts")
def list_alerts(
    session: DbSession,
    actor: CurrentActor,
    status: AlertStatus | None = None,
    alert_type: Annotated[AlertType | None, Query(alias="type")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[dict[str, Any]]:
    """Alerts issued by agencies in your scope, newest first."""
    alerts = service.list_alerts(session, actor, status=status, alert_type=alert_type, limit=limit)
    return [alert_out(a) for a in alerts]


@router.post("/alerts", status_code=201, responses=CHANGE_RESPONSES)
def issue_alert(
    request: Request, session: DbSession, actor: CurrentActor, body: AlertRecord
) -> Response:
    """Issue an alert for your agency (active, or `status: draft`)."""
    with idempotency.idempotent(request, session, actor, body.model_dump(mode="json")) as guard:
        if guard.replay is not None:
            return guard.replay
        alert = service.create_alert(session, actor, body)
        response = _alert_response(alert, 201)
        response.headers["Location"] = f"/api/v1/alerts/{alert.ref}"
        guard.complete(response)
        session.commit()
    return response


@router.get("/alerts/{key}")
def get_alert(
    session: AuditedReadSession,
    actor: CurrentActor,
    key: str,
    purpose: Annotated[str, Query(min_length=1, max_length=300)],
) -> Response:
    """One alert in full (your agency's, or shared with you in full); the read is audited with
    its purpose."""
    alert = service.read_alert(session, actor, key, purpose=purpose)
    session.commit()
    return _alert_response(alert)


class ReasonIn(BaseModel):
    reason: str = Field(default="", max_length=2000)


class ReviewIn(BaseModel):
    review_on: date
    expires_at: datetime | None = None


class MisuseIn(BaseModel):
    facts: str = Field(max_length=2000)


def _changing(request: Request, session: DbSession, key: str) -> Alert:
    alert = service.get_alert(session, key)
    check_if_match(request, etag_for(alert.version, alert.id))
    return alert


@router.post("/alerts/{key}/activate", responses=CHANGE_RESPONSES)
def activate(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: str,
) -> Response:
    alert = service.activate(session, actor, _changing(request, session, key))
    session.commit()
    return _alert_response(alert)


@router.post("/alerts/{key}/cancel", responses=CHANGE_RESPONSES)
def cancel(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: str,
    body: ReasonIn,
) -> Response:
    """Cancel: the alert never hits again, from this moment."""
    alert = service.cancel(session, actor, _changing(request, session, key), reason=body.reason)
    session.commit()
    return _alert_response(alert)


@router.post("/alerts/{key}/fulfil", responses=CHANGE_RESPONSES)
def fulfil(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: str,
    body: ReasonIn,
) -> Response:
    """Close after a confirmed hit."""
    alert = service.fulfil(session, actor, _changing(request, session, key), reason=body.reason)
    session.commit()
    return _alert_response(alert)


@router.post("/alerts/{key}/review", responses=CHANGE_RESPONSES)
def review(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: str,
    body: ReviewIn,
) -> Response:
    """Record a review: the next review date, and a new expiry if given."""
    alert = service.review(
        session,
        actor,
        _changing(request, session, key),
        review_on=body.review_on,
        expires_at=body.expires_at,
    )
    session.commit()
    return _alert_response(alert)


@router.post("/alerts/{key}/misused-identity", responses=CHANGE_RESPONSES)
def misused_identity(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: str,
    body: MisuseIn,
) -> Response:
    """Flag a misused identity, with the facts that tell the real holder apart."""
    alert = service.flag_misused_identity(
        session, actor, _changing(request, session, key), facts=body.facts
    )
    session.commit()
    return _alert_response(alert)
