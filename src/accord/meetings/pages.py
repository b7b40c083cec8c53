"""Meeting pages: a zone's meetings, one meeting (agenda, attendance, minutes, decisions), one
action command (status, progress with attachments, extensions), and the zone's dashboard.

Forms are plain POSTs that answer a redirect (HX-Redirect for htmx); a refusal re-shows the
page with the reason and the status of the error. The progress form uploads a file, so it is
sent by htmx (multipart, with the CSRF token as the X-CSRF-Token header).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, Response
from sqlalchemy.orm import Session

from accord.attachments import service as attachments_service
from accord.core import clock
from accord.core.errors import DomainError
from accord.meetings import commands as commands_service
from accord.meetings import service
from accord.meetings.models import MeetingKind
from accord.meetings.transitions import MEETING_TABLE, TOOK_PLACE
from accord.security import policy
from accord.security.actor import Actor
from accord.security.deps import CurrentActor
from accord.web.deps import DbSession
from accord.web.htmx import PAGE_REFUSALS, act_on_form
from accord.web.templating import render
from accord.zones import service as zones_service

router = APIRouter(include_in_schema=False)

ASSETS = Path(__file__).resolve().parent / "static"


parse_local = service.parse_local


def _refusal(session: Session, exc: DomainError) -> None:
    session.rollback()
    if exc.status in PAGE_REFUSALS:
        raise exc


# --- a zone's meetings -------------------------------------------------------------------------


def _zone_page(
    request: Request,
    session: Session,
    actor: Actor,
    code: str,
    *,
    error: DomainError | None = None,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    zone = zones_service.get_zone(session, code)
    meetings = service.list_meetings(session, actor, zone)
    upcoming, past = service.split_upcoming(meetings, clock.now())
    return render(
        request,
        "meetings/zone_meetings.html",
        {
            "zone": zone,
            "upcoming": upcoming,
            "past": past,
            "can_manage": service.can_manage(session, actor, zone.id),
            "error": error,
            "form": form or {},
        },
        status_code=error.status if error else 200,
    )


@router.get("/zones/{code}/meetings", response_class=HTMLResponse)
def zone_meetings(
    request: Request, session: DbSession, actor: CurrentActor, code: str
) -> HTMLResponse:
    return _zone_page(request, session, actor, code)


@router.post("/zones/{code}/meetings", response_class=HTMLResponse, response_model=None)
def create_meeting(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    code: str,
    title_zh: Annotated[str, Form(max_length=300)] = "",
    title_en: Annotated[str, Form(max_length=300)] = "",
    kind: Annotated[str, Form(max_length=20)] = MeetingKind.REGULAR.value,
    starts_at: Annotated[str, Form(max_length=40)] = "",
    agenda_cutoff_at: Annotated[str, Form(max_length=40)] = "",
    location: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    form = {
        "title_zh": title_zh,
        "title_en": title_en,
        "kind": kind,
        "starts_at": starts_at,
        "agenda_cutoff_at": agenda_cutoff_at,
        "location": location,
    }

    def act() -> str:
        zone = zones_service.get_zone(session, code)
        meeting = service.create_meeting(
            session,
            actor,
            zone=zone,
            title_zh=title_zh,
            title_en=title_en,
            kind=kind,
            starts_at=parse_local(starts_at, "starts_at"),
            agenda_cutoff_at=parse_local(agenda_cutoff_at, "agenda_cutoff_at"),
            location=location,
        )
        return f"/meetings/{meeting.reference}"

    def refused(exc: DomainError) -> Response:
        return _zone_page(request, session, actor, code, error=exc, form=form)

    return act_on_form(request, session, act, refused)


# --- one meeting ----------------------------------------------------------------------------


def _meeting_page(
    request: Request,
    session: Session,
    actor: Actor,
    key: str,
    *,
    error: DomainError | None = None,
    form: dict[str, Any] | None = None,
) -> HTMLResponse:
    meeting = service.read_meeting(session, actor, key)
    now = clock.now()
    manage = service.can_manage(session, actor, meeting.zone_id)
    member = service.submitting_member(session, actor, meeting.zone)
    return render(
        request,
        "meetings/meeting.html",
        {
            "meeting": meeting,
            "zone": meeting.zone,
            "now": now,
            "can_manage": manage,
            "agenda_open": service.agenda_open(meeting, now),
            "submitting_member": member,
            "took_place": meeting.status in TOOK_PLACE,
            "actions": MEETING_TABLE.allowed_actions(meeting.status) if manage else [],
            "members": service.member_agencies(meeting.zone),
            "error": error,
            "form": form or {},
        },
        status_code=error.status if error else 200,
    )


@router.get("/meetings/{key}", response_class=HTMLResponse)
def meeting_page(
    request: Request, session: DbSession, actor: CurrentActor, key: str
) -> HTMLResponse:
    return _meeting_page(request, session, actor, key)


@router.post("/meetings/{key}/items", response_class=HTMLResponse, response_model=None)
def submit_item(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: str,
    title: Annotated[str, Form(max_length=300)] = "",
    description: Annotated[str, Form(max_length=10_000)] = "",
) -> Response:
    def act() -> str:
        meeting = service.read_meeting(session, actor, key)
        service.submit_item(session, actor, meeting, title=title, description=description)
        reference = meeting.reference
        return f"/meetings/{reference}#agenda"

    def refused(exc: DomainError) -> Response:
        form = {"title": title, "description": description}
        return _meeting_page(request, session, actor, key, error=exc, form=form)

    return act_on_form(request, session, act, refused)


@router.post("/meetings/{key}/actions/{action}", response_class=HTMLResponse, response_model=None)
def move_meeting(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: str,
    action: str,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    def act() -> str:
        meeting = service.read_meeting(session, actor, key)
        service.move_meeting(session, actor, meeting, action, reason=reason or None)
        reference = meeting.reference
        return f"/meetings/{reference}"

    def refused(exc: DomainError) -> Response:
        return _meeting_page(request, session, actor, key, error=exc)

    return act_on_form(request, session, act, refused)


@router.post("/meetings/{key}/attendance", response_class=HTMLResponse, response_model=None)
def attendance(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: str,
    attended: Annotated[list[str] | None, Form()] = None,
) -> Response:
    def act() -> str:
        meeting = service.read_meeting(session, actor, key)
        service.record_attendance(session, actor, meeting, attended=attended or [])
        reference = meeting.reference
        return f"/meetings/{reference}#attendance"

    def refused(exc: DomainError) -> Response:
        return _meeting_page(request, session, actor, key, error=exc)

    return act_on_form(request, session, act, refused)


@router.post("/meetings/{key}/minutes", response_class=HTMLResponse, response_model=None)
def minutes(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: str,
    text: Annotated[str, Form(max_length=100_000)] = "",
) -> Response:
    def act() -> str:
        meeting = service.read_meeting(session, actor, key)
        service.record_minutes(session, actor, meeting, text=text)
        reference = meeting.reference
        return f"/meetings/{reference}#minutes"

    def refused(exc: DomainError) -> Response:
        return _meeting_page(request, session, actor, key, error=exc, form={"minutes": text})

    return act_on_form(request, session, act, refused)


@router.post(
    "/meetings/{key}/items/{item_id}/decision", response_class=HTMLResponse, response_model=None
)
def decide(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: str,
    item_id: str,
    text_zh: Annotated[str, Form(max_length=20_000)] = "",
    text_en: Annotated[str, Form(max_length=20_000)] = "",
    owners: Annotated[list[str] | None, Form()] = None,
    deadline: Annotated[str, Form(max_length=40)] = "",
    description: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    chosen = [o for o in owners or [] if o]

    def act() -> str:
        meeting = service.read_meeting(session, actor, key)
        item = service.get_item(session, item_id)
        if item.meeting_id != meeting.id:
            raise service.AgendaItemNotFound(f"no agenda item {item_id} in this meeting")
        service.decide(
            session,
            actor,
            item,
            text_zh=text_zh,
            text_en=text_en,
            owners=chosen or None,
            deadline=parse_local(deadline, "deadline") if deadline.strip() else None,
            description=description,
        )
        reference = meeting.reference
        return f"/meetings/{reference}#item-{item_id}"

    def refused(exc: DomainError) -> Response:
        form = {"item": item_id, "text_zh": text_zh, "text_en": text_en, "deadline": deadline}
        return _meeting_page(request, session, actor, key, error=exc, form=form)

    return act_on_form(request, session, act, refused)


# --- one command ------------------------------------------------------------------------------


def _command_page(
    request: Request,
    session: Session,
    actor: Actor,
    key: str,
    *,
    error: DomainError | None = None,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    command = commands_service.read_command(session, actor, key)
    now = clock.now()
    files = {
        p.id: attachments_service.list_for(
            session, actor, object_type=commands_service.PROGRESS_OBJECT, object_id=str(p.id)
        )
        for p in command.progress
    }
    return render(
        request,
        "meetings/command.html",
        {
            "command": command,
            "meeting": command.decision.item.meeting,
            "decision": command.decision,
            "now": now,
            "overdue": command.overdue_at(now),
            "actions": commands_service.allowed_actions(session, actor, command),
            "can_report": command.is_open and commands_service.may_update(session, actor, command),
            "can_extend": command.is_open and commands_service.may_manage(session, actor, command),
            "files": files,
            "error": error,
            "form": form or {},
        },
        status_code=error.status if error else 200,
    )


@router.get("/commands/{key}", response_class=HTMLResponse)
def command_page(
    request: Request, session: DbSession, actor: CurrentActor, key: str
) -> HTMLResponse:
    return _command_page(request, session, actor, key)


@router.post("/commands/{key}/actions/{action}", response_class=HTMLResponse, response_model=None)
def move_command(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: str,
    action: str,
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    def act() -> str:
        command = commands_service.read_command(session, actor, key)
        commands_service.move_command(session, actor, command, action, reason=reason or None)
        reference = command.reference
        return f"/commands/{reference}"

    def refused(exc: DomainError) -> Response:
        return _command_page(request, session, actor, key, error=exc)

    return act_on_form(request, session, act, refused)


@router.post("/commands/{key}/progress", response_class=HTMLResponse, response_model=None)
def add_progress(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: str,
    text: Annotated[str, Form(max_length=20_000)] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """A progress report and, optionally, one file, stored together or not at all."""

    def act() -> str:
        command = commands_service.read_command(session, actor, key)
        report = commands_service.add_progress(session, actor, command, text=text)
        if file is not None and file.filename:
            attachments_service.store(
                session,
                actor,
                stream=file.file,
                filename=file.filename,
                declared_type=file.content_type,
                object_type=commands_service.PROGRESS_OBJECT,
                object_id=str(report.id),
            )
        reference = command.reference
        # No fragment: htmx would treat a same-page "#..." location as a scroll, not a reload.
        return f"/commands/{reference}"

    def refused(exc: DomainError) -> Response:
        if request.headers.get("HX-Request") == "true":
            # htmx swaps only successful answers; the message goes into the form's slot.
            return render(request, "meetings/_form_error.html", {"error": exc})
        return _command_page(request, session, actor, key, error=exc, form={"text": text})

    return act_on_form(request, session, act, refused)


@router.post("/commands/{key}/extension", response_class=HTMLResponse, response_model=None)
def extend(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: str,
    deadline: Annotated[str, Form(max_length=40)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    def act() -> str:
        command = commands_service.read_command(session, actor, key)
        commands_service.extend_deadline(
            session, actor, command, deadline=parse_local(deadline, "deadline"), reason=reason
        )
        reference = command.reference
        return f"/commands/{reference}"

    def refused(exc: DomainError) -> Response:
        form = {"deadline": deadline, "reason": reason}
        return _command_page(request, session, actor, key, error=exc, form=form)

    return act_on_form(request, session, act, refused)


# --- the zone's dashboard ------------------------------------------------------------------------


@router.get("/zones/{code}/dashboard", response_class=HTMLResponse)
def dashboard(request: Request, session: DbSession, actor: CurrentActor, code: str) -> HTMLResponse:
    zone = zones_service.get_zone(session, code)
    rows = commands_service.dashboard(session, actor, zone)
    overdue = commands_service.list_commands(session, actor, zone, overdue_only=True)
    locale = getattr(request.state, "locale", "zh")
    chart = {
        "members": [r.code for r in rows],
        "names": [r.name(locale) for r in rows],
        "series": {
            key: [getattr(r, key) for r in rows] for key in ("open", "overdue", "done", "done_late")
        },
    }
    return render(
        request,
        "meetings/dashboard.html",
        {
            "zone": zone,
            "rows": rows,
            "overdue": overdue,
            "now": clock.now(),
            # Inert data for the chart script; `</` escaped so it cannot end the element.
            "chart_json": json.dumps(chart, ensure_ascii=False).replace("</", "<\\/"),
            "can_manage_commands": policy.allows_in_zone(
                session, actor, "commands.manage", zone.id
            ),
        },
    )


@router.get("/meetings-assets/dashboard.js")
def dashboard_script() -> FileResponse:
    """The dashboard's chart script (kept with this package; no inline scripts)."""
    return FileResponse(
        ASSETS / "dashboard.js",
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=3600"},
    )
