"""API shapes of the audit trail: events, looks, the chain's verification and the reports."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field


class SubjectOut(BaseModel):
    kind: str
    key: str


class EventOut(BaseModel):
    id: str
    occurred_at: datetime
    username: str
    agency_code: str | None
    via: str
    action: str
    object_type: str | None
    object_id: str | None
    purpose: str | None
    case_ref: str | None
    outcome: str
    client_addr: str | None
    detail: dict[str, Any] | None
    subjects: list[SubjectOut]


class EventPage(BaseModel):
    items: list[EventOut]
    next_cursor: str | None = Field(
        None, description="Pass as `cursor` to get the next page; absent on the last page."
    )


class LookOut(BaseModel):
    event_id: str
    occurred_at: datetime
    username: str
    agency_code: str | None
    action: str
    object_type: str | None
    object_id: str | None
    purpose: str | None
    case_ref: str | None
    outcome: str
    via: str
    client_addr: str | None


class WhoLookedOut(BaseModel):
    subject: SubjectOut
    looks: list[LookOut]


class CheckpointOut(BaseModel):
    position: int
    signed_at: datetime
    key_id: str


class VerifyOut(BaseModel):
    ok: bool
    summary: str = Field(description="The line `accord audit verify` prints.")
    checked: int
    first_break: int | None
    reason: str | None
    last_checkpoint: CheckpointOut | None
    checkpoints: int
    pending: int = Field(description="Events recorded but not chained yet.")


class UnlinkedChecksOut(BaseModel):
    username: str
    agency_code: str | None
    count: int
    first_at: datetime
    last_at: datetime
    actions: dict[str, int]


class BaselineOut(BaseModel):
    role: str
    median: float
    mad: float
    user_days: int
    users: int


class UnusualDayOut(BaseModel):
    username: str
    agency_code: str | None
    day: date
    count: int
    role: str
    role_median: float
    robust_z: float


class VolumeReportOut(BaseModel):
    flagged: list[UnusualDayOut]
    baselines: list[BaselineOut]
    threshold: float
    min_count: int
