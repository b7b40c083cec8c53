"""API shapes of shared records and watches.

A record comes out as its viewer may see it: `view` is `full` (the FtM entity with provenance)
or `hit` (the owner agency and the schema, `match` and the `ask` link, nothing else).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class AgencyOut(BaseModel):
    code: str
    name_zh: str
    name_en: str


class ImportOut(BaseModel):
    created: int
    updated: int
    unchanged: int
    withdrawn: int
    sha256: str
    record_ids: list[uuid.UUID] = Field(description="Each line's record, in the file's order")


class RecordOut(BaseModel):
    """A record as you may see it; a `hit` view has only id, view, agency, schema, match, ask."""

    model_config = ConfigDict(extra="forbid")

    id: uuid.UUID
    view: str = Field(description="full | hit")
    agency: AgencyOut
    schema_: str | None = Field(None, alias="schema", serialization_alias="schema")
    match: str | None = Field(None, description="hit views: `match at agency CODE`")
    ask: str | None = Field(None, description="hit views: the form that asks the owner for it")
    entity_id: str | None = None
    caption: str | None = None
    properties: dict[str, list[str]] | None = None
    handling_code: str | None = None
    handling_text: str | None = None
    source_reliability: str | None = None
    information_accuracy: int | None = None
    recorded_on: date | None = None
    review_on: date | None = None
    expires_on: date | None = None
    version: int | None = None
    score: float | None = Field(None, description="search results: how well it matched")
    matched: list[str] | None = Field(None, description="search results: the kinds of key")


class RelatedOut(BaseModel):
    relation: str
    role: str = ""
    record: RecordOut
    via: RecordOut | None = None


class RecordReadOut(BaseModel):
    record: RecordOut
    related: list[RelatedOut] = []
    cluster: str | None = Field(None, description="the person cluster key (PC-000123)")


class SearchOut(BaseModel):
    query: str
    kinds: list[str]
    results: list[RecordOut]


class WithdrawIn(BaseModel):
    reason: str = Field(min_length=1, max_length=300)


class WithdrawOut(BaseModel):
    id: uuid.UUID
    entity_id: str
    status: str
    version: int
    withdrawn_at: datetime | None


class WatchIn(BaseModel):
    kind: str = Field(description="cluster | phone | account", examples=["phone"])
    key: str = Field(min_length=1, max_length=200, examples=["138 1234 5678"])
    purpose: str = Field(min_length=1, max_length=300)
    label: str = Field("", max_length=200)


class WatchOut(BaseModel):
    id: uuid.UUID
    kind: str
    key: str
    label: str
    purpose: str
    created_at: datetime
