"""Pages for assistance requests: the inbox (received, sent, all), the new-request form, one
request with its clock, buttons, thread and history, the printable assistance letter (协查函),
and the one-click transfer request from a confirmed hit follow-up.

Fixed fields (type, urgency, status, handling code, outcome) show in the reader's language
whatever the writer's. Forms are plain POSTs that answer a redirect (HX-Redirect for htmx); a
refusal shows the page again with the reason and the error's status, or the error page when it
is not the form's fault (401, 403, 404). Moves carry the version the page showed, so a move
made on an outdated page loses with 409 as the API's If-Match does. Forms with a file go by
htmx (multipart, with the CSRF token as the X-CSRF-Token header).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, Response
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.agencies import service as agencies_service
from accord.agencies.models import Agency
from accord.assistance import access, addressing, clocks, moves, service, threads
from accord.assistance.clocks import ClockView
from accord.assistance.kinds import (
    ACCURACY_LABELS,
    CLAIMABLE_TYPES,
    OUTCOME_LABELS,
    RELIABILITY_LABELS,
    REQUEST_TYPES,
    SUBJECT_LABELS,
    URGENCY_LABELS,
    ZONE_MODE_LABELS,
    Accuracy,
    OutcomeCode,
    Reliability,
    SubjectKind,
    Urgency,
    ZoneMode,
)
from accord.assistance.models import AssistanceMessage, AssistanceRequest
from accord.assistance.schemas import MoveIn, RequestIn
from accord.assistance.transitions import (
    ACTION_LABELS,
    CLOSED,
    STATUS_LABELS,
    RequestStatus,
)
from accord.attachments import service as attachments_service
from accord.attachments.models import Attachment
from accord.core import clock, handling
from accord.core.config import get_settings
from accord.core.errors import DomainError, InvalidInput
from accord.core.handling import N_, HandlingCode
from accord.core.workflow import StaleState
from accord.security import policy
from accord.security.actor import Actor
from accord.security.deps import CurrentActor
from accord.web import i18n
from accord.web.deps import AuditedReadSession, DbSession
from accord.web.htmx import act_on_form, redirect
from accord.web.templating import render
from accord.zones import service as zones_service
from accord.zones.models import Zone

router = APIRouter(include_in_schema=False)

ASSETS = Path(__file__).resolve().parent / "static"
TEXT = 20_000
NOTE = 4_000
SUBJECT_ROWS = 3  # empty subject rows the new form shows (a button adds more)
REQUEST_FILES = "assistance_request"
MESSAGE_FILES = "assistance_message"

# Labels of the pages that are not in the vocabularies of kinds.py / transitions.py.
BOX_LABELS = {
    "inbox": N_("Received by us"),
    "sent": N_("Sent by us"),
    "all": N_("All"),
}
MESSAGE_KIND_LABELS = {
    threads.NOTE: N_("Message"),
    threads.PERMISSION_REQUEST: N_("Permission to pass on asked"),
    threads.PERMISSION_GRANTED: N_("Permission granted"),
    threads.PERMISSION_REFUSED: N_("Permission refused"),
    threads.FORWARDED: N_("Passed on"),
}
EVENT_LABELS = {**ACTION_LABELS, "reassign": N_("Reassigned"), "forward": N_("Passed on")}


def labels() -> dict[str, Any]:
    """The English labels of the fixed vocabularies by stored value (translated on show)."""
    return {
        "type_labels": dict(REQUEST_TYPES),
        "urgency_labels": {u.value: label for u, label in URGENCY_LABELS.items()},
        "status_labels": {s.value: label for s, label in STATUS_LABELS.items()},
        "action_labels": dict(ACTION_LABELS),
        "event_labels": EVENT_LABELS,
        "outcome_labels": {o.value: label for o, label in OUTCOME_LABELS.items()},
        "reliability_labels": {r.value: label for r, label in RELIABILITY_LABELS.items()},
        "accuracy_labels": {a.value: label for a, label in ACCURACY_LABELS.items()},
        "subject_labels": {k.value: label for k, label in SUBJECT_LABELS.items()},
        "zone_mode_labels": {m.value: label for m, label in ZONE_MODE_LABELS.items()},
        "box_labels": BOX_LABELS,
        "message_kind_labels": MESSAGE_KIND_LABELS,
    }


# --- the clock as the pages show it ----------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """A request's deadline for a page: the kernel's view, and its time left as text."""

    view: ClockView

    @property
    def running(self) -> bool:
        return self.view.status == "running"

    @property
    def paused(self) -> bool:
        return self.view.status == "paused"

    @property
    def stopped(self) -> bool:
        return self.view.status == "stopped"

    @property
    def ticks(self) -> bool:
        """Whether the browser may count it down itself: a running wall clock (business time
        stands still at night and on holidays, so that one the server recounts)."""
        return self.running and self.view.policy == "wall"

    def span(self) -> str:
        """`2 d 03:15` or `3:05:09` of the time left (or overdue), in the page's language."""
        seconds = abs(self.view.remaining_seconds)
        days, rest = divmod(seconds, 86_400)
        hours, rest = divmod(rest, 3600)
        minutes, secs = divmod(rest, 60)
        if days:
            return i18n.gettext("%(days)s d") % {"days": days} + f" {hours:02d}:{minutes:02d}"
        return f"{hours}:{minutes:02d}:{secs:02d}"


def clock_for(session: Session, request: AssistanceRequest) -> Clock | None:
    view = clocks.clock_view(session, request)
    return Clock(view) if view else None


# --- shared helpers ----------------------------------------------------------------------------


def _locale(request: Request) -> str:
    return str(getattr(request.state, "locale", i18n.DEFAULT_LOCALE))


def _forward_explained(exc: DomainError) -> bool:
    """A forward the handling code forbids: the request page itself says why."""
    return isinstance(exc, threads.ForwardNotPermitted)


def _invalid(exc: ValidationError) -> InvalidInput:
    """A schema's refusal as the form shows it: the first problem and the field it names."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    message = str(first["msg"]).removeprefix("Value error, ")
    return InvalidInput(message, field=where or None)


def parse_local(text: str, field: str) -> datetime:
    """A `datetime-local` value (or ISO 8601); without an offset, in the display time zone."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f"{text!r} is not a date and time like 2026-12-01T09:30", field=field
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(get_settings().display_timezone))
    return value


def _agencies(session: Session, ids: set[uuid.UUID], limit: int = 500) -> list[Agency]:
    if not ids:
        return []
    return list(
        session.scalars(
            select(Agency)
            .where(Agency.id.in_(ids), Agency.active.is_(True))
            .order_by(Agency.code)
            .limit(limit)
        )
    )


def addressable(session: Session, requester: Agency | None) -> list[Agency]:
    """Agencies to offer as addressees: the requester's provincial tree, and the members of
    its zones with the agencies below them. A suggestion only: the service decides (the
    zone's sharing rules included) and says why when it refuses."""
    if requester is None:
        return []
    ids = agencies_service.subtree_ids(session, addressing.province_of(requester).id)
    for zone in zones_service.zones_for_agency(session, requester.id):
        for member in zones_service.members_on(zone, zones_service.today()):
            ids |= agencies_service.subtree_ids(session, member.agency_id)
    ids.discard(requester.id)
    return _agencies(session, ids)


def _uploaded(file: UploadFile | None) -> bool:
    return file is not None and bool(file.filename)


def _store(
    session: Session, actor: Actor, file: UploadFile, object_type: str, object_id: uuid.UUID
) -> Attachment:
    assert file.filename is not None
    return attachments_service.store(
        session,
        actor,
        stream=file.file,
        filename=file.filename,
        declared_type=file.content_type,
        object_type=object_type,
        object_id=str(object_id),
    )


def _slot_error(request: Request, exc: DomainError) -> HTMLResponse:
    """A refusal of an htmx form, for the form's error slot (htmx swaps only 2xx answers)."""
    return render(request, "assistance/_form_error.html", {"error": exc})


# --- the inbox ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    request: AssistanceRequest
    clock: Clock | None
    zone: Zone | None


def _inbox_context(
    session: Session, actor: Actor, box: str, status: str, cursor: str | None
) -> dict[str, Any]:
    statuses = [status] if status in set(RequestStatus) else []
    page = service.list_requests(
        session, actor, box=box, statuses=statuses, cursor=cursor or None, limit=25
    )
    zones = {
        z.id: z
        for z in session.scalars(
            select(Zone).where(Zone.id.in_({r.zone_id for r in page.items if r.zone_id}))
        )
    }
    views = clocks.clock_views(session, page.items)  # one query for the page, not one a row
    rows = [
        Row(
            r,
            Clock(views[r.id]) if r.id in views else None,
            zones.get(r.zone_id) if r.zone_id else None,
        )
        for r in page.items
    ]
    query = {"box": box, **({"status": status} if statuses else {})}
    return {
        "box": box,
        "status": status if statuses else "",
        "rows": rows,
        "statuses": [s.value for s in RequestStatus],
        "first_url": "/assist?" + urlencode(query),
        "list_url": "/assist/list?" + urlencode(query | ({"cursor": cursor} if cursor else {})),
        "next_url": (
            "/assist?" + urlencode(query | {"cursor": page.next_cursor}) if page.next_cursor else ""
        ),
        "paged": bool(cursor),
        "now": clock.now(),
        **labels(),
    }


Box = Annotated[str, Query(pattern="^(inbox|sent|all)$")]
StatusParam = Annotated[str, Query(max_length=20)]
CursorParam = Annotated[str, Query(max_length=500)]


@router.get("/assist", response_class=HTMLResponse)
def inbox(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    box: Box = "inbox",
    status: StatusParam = "",
    cursor: CursorParam = "",
) -> HTMLResponse:
    """Requests received, sent or both, newest first, with their clocks; the list refreshes
    itself when a notification arrives and every half minute."""
    return render(
        request, "assistance/inbox.html", _inbox_context(session, actor, box, status, cursor)
    )


@router.get("/assist/list", response_class=HTMLResponse)
def inbox_list(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    box: Box = "inbox",
    status: StatusParam = "",
    cursor: CursorParam = "",
) -> HTMLResponse:
    """The inbox's list alone, for its live refresh."""
    return render(
        request, "assistance/_list.html", _inbox_context(session, actor, box, status, cursor)
    )


# --- the new-request form ----------------------------------------------------------------------

PREFILL = (
    "request_type",
    "urgency",
    "target",
    "addressee",
    "zone",
    "zone_mode",
    "requesting_agency",
    "title",
    "description",
    "legal_basis",
    "case_reference",
    "handling_code",
    "handling_text",
    "source_reliability",
    "information_accuracy",
    "deadline",
)


def _subject_rows(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    """The subject rows of a form, in order (`subject_kind`, `subject_value`... repeated)."""
    columns: dict[str, list[str]] = {"kind": [], "value": [], "name": [], "note": []}
    for key, value in pairs:
        if key.startswith("subject_") and key[8:] in columns:
            columns[key[8:]].append(value)
    count = max((len(v) for v in columns.values()), default=0)
    return [
        {k: (columns[k][i] if i < len(columns[k]) else "").strip() for k in columns}
        for i in range(count)
    ]


def _form_page(
    request: Request,
    session: Session,
    actor: Actor,
    form: Mapping[str, str],
    subjects: list[dict[str, str]],
    error: DomainError | None = None,
) -> HTMLResponse:
    requester = None
    if actor.agency_id is not None:
        requester = session.get(Agency, actor.agency_id)
    zones = zones_service.zones_for_agency(session, requester.id) if requester else []
    blank = {"kind": SubjectKind.PERSON.value, "value": "", "name": "", "note": ""}
    rows = [s for s in subjects if any(s[k] for k in ("value", "name", "note"))]
    return render(
        request,
        "assistance/new.html",
        {
            "form": form,
            "subjects": rows + [dict(blank) for _ in range(max(SUBJECT_ROWS - len(rows), 1))],
            "error": error,
            "types": list(REQUEST_TYPES),
            "claimable": sorted(CLAIMABLE_TYPES),
            "urgencies": [u.value for u in Urgency],
            "modes": [m.value for m in ZoneMode],
            "codes": [c.value for c in HandlingCode],
            "reliabilities": [r.value for r in Reliability],
            "accuracies": [a.value for a in Accuracy],
            "subject_kinds": [k.value for k in SubjectKind],
            "agencies": addressable(session, requester),
            "zones": zones,
            **labels(),
        },
        status_code=error.status if error else 200,
    )


@router.get("/assist/new", response_class=HTMLResponse)
def new_request_form(request: Request, session: DbSession, actor: CurrentActor) -> HTMLResponse:
    """The form, prefilled from the query (`?addressee=330000&request_type=locate...`)."""
    policy.require(actor, "assist.request")
    params = request.query_params
    form = {k: params[k][:TEXT] for k in PREFILL if k in params}
    form.setdefault("target", "zone" if form.get("zone") else "agency")
    form.setdefault("urgency", Urgency.ROUTINE.value)
    form.setdefault("handling_code", HandlingCode.H0.value)
    subjects = _subject_rows(list(params.multi_items()))
    return _form_page(request, session, actor, form, subjects)


def request_in(form: Mapping[str, str], subjects: list[dict[str, str]]) -> RequestIn:
    """The form as the one validation of a new request (the API's and the import's too)."""
    data: dict[str, Any] = {
        "request_type": form.get("request_type", ""),
        "urgency": form.get("urgency") or Urgency.ROUTINE.value,
        "title": form.get("title", ""),
        "description": form.get("description", ""),
        "legal_basis": form.get("legal_basis", ""),
        "case_reference": form.get("case_reference", ""),
        "handling_code": form.get("handling_code") or HandlingCode.H0.value,
        "draft": bool(form.get("draft")),
        "subjects": [
            {k: v for k, v in s.items() if v}
            for s in subjects
            if s.get("value") or s.get("name") or s.get("note")
        ],
    }
    if form.get("requesting_agency", "").strip():
        data["requesting_agency"] = form["requesting_agency"]
    if form.get("target") == "zone":
        data["zone"] = form.get("zone") or None
        data["zone_mode"] = form.get("zone_mode") or ZoneMode.FAN_OUT.value
    else:
        data["addressee"] = form.get("addressee") or None
    # The H3 text goes with H3 only; a text typed before another code was picked is dropped.
    if data["handling_code"] == HandlingCode.H3.value:
        data["handling_text"] = form.get("handling_text", "")
    for key in ("source_reliability", "information_accuracy"):
        if form.get(key):
            data[key] = form[key]
    if form.get("deadline", "").strip():
        data["deadline"] = parse_local(form["deadline"], "deadline")
    try:
        return RequestIn.model_validate(data)
    except ValidationError as exc:
        raise _invalid(exc) from exc


@router.post("/assist/new", response_class=HTMLResponse, response_model=None)
async def new_request_submit(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    policy.require(actor, "assist.request")
    posted = await request.form()
    pairs = [(k, v) for k, v in posted.multi_items() if isinstance(v, str)]
    form = {k: v[:TEXT] for k, v in pairs if not k.startswith("subject_")}
    subjects = _subject_rows(pairs)

    def act() -> str:
        created = service.create_request(session, actor, request_in(form, subjects))
        return f"/assist/{created.reference}"

    def refused(exc: DomainError) -> Response:
        return _form_page(request, session, actor, form, subjects, exc)

    return act_on_form(request, session, act, refused, on_page=_forward_explained)


# --- one request -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Message:
    message: AssistanceMessage
    reads: list[tuple[str, str, datetime]]  # username, agency code, when
    files: list[Attachment]
    answered: bool


def _thread(session: Session, actor: Actor, request: AssistanceRequest) -> list[Message]:
    found = threads.messages(session, request)
    reads = threads.receipts(session, [m.id for m in found])
    reader_agencies = {x.agency_id for rs in reads.values() for x in rs if x.agency_id}
    codes = {a.id: a.code for a in _agencies(session, reader_agencies)}
    answered = {m.answers_id for m in found if m.answers_id}
    return [
        Message(
            message=m,
            reads=[
                (x.username, codes.get(x.agency_id, "") if x.agency_id else "", x.read_at)
                for x in reads[m.id]
            ],
            files=attachments_service.list_for(
                session, actor, object_type=MESSAGE_FILES, object_id=str(m.id)
            ),
            answered=m.id in answered,
        )
        for m in found
    ]


def _request_context(session: Session, actor: Actor, r: AssistanceRequest) -> dict[str, Any]:
    may_route = access.may_route(session, actor, r)
    open_ = r.status not in CLOSED and r.status is not RequestStatus.DRAFT
    thread = _thread(session, actor, r)
    children = moves.children_of(session, r) if r.is_zone_parent else []
    followup_ref = None
    if r.followup_id is not None:
        from accord.alerts.followup_models import HitFollowUp

        followup = session.get(HitFollowUp, r.followup_id)
        followup_ref = followup.reference if followup else None
    handler = r.handling_agency or r.addressee_agency
    needs_permission = HandlingCode(r.handling_code) in threads.NEEDS_PERMISSION
    granted = sorted(
        {
            m.message.target_agency.code
            for m in thread
            if m.message.kind == threads.PERMISSION_GRANTED and m.message.target_agency
        }
    )
    may_pass_on = may_route and open_ and not r.is_zone_parent
    return {
        "r": r,
        "zone": session.get(Zone, r.zone_id) if r.zone_id else None,
        "parent": session.get(AssistanceRequest, r.parent_id) if r.parent_id else None,
        "origin": (
            session.get(AssistanceRequest, r.forwarded_from_id) if r.forwarded_from_id else None
        ),
        "claimed_by": (
            session.get(Agency, r.claimed_by_agency_id) if r.claimed_by_agency_id else None
        ),
        "followup_ref": followup_ref,
        "clock": clock_for(session, r),
        "actions": moves.allowed_actions(session, actor, r),
        "history": moves.history(session, r),
        "thread": thread,
        "files": attachments_service.list_for(
            session, actor, object_type=REQUEST_FILES, object_id=str(r.id)
        ),
        "linked": threads.linked(session, actor, r),
        "children": children,
        "child_clocks": {c.id: clock_for(session, c) for c in children},
        # The live script reloads the page on a notice about one of these references.
        "live_refs": " ".join([r.reference, *(c.reference for c in children)]),
        "may_reassign": may_route and open_ and not r.is_zone_parent,
        "may_forward": may_pass_on,
        "needs_permission": needs_permission,
        "granted": granted,
        "may_answer": access.may_request(session, actor, r),
        "may_write": r.status is not RequestStatus.DRAFT,
        "may_attach": policy.allows(actor, "attachments.upload"),
        "handler_agencies": (
            _agencies(session, agencies_service.subtree_ids(session, r.addressee_agency_id), 300)
            if may_route and r.addressee_agency_id
            else []
        ),
        "forward_agencies": addressable(session, handler) if may_pass_on else [],
        "handling_code": {"code": r.handling_code, "text": r.handling_text or ""},
        "outcome_codes": [o.value for o in OutcomeCode],
        "now": clock.now(),
        **labels(),
    }


def _request_page(
    request: Request,
    session: Session,
    actor: Actor,
    key: str,
    *,
    error: DomainError | None = None,
    form: dict[str, str] | None = None,
) -> HTMLResponse:
    found = service.read_request(session, actor, key)  # audited; may mark it received
    threads.mark_read(session, actor, found)
    session.commit()
    context = _request_context(session, actor, found)
    context.update({"error": error, "form": form or {}})
    return render(
        request,
        "assistance/request.html",
        context,
        status_code=error.status if error else 200,
    )


@router.get("/assist/{key}", response_class=HTMLResponse)
def request_page(
    request: Request, session: AuditedReadSession, actor: CurrentActor, key: str
) -> HTMLResponse:
    """One request: the read is audited, the receiving side's first read marks it received,
    and opening the page leaves read receipts on the thread."""
    return _request_page(request, session, actor, key)


@router.get("/assist/{key}/letter", response_class=HTMLResponse)
def letter(
    request: Request, session: AuditedReadSession, actor: CurrentActor, key: str
) -> HTMLResponse:
    """The printable assistance letter (协查函) under the handling-code banner, top and foot."""
    found = service.read_request(session, actor, key)
    session.commit()
    locale = _locale(request)
    today = zones_service.today()
    requester = found.requesting_agency
    contacts = agencies_service.current_contacts(requester, today)
    zone = session.get(Zone, found.zone_id) if found.zone_id else None
    recipients: list[Agency] = []
    if found.is_zone_parent:
        recipients = [
            c.addressee_agency for c in moves.children_of(session, found) if c.addressee_agency
        ]
    return render(
        request,
        "assistance/letter.html",
        {
            "r": found,
            "zone": zone,
            "recipients": recipients,
            "contacts": contacts,
            "clock": clock_for(session, found),
            "banner": handling.banner_text(found.handling_code, found.handling_text, locale),
            "printed_at": clock.now(),
            **labels(),
        },
    )


def _load(session: Session, actor: Actor, key: str) -> AssistanceRequest:
    found = access.get_request(session, key)
    access.require_visible(session, actor, found)
    return found


def _check_version(found: AssistanceRequest, version: str, action: str) -> None:
    """The page's version must still be the request's: the If-Match of a form."""
    if version.strip() and version.strip() != str(found.version):
        raise StaleState(
            f"{found.reference} was changed by someone else since this page was shown "
            f"(now {i18n.gettext(STATUS_LABELS[found.status])}); look again before you "
            f"{action}",
            action=action,
            loaded_version=version,
        )


def _change(
    request: Request,
    session: Session,
    actor: Actor,
    key: str,
    change: Callable[[AssistanceRequest], str | None],
    form: dict[str, str],
) -> Response:
    """A change from a form on the request page; back to the page (or where `change` says)."""

    def act() -> str:
        found = _load(session, actor, key)
        target = change(found)
        return target or f"/assist/{found.reference}"

    def refused(exc: DomainError) -> Response:
        return _request_page(request, session, actor, key, error=exc, form=form)

    return act_on_form(request, session, act, refused, on_page=_forward_explained)


@router.post("/assist/{key}/actions/{action}", response_class=HTMLResponse, response_model=None)
def move_request(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: str,
    action: str,
    version: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form(max_length=NOTE)] = "",
    outcome: Annotated[str, Form(max_length=TEXT)] = "",
    outcome_code: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """One button of the request page: accept, reject (reason), start, hold (reason), resume,
    complete (outcome and how it ended), cancel (reason)..."""

    def change(found: AssistanceRequest) -> None:
        _check_version(found, version, action)
        try:
            body = MoveIn.model_validate(
                {"reason": reason, "outcome": outcome, "outcome_code": outcome_code or None}
            )
        except ValidationError as exc:
            raise _invalid(exc) from exc
        moves.move(session, actor, found, action, body)

    form = {"action": action, "reason": reason, "outcome": outcome, "outcome_code": outcome_code}
    return _change(request, session, actor, key, change, form)


@router.post("/assist/{key}/reassign", response_class=HTMLResponse, response_model=None)
def reassign(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: str,
    agency: Annotated[str, Form(max_length=40)] = "",
    unit: Annotated[str, Form(max_length=200)] = "",
    note: Annotated[str, Form(max_length=NOTE)] = "",
) -> Response:
    def change(found: AssistanceRequest) -> None:
        service.reassign(
            session, actor, found, agency_code=agency.strip() or None, unit=unit, note=note
        )

    form = {"reassign_agency": agency, "unit": unit, "reassign_note": note}
    return _change(request, session, actor, key, change, form)


@router.post("/assist/{key}/forward", response_class=HTMLResponse, response_model=None)
def forward(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: str,
    agency: Annotated[str, Form(max_length=40)] = "",
    note: Annotated[str, Form(max_length=NOTE)] = "",
) -> Response:
    """Pass the request on to a third agency (H2/H3: once the owner has granted it)."""

    def change(found: AssistanceRequest) -> str:
        forwarded = threads.forward(session, actor, found, agency_code=agency, note=note)
        # The new request is sent by the handling agency: its page, if the actor sees it there.
        shown = forwarded if access.may_see(session, actor, forwarded) else found
        return f"/assist/{shown.reference}"

    form = {"forward_agency": agency, "forward_note": note}
    return _change(request, session, actor, key, change, form)


@router.post("/assist/{key}/permission", response_class=HTMLResponse, response_model=None)
def ask_permission(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: str,
    agency: Annotated[str, Form(max_length=40)] = "",
    body: Annotated[str, Form(max_length=NOTE)] = "",
) -> Response:
    """Ask the owner, on the thread, to let the request be passed on to a third agency."""

    def change(found: AssistanceRequest) -> None:
        threads.ask_permission(session, actor, found, agency_code=agency, body=body)

    form = {"permission_agency": agency, "permission_body": body}
    return _change(request, session, actor, key, change, form)


@router.post(
    "/assist/{key}/permission/{message_id}", response_class=HTMLResponse, response_model=None
)
def answer_permission(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: str,
    message_id: uuid.UUID,
    grant: Annotated[str, Form(max_length=5)] = "",
    body: Annotated[str, Form(max_length=NOTE)] = "",
) -> Response:
    """The owner grants (`grant=yes`) or refuses a permission request."""

    def change(found: AssistanceRequest) -> None:
        threads.answer_permission(
            session, actor, found, message_id, grant=grant == "yes", body=body
        )

    return _change(request, session, actor, key, change, {"answer_body": body})


@router.post("/assist/{key}/messages", response_class=HTMLResponse, response_model=None)
def post_message(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: str,
    body: Annotated[str, Form(max_length=TEXT)] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """A message to the other side and, optionally, one file: stored together or not at all."""

    def act() -> str:
        found = _load(session, actor, key)
        message = threads.post_message(session, actor, found, body=body)
        if file is not None and _uploaded(file):
            _store(session, actor, file, MESSAGE_FILES, message.id)
        return f"/assist/{found.reference}"

    def refused(exc: DomainError) -> Response:
        if request.headers.get("HX-Request") == "true":
            return _slot_error(request, exc)
        return _request_page(request, session, actor, key, error=exc, form={"body": body})

    return act_on_form(request, session, act, refused, on_page=_forward_explained)


@router.post("/assist/{key}/attachments", response_class=HTMLResponse, response_model=None)
def attach(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    key: str,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """A file on the request itself (the outcome's report, a photograph, a warrant)."""

    def act() -> str:
        found = _load(session, actor, key)
        if file is None or not _uploaded(file):
            raise InvalidInput("choose a file to attach", field="file")
        _store(session, actor, file, REQUEST_FILES, found.id)
        return f"/assist/{found.reference}"

    def refused(exc: DomainError) -> Response:
        if request.headers.get("HX-Request") == "true":
            return _slot_error(request, exc)
        return _request_page(request, session, actor, key, error=exc)

    return act_on_form(request, session, act, refused, on_page=_forward_explained)


# --- from a confirmed hit --------------------------------------------------------------------


@router.post("/assist/from-followup/{key}", response_class=HTMLResponse, response_model=None)
def transfer_from_followup(
    request: Request, session: DbSession, actor: CurrentActor, key: str
) -> Response:
    """The hit follow-up page's button: the arrest-and-transfer request to the finding agency
    (a second click opens the one already made). A refusal shows the follow-up's error page."""
    try:
        created, _new = service.transfer_from_followup(session, actor, key)
    except DomainError:
        session.rollback()
        raise
    reference = created.reference
    session.commit()
    return redirect(request, f"/assist/{reference}")


def _asset(name: str, media_type: str) -> FileResponse:
    return FileResponse(
        ASSETS / name, media_type=media_type, headers={"Cache-Control": "public, max-age=3600"}
    )


@router.get("/assist-assets/assist.js")
def script() -> FileResponse:
    """The pages' script: deadline countdowns and the live reload of a request's page (kept
    with this package; no inline scripts)."""
    return _asset("assist.js", "text/javascript")


@router.get("/assist-assets/assist.css")
def style() -> FileResponse:
    """The pages' few styles of their own, and the letter's print rules."""
    return _asset("assist.css", "text/css")
