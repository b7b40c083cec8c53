"""API shapes of assistance requests: what a requester sends, the moves, messages, and the
request as a reader sees it. `RequestIn` is the one validation of a new request, shared by the
API, the form and the bulk import, so all three refuse bad input alike."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from accord.assistance.kinds import (
    REQUEST_TYPES,
    Accuracy,
    OutcomeCode,
    Reliability,
    SubjectKind,
    Urgency,
    ZoneMode,
)
from accord.core.handling import HandlingCode

TEXT_MAX = 20_000
NOTE_MAX = 4_000
SUBJECTS_MAX = 50


class SubjectIn(BaseModel):
    """A person, vehicle, phone or account the request is about."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: SubjectKind
    value: str = Field(
        default="",
        max_length=100,
        description="Resident ID or passport number, plate, phone or account number",
    )
    name: str = Field(default="", max_length=200, description="A person's name, any script")
    note: str = Field(default="", max_length=500)

    @model_validator(mode="after")
    def _something_to_go_on(self) -> SubjectIn:
        if not self.value and not (self.kind is SubjectKind.PERSON and self.name):
            raise ValueError(
                "a subject needs its identifier (a person may be given by name instead)"
            )
        return self


class RequestIn(BaseModel):
    """A new request: to one agency (`addressee`) or to a whole zone (`zone`)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    request_type: str = Field(description="One of the request types (see /assistance-types)")
    urgency: Urgency = Urgency.ROUTINE
    addressee: str | None = Field(default=None, max_length=40, description="Agency code")
    zone: str | None = Field(default=None, max_length=40, description="Zone code")
    zone_mode: ZoneMode = ZoneMode.FAN_OUT
    requesting_agency: str | None = Field(
        default=None, max_length=40, description="Agency code; the requester's own by default"
    )
    title: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=TEXT_MAX)
    legal_basis: str = Field(default="", max_length=NOTE_MAX)
    case_reference: str = Field(default="", max_length=100)
    subjects: list[SubjectIn] = Field(default_factory=list, max_length=SUBJECTS_MAX)
    handling_code: HandlingCode = HandlingCode.H0
    handling_text: str | None = Field(default=None, max_length=200)
    source_reliability: Reliability | None = None
    information_accuracy: Accuracy | None = None
    deadline: datetime | None = Field(
        default=None, description="Overrides the urgency's default deadline (wall clock)"
    )
    draft: bool = Field(default=False, description="Keep as a draft; send it later")

    @field_validator("request_type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        if value not in REQUEST_TYPES:
            raise ValueError(f"unknown request type; one of {', '.join(REQUEST_TYPES)}")
        return value

    @field_validator("deadline")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("give the deadline with its time zone (e.g. +08:00)")
        return value

    @model_validator(mode="after")
    def _one_addressee(self) -> RequestIn:
        if bool(self.addressee) == bool(self.zone):
            raise ValueError("address the request to one agency (addressee) or to a zone")
        if self.zone_mode is ZoneMode.CLAIM and not self.zone:
            raise ValueError("claim mode is for a request to a zone")
        if self.handling_code is HandlingCode.H3 and not (self.handling_text or "").strip():
            raise ValueError("H3 states its restriction in handling_text")
        if self.handling_code is not HandlingCode.H3 and self.handling_text:
            raise ValueError("only H3 carries a handling_text")
        return self


class MoveIn(BaseModel):
    """The body of a move: a reason (reject, hold, cancel: required) or an outcome (complete)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(default="", max_length=NOTE_MAX)
    outcome: str = Field(default="", max_length=TEXT_MAX)
    outcome_code: OutcomeCode | None = None


class ReassignIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    agency: str | None = Field(
        default=None, max_length=40, description="A subordinate agency; the same one if empty"
    )
    unit: str = Field(default="", max_length=200, description="The unit or team inside it")
    note: str = Field(default="", max_length=NOTE_MAX)


class ForwardIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    agency: str = Field(min_length=1, max_length=40, description="The third agency's code")
    note: str = Field(default="", max_length=NOTE_MAX)


class MessageIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    body: str = Field(min_length=1, max_length=TEXT_MAX)


class PermissionAskIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    agency: str = Field(min_length=1, max_length=40, description="Whom to pass it on to")
    body: str = Field(default="", max_length=NOTE_MAX, description="Why")


class PermissionAnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    grant: bool
    body: str = Field(default="", max_length=NOTE_MAX)


class AgencyRef(BaseModel):
    code: str
    name_zh: str
    name_en: str


class ClockOut(BaseModel):
    status: str
    policy: str
    due_at: datetime
    remaining_seconds: int
    overdue: bool
    escalated: bool


class EventOut(BaseModel):
    action: str
    from_status: str | None
    to_status: str
    actor: str
    reason: str
    at: datetime


class ReceiptOut(BaseModel):
    username: str
    agency: str | None
    read_at: datetime


class MessageOut(BaseModel):
    id: uuid.UUID
    kind: str
    agency: str
    author: str
    body: str
    target_agency: str | None
    answers_id: uuid.UUID | None
    created_at: datetime
    read_by: list[ReceiptOut]


class RequestOut(BaseModel):
    id: uuid.UUID
    reference: str
    status: str
    version: int
    allowed_actions: list[str]
    request_type: str
    urgency: str
    title: str
    description: str
    legal_basis: str
    case_reference: str
    subjects: list[dict[str, Any]]
    handling_code: str
    handling_text: str | None
    source_reliability: str | None
    information_accuracy: str | None
    requesting_agency: AgencyRef
    requested_by: str
    addressee: AgencyRef | None
    handling_agency: AgencyRef | None
    handling_unit: str
    zone: str | None
    zone_mode: str | None
    parent: str | None
    children: list[str]
    forwarded_from: str | None
    claimed_by: str | None
    followup: str | None
    requested_at: datetime | None
    received_at: datetime | None
    accepted_at: datetime | None
    completed_at: datetime | None
    closed_at: datetime | None
    status_reason: str
    outcome_code: str | None
    outcome: str
    clock: ClockOut | None


class RequestSummary(BaseModel):
    id: uuid.UUID
    reference: str
    status: str
    request_type: str
    urgency: str
    title: str
    requesting_agency: str
    addressee: str | None
    zone: str | None
    case_reference: str
    requested_at: datetime | None
    due_at: datetime | None
    overdue: bool


class RequestPage(BaseModel):
    items: list[RequestSummary]
    next_cursor: str | None
