"""Meeting routes under /api/v1: meetings and their agenda, decisions with their commands,
command transitions (If-Match), progress reports, deadline extensions, the zone dashboard.

Creating POSTs take an `Idempotency-Key`; changes to a meeting or a command take `If-Match`
with the ETag its GET gave.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from accord.core import clock, idempotency
from accord.core.etag import check_if_match, etag_for, set_etag
from accord.meetings import commands as commands_service
from accord.meetings import service
from accord.meetings.models import ActionCommand, Meeting
from accord.meetings.schemas import (
    AgendaItemIn,
    AgendaItemOut,
    AttendanceIn,
    CommandOut,
    DecisionIn,
    DecisionOut,
    ExtensionIn,
    MeetingIn,
    MeetingOut,
    MeetingSummary,
    MemberCountsOut,
    MinutesIn,
    ProgressIn,
    ProgressOut,
    ReasonIn,
    command_out,
    decision_out,
    item_out,
    meeting_out,
    meeting_summary,
    progress_out,
)
from accord.security.deps import CurrentActor
from accord.web.deps import DbSession
from accord.web.problems import CHANGE_RESPONSES, PROBLEM_RESPONSES
from accord.zones import service as zones_service

router = APIRouter(tags=["meetings"], responses=PROBLEM_RESPONSES)


def _json(model: BaseModel, status_code: int = 200, etag: str | None = None) -> JSONResponse:
    response = JSONResponse(model.model_dump(mode="json"), status_code=status_code)
    if etag:
        set_etag(response, etag)
    return response


def _meeting_response(meeting: Meeting, status_code: int = 200) -> JSONResponse:
    return _json(meeting_out(meeting), status_code, etag_for(meeting.version, meeting.id))


def _command_response(command: ActionCommand) -> JSONResponse:
    return _json(command_out(command, clock.now()), etag=etag_for(command.version, command.id))


# --- meetings --------------------------------------------------------------------------------


@router.get("/zones/{code}/meetings", response_model=list[MeetingSummary])
def list_meetings(session: DbSession, actor: CurrentActor, code: str) -> list[MeetingSummary]:
    """The zone's meetings, soonest first."""
    zone = zones_service.get_zone(session, code)
    return [meeting_summary(m) for m in service.list_meetings(session, actor, zone)]


@router.post(
    "/zones/{code}/meetings", response_model=MeetingOut, status_code=201, responses=CHANGE_RESPONSES
)
def create_meeting(
    request: Request, session: DbSession, actor: CurrentActor, code: str, body: MeetingIn
) -> Response:
    """Schedule a meeting (the zone's secretariat); the host defaults to the current chair."""
    fingerprint = {"zone": code, **body.model_dump(mode="json")}
    with idempotency.idempotent(request, session, actor, fingerprint) as guard:
        if guard.replay is not None:
            return guard.replay
        zone = zones_service.get_zone(session, code)
        meeting = service.create_meeting(
            session,
            actor,
            zone=zone,
            title_zh=body.title_zh,
            title_en=body.title_en,
            kind=body.kind,
            starts_at=body.starts_at,
            agenda_cutoff_at=body.agenda_cutoff_at,
            location=body.location,
            host_code=body.host,
        )
        response = _meeting_response(meeting, 201)
        response.headers["Location"] = f"/api/v1/meetings/{meeting.reference}"
        guard.complete(response)
        session.commit()
        return response


@router.get("/meetings/{reference}", response_model=MeetingOut)
def get_meeting(session: DbSession, actor: CurrentActor, reference: str) -> Response:
    """One meeting with its participants, agenda and decisions; its ETag for If-Match."""
    return _meeting_response(service.read_meeting(session, actor, reference))


@router.post(
    "/meetings/{reference}/actions/{action}",
    response_model=MeetingOut,
    responses=CHANGE_RESPONSES,
)
def move_meeting(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    reference: str,
    action: str,
    body: ReasonIn | None = None,
) -> Response:
    """publish_agenda, hold, close, or cancel (with a reason): the secretariat."""
    meeting = service.read_meeting(session, actor, reference)
    check_if_match(request, etag_for(meeting.version, meeting.id))
    service.move_meeting(session, actor, meeting, action, reason=body.reason if body else None)
    response = _meeting_response(meeting)
    session.commit()
    return response


@router.put(
    "/meetings/{reference}/attendance", response_model=MeetingOut, responses=CHANGE_RESPONSES
)
def put_attendance(
    session: DbSession, actor: CurrentActor, reference: str, body: AttendanceIn
) -> Response:
    """Record which members attended (after the meeting was held)."""
    meeting = service.read_meeting(session, actor, reference)
    service.record_attendance(session, actor, meeting, attended=body.attended)
    response = _meeting_response(meeting)
    session.commit()
    return response


@router.put("/meetings/{reference}/minutes", response_model=MeetingOut, responses=CHANGE_RESPONSES)
def put_minutes(
    session: DbSession, actor: CurrentActor, reference: str, body: MinutesIn
) -> Response:
    """Record the minutes (after the meeting was held)."""
    meeting = service.read_meeting(session, actor, reference)
    service.record_minutes(session, actor, meeting, text=body.text)
    response = _meeting_response(meeting)
    session.commit()
    return response


@router.post(
    "/meetings/{reference}/agenda-items",
    response_model=AgendaItemOut,
    status_code=201,
    responses=CHANGE_RESPONSES,
)
def submit_item(
    request: Request, session: DbSession, actor: CurrentActor, reference: str, body: AgendaItemIn
) -> Response:
    """A member submits an agenda item before the cut-off (422 `agenda_closed` after it)."""
    fingerprint = {"meeting": reference, **body.model_dump(mode="json")}
    with idempotency.idempotent(request, session, actor, fingerprint) as guard:
        if guard.replay is not None:
            return guard.replay
        meeting = service.read_meeting(session, actor, reference)
        item = service.submit_item(
            session, actor, meeting, title=body.title, description=body.description
        )
        response = _json(item_out(item), 201)
        guard.complete(response)
        session.commit()
        return response


@router.post(
    "/agenda-items/{item_id}/decisions",
    response_model=DecisionOut,
    status_code=201,
    responses=CHANGE_RESPONSES,
)
def decide(
    request: Request, session: DbSession, actor: CurrentActor, item_id: uuid.UUID, body: DecisionIn
) -> Response:
    """Record a decision on an agenda item of a held meeting (409 `meeting_not_held` before);
    `owners` gives each named member (or `"all"`) an action command due at `deadline`."""
    fingerprint = {"item": str(item_id), **body.model_dump(mode="json")}
    with idempotency.idempotent(request, session, actor, fingerprint) as guard:
        if guard.replay is not None:
            return guard.replay
        item = service.get_item(session, item_id)
        decision = service.decide(
            session,
            actor,
            item,
            text_zh=body.text_zh,
            text_en=body.text_en,
            owners=body.owners,
            deadline=body.deadline,
            description=body.description,
        )
        response = _json(decision_out(decision), 201)
        guard.complete(response)
        session.commit()
        return response


# --- commands --------------------------------------------------------------------------------


@router.get("/zones/{code}/commands", response_model=list[CommandOut])
def list_commands(
    session: DbSession,
    actor: CurrentActor,
    code: str,
    overdue: Annotated[bool, Query(description="Only open commands past their deadline")] = False,
) -> list[CommandOut]:
    """The zone's action commands, by deadline."""
    zone = zones_service.get_zone(session, code)
    now = clock.now()
    rows = commands_service.list_commands(session, actor, zone, overdue_only=overdue)
    return [command_out(c, now) for c in rows]


@router.get("/commands/{reference}", response_model=CommandOut)
def get_command(session: DbSession, actor: CurrentActor, reference: str) -> Response:
    """One command with its progress reports and extensions; its ETag for If-Match."""
    return _command_response(commands_service.read_command(session, actor, reference))


@router.post(
    "/commands/{reference}/actions/{action}",
    response_model=CommandOut,
    responses=CHANGE_RESPONSES,
)
def move_command(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    reference: str,
    action: str,
    body: ReasonIn | None = None,
) -> Response:
    """acknowledge, start, complete (the owner) or withdraw (the secretariat, with a reason)."""
    command = commands_service.read_command(session, actor, reference)
    check_if_match(request, etag_for(command.version, command.id))
    commands_service.move_command(
        session, actor, command, action, reason=body.reason if body else None
    )
    response = _command_response(command)
    session.commit()
    return response


@router.post(
    "/commands/{reference}/progress",
    response_model=ProgressOut,
    status_code=201,
    responses=CHANGE_RESPONSES,
)
def add_progress(
    request: Request, session: DbSession, actor: CurrentActor, reference: str, body: ProgressIn
) -> Response:
    """The owner reports progress; attach files with POST /attachments
    (`object_type=action_command_progress`, `object_id=<the report's id>`)."""
    fingerprint = {"command": reference, **body.model_dump(mode="json")}
    with idempotency.idempotent(request, session, actor, fingerprint) as guard:
        if guard.replay is not None:
            return guard.replay
        command = commands_service.read_command(session, actor, reference)
        report = commands_service.add_progress(session, actor, command, text=body.text)
        response = _json(progress_out(report), 201)
        guard.complete(response)
        session.commit()
        return response


@router.post(
    "/commands/{reference}/extensions", response_model=CommandOut, responses=CHANGE_RESPONSES
)
def extend(
    request: Request, session: DbSession, actor: CurrentActor, reference: str, body: ExtensionIn
) -> Response:
    """The secretariat moves the deadline later, with a reason."""
    command = commands_service.read_command(session, actor, reference)
    check_if_match(request, etag_for(command.version, command.id))
    commands_service.extend_deadline(
        session, actor, command, deadline=body.deadline, reason=body.reason
    )
    response = _command_response(command)
    session.commit()
    return response


@router.get("/zones/{code}/dashboard", response_model=list[MemberCountsOut])
def dashboard(session: DbSession, actor: CurrentActor, code: str) -> list[MemberCountsOut]:
    """Per member: open (overdue included), overdue, done on time, done late, withdrawn."""
    zone = zones_service.get_zone(session, code)
    rows = commands_service.dashboard(session, actor, zone)
    return [MemberCountsOut(**r.as_dict()) for r in rows]
