"""Deadline routes under /api/v1: the business calendar, and SLA clocks with ETag/If-Match."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from accord.core.etag import check_if_match, etag_for, set_etag
from accord.deadlines import service
from accord.deadlines.models import CalendarDay
from accord.deadlines.schemas import (
    CalendarDayIn,
    CalendarDayOut,
    OptionalReasonIn,
    ReasonIn,
    SlaClockOut,
)
from accord.security.actor import Actor
from accord.security.deps import CurrentActor, require
from accord.web.deps import DbSession
from accord.web.problems import PROBLEM_JSON, PROBLEM_RESPONSES

router = APIRouter(responses=PROBLEM_RESPONSES)

Manager = Annotated[Actor, Depends(require("calendar.manage"))]

CLOCK_RESPONSES: dict[int | str, dict[str, Any]] = {
    403: {"description": "Not the clock's agency (problem+json)", "content": {PROBLEM_JSON: {}}},
    409: {
        "description": "Not allowed in this status, or changed concurrently (problem+json)",
        "content": {PROBLEM_JSON: {}},
    },
    412: {
        "description": "If-Match names a version that is no longer current (problem+json)",
        "content": {PROBLEM_JSON: {}},
    },
}


def day_out(day: date, row: CalendarDay | None, session: DbSession) -> CalendarDayOut:
    cal = service.business_calendar(session)
    return CalendarDayOut(
        date=day,
        kind=row.kind if row else None,
        name_zh=row.name_zh if row else "",
        name_en=row.name_en if row else "",
        business_day=cal.is_business_day(day),
    )


@router.get("/calendar", response_model=list[CalendarDayOut], tags=["calendar"])
def list_calendar(
    session: DbSession,
    actor: CurrentActor,
    year: Annotated[int, Query(ge=2000, le=2100)],
) -> list[CalendarDayOut]:
    """The holidays and make-up working days of a year, in date order."""
    return [day_out(row.day, row, session) for row in service.list_days(session, year)]


@router.get("/calendar/{day}", response_model=CalendarDayOut, tags=["calendar"])
def get_calendar_day(session: DbSession, actor: CurrentActor, day: date) -> CalendarDayOut:
    """How the calendar sees one date (an ordinary date has no `kind`)."""
    return day_out(day, service.get_day(session, day), session)


@router.put("/calendar/{day}", response_model=CalendarDayOut, tags=["calendar"])
def put_calendar_day(
    session: DbSession, actor: Manager, day: date, body: CalendarDayIn
) -> CalendarDayOut:
    """Mark a date a holiday or a make-up working day (platform administrators)."""
    row = service.set_day(
        session, actor, day=day, kind=body.kind, name_zh=body.name_zh, name_en=body.name_en
    )
    out = day_out(day, row, session)
    session.commit()
    return out


@router.delete("/calendar/{day}", status_code=204, tags=["calendar"])
def delete_calendar_day(session: DbSession, actor: Manager, day: date) -> Response:
    """Make a date ordinary again (platform administrators)."""
    service.unset_day(session, actor, day=day)
    session.commit()
    return Response(status_code=204)


def _clock_response(session: DbSession, clock: Any, status_code: int = 200) -> Response:
    out = service.to_out(clock, service.business_calendar(session))
    response = Response(
        content=out.model_dump_json(), status_code=status_code, media_type="application/json"
    )
    return set_etag(response, etag_for(clock.version, clock.id))


@router.get(
    "/sla-clocks/{clock_id}",
    response_model=SlaClockOut,
    tags=["deadlines"],
    responses=CLOCK_RESPONSES,
)
def get_clock(session: DbSession, actor: CurrentActor, clock_id: uuid.UUID) -> Response:
    """One SLA clock, with its ETag for a later If-Match."""
    clock = service.get_clock(session, clock_id)
    service.require_clock_access(session, actor, clock, "deadlines.read")
    return _clock_response(session, clock)


@router.post(
    "/sla-clocks/{clock_id}/pause",
    response_model=SlaClockOut,
    tags=["deadlines"],
    responses=CLOCK_RESPONSES,
)
def pause_clock(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    clock_id: uuid.UUID,
    body: ReasonIn,
) -> Response:
    """Pause a running clock; send If-Match with the ETag you read to avoid a lost update."""
    clock = service.get_clock(session, clock_id)
    service.require_clock_access(session, actor, clock, "deadlines.manage")
    check_if_match(request, etag_for(clock.version, clock.id))
    service.pause_clock(session, actor, clock, reason=body.reason)
    response = _clock_response(session, clock)
    session.commit()
    return response


@router.post(
    "/sla-clocks/{clock_id}/resume",
    response_model=SlaClockOut,
    tags=["deadlines"],
    responses=CLOCK_RESPONSES,
)
def resume_clock(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    clock_id: uuid.UUID,
    body: OptionalReasonIn | None = None,
) -> Response:
    """Resume a paused clock; its deadline moves on by the time it was paused."""
    clock = service.get_clock(session, clock_id)
    service.require_clock_access(session, actor, clock, "deadlines.manage")
    check_if_match(request, etag_for(clock.version, clock.id))
    service.resume_clock(session, actor, clock, reason=body.reason if body else None)
    response = _clock_response(session, clock)
    session.commit()
    return response
