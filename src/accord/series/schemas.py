"""API shapes of crime series: runs, the list, one series as a reader may see it, hub marks."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

Kind = Literal["person", "phone", "account", "plate", "address"]


class DiscoverIn(BaseModel):
    full: bool = Field(
        False, description="Recompute every series (default: only what changed since last run)."
    )


class RunOut(BaseModel):
    id: uuid.UUID
    mode: str
    started_at: datetime
    finished_at: datetime | None
    cases: int
    series: int = Field(description="Active series after the run.")
    hubs: int = Field(description="Identifiers that linked nothing (found or marked).")
    seconds: float
    run_by: str


class AgencyOut(BaseModel):
    code: str
    name_zh: str
    name_en: str


class SeriesSummaryOut(BaseModel):
    key: str
    score: float
    size: int
    cross_regional: bool
    agencies: list[AgencyOut] = Field(description="The agencies you see cases at.")
    hidden: int = Field(description="Cases at agencies you do not share with.")
    first: date | None = Field(description="The earliest case you see in full.")
    last: date | None = Field(description="The latest case you see in full.")
    updated_at: datetime


class SeriesListOut(BaseModel):
    items: list[SeriesSummaryOut]
    next_cursor: str | None


class IdentifierOut(BaseModel):
    id: str = Field(description="The identifier's node in this answer (i1, i2 ...).")
    kind: str
    value: str | None = Field(description="Absent when you see no record carrying it in full.")
    match_at: list[str] = Field(
        default=[], description="Agency codes of a redacted identifier's records."
    )


class EvidenceOut(BaseModel):
    left: str = Field(description="Case node (c1 ...).")
    identifier: str = Field(description="Identifier node (i1 ...).")
    right: str
    weight: float


class CaseOut(BaseModel):
    id: str = Field(description="The case's node in this answer (c1, c2 ...).")
    day: date | None
    record: dict[str, Any] = Field(
        description="The case record as you may see it (a hit-only one: 'match at agency X')."
    )


class SeriesOut(BaseModel):
    key: str
    status: str
    score: float
    size: int
    cross_regional: bool
    updated_at: datetime
    agencies: list[AgencyOut]
    cases: list[CaseOut]
    identifiers: list[IdentifierOut]
    evidence: list[EvidenceOut]
    hidden: int = Field(description="Cases at agencies you do not share with.")
    hidden_links: int = Field(description="Evidence paths touching such cases.")


class HubIn(BaseModel):
    kind: Kind
    value: str = Field(min_length=1, max_length=300)
    hub: bool = Field(True, description="True marks a hub (links nothing); False unmarks.")
    reason: str = Field(min_length=1, max_length=1000)


class HubOut(BaseModel):
    id: uuid.UUID
    kind: str
    value: str
    hub: bool
    reason: str
    by: str
    at: datetime
