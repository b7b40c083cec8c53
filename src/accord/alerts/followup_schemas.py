"""API shapes of hit follow-ups, and the discreet-check report that the service validates.

`DiscreetReport` is the one definition of the structured report a discreet-check hit returns
(SIRENE: place and time, route and destination, vehicle, companions, items carried); the
service reads form fields and API bodies through it, so both refuse bad input alike.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from accord.alerts.followup_transitions import Outcome

TEXT_MAX = 2000
REPORT_FIELDS = ("place", "time", "route", "destination", "vehicle", "companions", "items")


class DiscreetReport(BaseModel):
    """What the officer saw, without the subject being told. Place and time are required."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    place: str = Field(min_length=1, max_length=300, description="Where the check took place")
    time: str = Field(min_length=1, max_length=100, description="When (as the officer notes it)")
    route: str = Field(default="", max_length=TEXT_MAX, description="Route taken")
    destination: str = Field(default="", max_length=300, description="Stated or seen destination")
    vehicle: str = Field(default="", max_length=TEXT_MAX, description="Vehicle used")
    companions: str = Field(default="", max_length=TEXT_MAX, description="Persons accompanying")
    items: str = Field(default="", max_length=TEXT_MAX, description="Items carried")


class FollowUpIn(BaseModel):
    """Report a hit (or a possible judged likely) from one of the agency's checks."""

    model_config = ConfigDict(extra="forbid")

    check_id: uuid.UUID
    alert_id: uuid.UUID
    note: str = Field(default="", max_length=TEXT_MAX)


class ConfirmIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: str | None = Field(
        default=None,
        max_length=TEXT_MAX,
        description="The action to take; the alert's action on a hit if empty",
    )


class RefuseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    facts: str = Field(
        max_length=TEXT_MAX, description="The facts that tell this person from the alert's subject"
    )


class OutcomeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Outcome
    reason: str = Field(
        default="", max_length=TEXT_MAX, description="Required when not carried out"
    )
    report: dict[str, Any] | None = Field(
        default=None,
        description="Discreet-check alerts: place, time (required), route, destination, "
        "vehicle, companions, items",
    )

    @field_validator("report")
    @classmethod
    def _only_known_fields(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is not None:
            unknown = sorted(set(value) - set(REPORT_FIELDS))
            if unknown:
                raise ValueError(f"unknown report field {unknown[0]!r}")
        return value


class FulfilIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(default="", max_length=TEXT_MAX)


class AgencyRef(BaseModel):
    code: str
    name_zh: str
    name_en: str


class AlertSummaryOut(BaseModel):
    id: uuid.UUID
    ref: str
    type: str
    priority: str
    status: str
    label: str | None
    contact: str
    action_on_hit: str | None
    handling_code: str
    handling_text: str | None
    misused_identity: bool
    distinguishing_facts: str | None
    withheld: bool = Field(
        description="Details withheld from the finding agency by the sharing rules until the "
        "issuer confirms"
    )


class ClockOut(BaseModel):
    status: str
    due_at: datetime
    remaining_seconds: int
    overdue: bool
    escalated: bool


class FollowUpOut(BaseModel):
    id: uuid.UUID
    reference: str
    status: str
    version: int
    allowed_actions: list[str]
    urgent: bool
    alert: AlertSummaryOut
    finding_agency: AgencyRef
    issuing_agency: AgencyRef
    check_id: uuid.UUID
    checked_at: datetime
    purpose: str
    probe: dict[str, Any]
    band: str
    score: float | None
    explanation: list[str]
    note: str
    reported_by: str
    reported_at: datetime
    claimed_by: str | None
    claimed_at: datetime | None
    answered_by: str | None
    answered_at: datetime | None
    action_to_take: str | None
    distinguishing_facts: str | None
    cleared: bool
    outcome: Outcome | None
    outcome_reason: str | None
    discreet_report: dict[str, Any] | None
    outcome_by: str | None
    outcome_at: datetime | None
    clock: ClockOut | None


class FollowUpSummary(BaseModel):
    id: uuid.UUID
    reference: str
    status: str
    side: Literal["to_answer", "reported_by_us"]
    urgent: bool
    alert_ref: str
    alert_type: str
    finding_agency: str
    issuing_agency: str
    reported_at: datetime
    due_at: datetime | None
    overdue: bool


class FollowUpPage(BaseModel):
    items: list[FollowUpSummary]
    next_cursor: str | None
