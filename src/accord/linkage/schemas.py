"""API shapes of person linkage: runs, clusters as a reader sees them, judgements."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field


class RunIn(BaseModel):
    engine: Literal["duckdb", "spark"] = "duckdb"
    full: bool = Field(False, description="Train a new model and re-cluster every record.")


class RunOut(BaseModel):
    id: uuid.UUID
    mode: str
    engine: str
    started_at: datetime
    finished_at: datetime | None
    records: int
    pairs_scored: int
    links: int
    clusters: int
    seconds: float
    run_by: str


class FieldWeight(BaseModel):
    field: str
    level: str
    weight: float


class LinkOut(BaseModel):
    left: uuid.UUID
    right: uuid.UUID
    visible: bool
    linked: bool = Field(description="At or above the linking threshold.")
    match_weight: float | None = None
    probability: float | None = None
    prior_weight: float | None = None
    fields: list[FieldWeight] = []


class JudgementOut(BaseModel):
    left: uuid.UUID
    right: uuid.UUID
    verdict: str
    reason: str
    by: str
    at: datetime
    in_force: bool


class ClusterOut(BaseModel):
    cluster: str
    size: int
    label: str
    records: list[dict[str, Any]] = Field(
        description="Each record as the reader may see it (a hit-only one: 'match at agency X')."
    )
    links: list[LinkOut]
    judgements: list[JudgementOut]


class JudgementIn(BaseModel):
    left_id: uuid.UUID
    right_id: uuid.UUID | None = Field(
        None, description="The other record; without it, `left_id` against the rest of `cluster`."
    )
    verdict: Literal["same", "not_same", "unsure"]
    reason: str = Field(min_length=1, max_length=1000)
    cluster: str | None = Field(None, max_length=20)


class JudgementCreated(BaseModel):
    ids: list[uuid.UUID]
    verdict: str
    left_cluster: str | None
    right_cluster: str | None
