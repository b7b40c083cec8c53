"""API and interchange shapes of the business calendar and SLA clocks."""

from __future__ import annotations

import datetime as dt
import uuid

from pydantic import BaseModel, ConfigDict, Field

from accord.deadlines.models import ClockPolicy, DayKind
from accord.deadlines.transitions import SlaStatus


class CalendarEntry(BaseModel):
    """One line of a calendar file: a holiday or a make-up working day."""

    model_config = ConfigDict(extra="forbid")

    date: dt.date
    kind: DayKind
    name_zh: str = Field("", max_length=100)
    name_en: str = Field("", max_length=100)


class CalendarDayIn(BaseModel):
    """What a PUT of /calendar/{date} sets."""

    model_config = ConfigDict(extra="forbid")

    kind: DayKind
    name_zh: str = Field("", max_length=100)
    name_en: str = Field("", max_length=100)


class CalendarDayOut(BaseModel):
    """A date as the calendar sees it; `kind` is null for an ordinary day."""

    date: dt.date
    kind: DayKind | None
    name_zh: str
    name_en: str
    business_day: bool


class CalendarLoadResult(BaseModel):
    created: int
    updated: int
    unchanged: int
    clocks_moved: int


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500)


class OptionalReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(None, max_length=500)


class SlaClockOut(BaseModel):
    """An SLA clock; `remaining_seconds` is business seconds for a business clock, negative
    once overdue, and frozen while paused or stopped."""

    id: uuid.UUID
    object_type: str
    object_id: uuid.UUID
    name: str
    agency_id: uuid.UUID
    policy: ClockPolicy
    budget_seconds: int | None
    budget_days: int | None
    status: SlaStatus
    started_at: dt.datetime
    due_at: dt.datetime
    paused_at: dt.datetime | None
    paused_total_seconds: int
    stopped_at: dt.datetime | None
    remind_at: dt.datetime | None
    reminded_at: dt.datetime | None
    escalated_at: dt.datetime | None
    escalated_to_agency_id: uuid.UUID | None
    escalated_to_zone_id: uuid.UUID | None
    version: int
    remaining_seconds: int
    overdue: bool
    allowed_actions: list[str]
