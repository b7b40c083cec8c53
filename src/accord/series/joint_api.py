"""Joint case routes under /api/v1: open one on a series, read it, post on its thread, the
owner's release decision, the lead's request to a member that joined later, and closing.

Opening takes an `Idempotency-Key` (a retried click replays the first answer) and is refused
with 409 `joint_case_exists`, naming the case, when the series already has an open one.
Reads are audited (personal data) with the purpose "joint case <reference>".
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from accord.agencies.models import Agency
from accord.core import idempotency
from accord.records.access import AgencyRef
from accord.security.actor import Actor
from accord.security.deps import CurrentActor
from accord.series import joint, joint_consent, joint_lifecycle, joint_reading, joint_thread
from accord.web.deps import AuditedReadSession, DbSession
from accord.web.problems import CHANGE_RESPONSES, PROBLEM_RESPONSES

router = APIRouter(tags=["joint cases"], responses=PROBLEM_RESPONSES)

BASE = "/joint-cases"


class JointCaseIn(BaseModel):
    """Open a joint case on a series: a title; the lead (your agency by default) and the
    members (by default every other agency with a case in the series)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=joint.TITLE_MAX)
    lead_agency: str | None = Field(default=None, max_length=40, description="Agency code")
    members: list[str] | None = Field(
        default=None, max_length=100, description="Agency codes; default: the series' agencies"
    )


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    body: str = Field(min_length=1, max_length=joint.MESSAGE_MAX)


class ReleaseIn(BaseModel):
    """The owner's decision: grant or refuse the release of its records to the members."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    grant: bool
    agency: str | None = Field(
        default=None, max_length=40, description="The owner's code; your agency by default"
    )
    reason: str = Field(default="", max_length=joint.REASON_MAX, description="Required to refuse")
    records: list[uuid.UUID] | None = Field(
        default=None, description="The records decided on; default: all still waiting"
    )


class CloseIn(BaseModel):
    """The lead closes the case with its outcome."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    outcome: str = Field(min_length=1, max_length=joint.OUTCOME_MAX)


class DraftIn(BaseModel):
    """The lead drafts its request to a member that has none (one that joined later)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    agency: str = Field(min_length=1, max_length=40, description="The member's code")


class DraftOut(BaseModel):
    reference: str = Field(description="The draft assistance request's reference")


class AgencyOut(BaseModel):
    code: str
    name_zh: str
    name_en: str


class MemberOut(BaseModel):
    agency: AgencyOut
    role: str
    joined_at: datetime
    request: str | None = Field(description="The assistance request drafted to it (reference)")
    no_request: str | None = Field(description="Why the lead could not address it")


class RecordOut(BaseModel):
    id: uuid.UUID
    owner: AgencyOut
    release: str = Field(description="own | pending | granted | refused")
    decided_by: str | None
    decided_at: datetime | None
    reason: str | None
    view: dict[str, Any] | None = Field(
        description="The record as you may see it (full, or a match only); null: no longer shared"
    )


class MessageOut(BaseModel):
    id: uuid.UUID
    author: str
    agency: str | None
    body: str
    created_at: datetime


class JointCaseOut(BaseModel):
    id: uuid.UUID
    reference: str
    title: str
    status: str
    series: str | None
    lead: AgencyOut
    handling_code: str
    created_by: str
    created_at: datetime
    closed_by: str | None
    closed_at: datetime | None
    outcome: str | None
    members: list[MemberOut]
    records: list[RecordOut]
    messages: list[MessageOut]
    may_decide_for: list[str] = Field(description="Owners whose records you may release")


class JointCaseSummary(BaseModel):
    reference: str
    title: str
    status: str
    lead: str
    role: str = Field(description="Your agency's role: lead | member")
    members: int
    created_at: datetime


class WaitingOut(BaseModel):
    reference: str
    agency: str
    pending: int


class JointCaseListOut(BaseModel):
    mine: list[JointCaseSummary]
    waiting: list[WaitingOut] = Field(description="Consent requests waiting for your agency")


class ReleaseOut(BaseModel):
    reference: str
    agency: str
    release: str
    records: list[uuid.UUID]


def agency_out(a: Agency | AgencyRef) -> AgencyOut:
    return AgencyOut(code=a.code, name_zh=a.name_zh, name_en=a.name_en)


def case_out(read: joint_reading.JointCaseRead) -> JointCaseOut:
    codes = {m.agency.id: m.agency.code for m in read.members}
    case = read.case
    return JointCaseOut(
        id=case.id,
        reference=case.reference,
        title=case.title,
        status=case.status,
        series=read.series_key,
        lead=agency_out(read.lead),
        handling_code=case.handling_code,
        created_by=case.created_by,
        created_at=case.created_at,
        closed_by=case.closed_by,
        closed_at=case.closed_at,
        outcome=case.outcome,
        members=[
            MemberOut(
                agency=agency_out(m.agency),
                role=m.role,
                joined_at=m.joined_at,
                request=m.request.reference if m.request else None,
                no_request=m.no_request,
            )
            for m in read.members
        ],
        records=[
            RecordOut(
                id=r.record_id,
                owner=agency_out(r.owner),
                release=r.release,
                decided_by=r.decided_by,
                decided_at=r.decided_at,
                reason=r.reason,
                view=r.view.as_dict() if r.view else None,
            )
            for r in read.records
        ],
        messages=[
            MessageOut(
                id=m.id,
                author=m.author,
                agency=codes.get(m.agency_id) if m.agency_id else None,
                body=m.body,
                created_at=m.created_at,
            )
            for m in read.messages
        ],
        may_decide_for=[a.code for a, _ in read.decide_for],
    )


def _read_response(session: Session, actor: Actor, key: str, status_code: int = 200) -> Response:
    read = joint_reading.read_joint_case(session, actor, key)
    response = JSONResponse(case_out(read).model_dump(mode="json"), status_code=status_code)
    if status_code == 201:
        response.headers["Location"] = f"/api/v1{BASE}/{read.case.reference}"
    return response


@router.post(
    "/series/{key}/joint-case",
    response_model=JointCaseOut,
    status_code=201,
    responses=CHANGE_RESPONSES,
)
def open_joint_case(
    request: Request, session: DbSession, actor: CurrentActor, key: str, body: JointCaseIn
) -> Response:
    """Open a joint case on the series in one call: members, the series' cases and suspects
    (released to the members as their owners consent), a thread, and an assistance request
    drafted to each member. A retry with the same Idempotency-Key replays the answer; a series
    with an open joint case already answers 409 naming it (`reference`)."""
    with idempotency.idempotent(request, session, actor, body) as guard:
        if guard.replay is not None:
            return guard.replay
        case = joint_lifecycle.open_joint_case(
            session,
            actor,
            series_key=key,
            title=body.title,
            lead_agency=body.lead_agency,
            members=body.members,
        )
        response = _read_response(session, actor, case.reference, 201)
        guard.complete(response)
        session.commit()
        return response


@router.get(BASE, response_model=JointCaseListOut)
def list_joint_cases(session: DbSession, actor: CurrentActor) -> JointCaseListOut:
    """The joint cases your agency leads or is a member of, newest first, and the consent
    requests waiting for an agency you decide for (no personal data)."""
    found = joint_reading.list_joint_cases(session, actor)
    return JointCaseListOut(
        mine=[
            JointCaseSummary(
                reference=r.case.reference,
                title=r.case.title,
                status=r.case.status,
                lead=r.lead.code,
                role=r.role,
                members=r.members,
                created_at=r.case.created_at,
            )
            for r in found.mine
        ],
        waiting=[
            WaitingOut(reference=w.case.reference, agency=w.owner.code, pending=w.pending)
            for w in found.waiting
        ],
    )


@router.get(BASE + "/{key}", response_model=JointCaseOut)
def get_joint_case(session: AuditedReadSession, actor: CurrentActor, key: str) -> Response:
    """One joint case by reference or id: members and their drafted requests, records as you
    may see them (a match only until their owner releases them), the thread. Audited; 404 to
    anyone outside its member agencies."""
    response = _read_response(session, actor, key)
    session.commit()
    return response


@router.post(
    BASE + "/{key}/messages",
    response_model=MessageOut,
    status_code=201,
    responses=CHANGE_RESPONSES,
)
def post_message(
    request: Request, session: DbSession, actor: CurrentActor, key: str, body: MessageIn
) -> Response:
    """A message on the case's thread; the other member agencies are told."""
    with idempotency.idempotent(request, session, actor, body) as guard:
        if guard.replay is not None:
            return guard.replay
        case = joint.get_joint_case(session, key)
        message = joint_thread.post_message(session, actor, joint_case=case, body=body.body)
        out = MessageOut(
            id=message.id,
            author=message.author,
            agency=actor.agency_code,
            body=message.body,
            created_at=message.created_at,
        )
        response = JSONResponse(out.model_dump(mode="json"), status_code=201)
        guard.complete(response)
        session.commit()
        return response


@router.post(BASE + "/{key}/releases", response_model=ReleaseOut, responses=CHANGE_RESPONSES)
def decide_release(
    session: DbSession, actor: CurrentActor, key: str, body: ReleaseIn
) -> ReleaseOut:
    """The owner's liaison or commander grants or refuses the release of its records to the
    members: the named ones, or all still waiting (403 for anyone else)."""
    case = joint.get_joint_case(session, key)
    joint.require_reader(session, actor, case)
    agency = joint_consent.owner_for(session, actor, body.agency)
    decided = joint_consent.decide_release(
        session,
        actor,
        joint_case=case,
        agency=agency,
        grant=body.grant,
        reason=body.reason,
        records=body.records,
    )
    out = ReleaseOut(
        reference=case.reference,
        agency=agency.code,
        release=joint.GRANTED if body.grant else joint.REFUSED,
        records=[r.record_id for r in decided],
    )
    session.commit()
    return out


@router.post(BASE + "/{key}/close", response_model=JointCaseOut, responses=CHANGE_RESPONSES)
def close_joint_case(session: DbSession, actor: CurrentActor, key: str, body: CloseIn) -> Response:
    """The lead closes the case with its outcome: the thread takes no more messages, records
    still waiting for consent stay unreleased, the members are told (403 for a member that is
    not the lead; 422 when already closed)."""
    case = joint.get_joint_case(session, key)
    joint_lifecycle.close_joint_case(session, actor, joint_case=case, outcome=body.outcome)
    response = _read_response(session, actor, case.reference)
    session.commit()
    return response


@router.post(
    BASE + "/{key}/requests", response_model=DraftOut, status_code=201, responses=CHANGE_RESPONSES
)
def draft_member_request(
    session: DbSession, actor: CurrentActor, key: str, body: DraftIn
) -> DraftOut:
    """The lead drafts its assistance request to a member that has none (an agency that joined
    when the series grew), pre-filled like those drafted at the opening."""
    case = joint.get_joint_case(session, key)
    reference = joint_lifecycle.draft_member_request(
        session, actor, joint_case=case, agency=body.agency
    )
    session.commit()
    return DraftOut(reference=reference)
