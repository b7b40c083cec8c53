"""Auditor pages: who looked at a subject, the recent event log, chain verification, reports."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from accord.audit import reports, service
from accord.audit.subjects import KINDS, Subject
from accord.core import clock
from accord.core.config import get_settings
from accord.core.errors import InvalidInput
from accord.security.actor import Actor
from accord.security.deps import require
from accord.web.deps import DbSession
from accord.web.templating import render

router = APIRouter(prefix="/audit", include_in_schema=False)

Reader = Annotated[Actor, Depends(require("audit.read"))]
Verifier = Annotated[Actor, Depends(require("audit.verify"))]
Text = Annotated[str, Query(max_length=160)]


@router.get("", response_class=HTMLResponse)
def audit_home(
    request: Request,
    session: DbSession,
    actor: Reader,
    kind: Text = "resident_id",
    key: Text = "",
    purpose: Annotated[str, Query(max_length=500)] = "",
    action: Annotated[str, Query(max_length=80)] = "",
    user: Annotated[str, Query(max_length=80)] = "",
    agency: Annotated[str, Query(max_length=32)] = "",
) -> HTMLResponse:
    """The auditor's desk: the who-looked search, and the newest events with filters."""
    subject: Subject | None = None
    looks: list[service.Look] | None = None
    errors: dict[str, str] = {}
    if key.strip():
        try:
            subject = Subject.of(kind, key)
            looks = service.who_looked(session, actor, subject, purpose=purpose.strip() or None)
            session.commit()
        except InvalidInput as exc:
            errors["subject"] = exc.detail
    try:
        events = service.recent_events(session, actor, action=action, user=user, agency=agency)
    except InvalidInput as exc:
        errors[exc.field or "filters"] = exc.detail
        events = []
    return render(
        request,
        "audit/index.html",
        {
            "kinds": KINDS,
            "kind": kind,
            "key": key,
            "purpose": purpose,
            "subject": subject,
            "looks": looks,
            "filters": {"action": action, "user": user, "agency": agency},
            "events": events,
            "event_subjects": service.subjects_of(session, [e.id for e in events]),
            "codes": service.agency_codes(session, [e.actor_agency_id for e in events]),
            "errors": errors,
        },
        status_code=422 if errors else 200,
    )


@router.get("/verify", response_class=HTMLResponse)
def verify(request: Request, session: DbSession, actor: Verifier) -> HTMLResponse:
    """The chain's verification: a partial for the button on /audit, a page otherwise."""
    result = service.verify_chain(session, actor)
    is_htmx = request.headers.get("HX-Request") == "true"
    template = "audit/_verify.html" if is_htmx else "audit/verify.html"
    return render(request, template, {"result": result})


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=ZoneInfo(get_settings().display_timezone))


@router.get("/reports", response_class=HTMLResponse)
def reports_page(
    request: Request,
    session: DbSession,
    actor: Reader,
    since: date | None = None,
    until: date | None = None,
    threshold: Annotated[float, Query(gt=0, le=100)] = reports.DEFAULT_Z,
    min_count: Annotated[int, Query(ge=1)] = reports.DEFAULT_MIN_COUNT,
) -> HTMLResponse:
    """Both reports over a period of days (inclusive) in the display time zone; default the
    last seven days."""
    today = clock.now().astimezone(ZoneInfo(get_settings().display_timezone)).date()
    until = until or today
    since = since or until - timedelta(days=6)
    errors: dict[str, str] = {}
    unlinked: list[reports.UnlinkedChecks] = []
    volume: reports.VolumeReport | None = None
    if until < since:
        errors["until"] = "the period ends before it starts"
    else:
        start, end = _day_start(since), _day_start(until + timedelta(days=1))
        unlinked = reports.checks_without_case(session, actor, since=start, until=end)
        volume = reports.unusual_volume(
            session, actor, since=start, until=end, threshold=threshold, min_count=min_count
        )
    return render(
        request,
        "audit/reports.html",
        {
            "since": since,
            "until": until,
            "threshold": threshold,
            "min_count": min_count,
            "unlinked": unlinked,
            "volume": volume,
            "prefixes": reports.QUERY_ACTION_PREFIXES,
            "errors": errors,
        },
        status_code=422 if errors else 200,
    )
