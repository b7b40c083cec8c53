"""API and interchange shapes of agencies (the JSON-lines import/export uses `AgencyRecord`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from accord.agencies.models import ContactKind, Level

CODE_PATTERN = r"^[A-Z0-9][A-Z0-9-]{1,31}$"


class Contact(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)

    kind: ContactKind
    label_zh: str = Field("", max_length=200)
    label_en: str = Field("", max_length=200)
    phone: str = Field("", max_length=40)
    fax: str = Field("", max_length=40)
    email: str = Field("", max_length=200)
    hours: str = Field("", max_length=40)
    valid_from: date | None = None
    valid_to: date | None = None

    @model_validator(mode="after")
    def _period(self) -> Contact:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        return self


class AgencyRecord(BaseModel):
    """One agency as a line of an import or export file. `parent` is the parent's code."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=CODE_PATTERN)
    prefix: str = Field(pattern=r"^[A-Z][A-Z0-9]{0,11}$")
    name_zh: str = Field(min_length=1, max_length=200)
    name_en: str = Field(min_length=1, max_length=200)
    level: Level
    parent: str | None = Field(None, pattern=CODE_PATTERN)
    country: str = Field("CN", pattern=r"^[A-Z]{2}$")
    timezone: str = Field("Asia/Shanghai", max_length=64)
    jurisdiction: dict[str, Any] | None = None
    active: bool = True
    contacts: list[Contact] = Field(default_factory=list)


class AgencyOut(BaseModel):
    """An agency as the API shows it: public facts and public contact points only."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    code: str
    prefix: str
    name_zh: str
    name_en: str
    level: Level
    parent: str | None
    country: str
    timezone: str
    active: bool
    contacts: list[Contact]


class AgencyPage(BaseModel):
    items: list[AgencyOut]
    next_cursor: str | None = Field(
        None, description="Pass as `cursor` to get the next page; absent on the last page."
    )


class ImportSummary(BaseModel):
    created: int
    updated: int
    unchanged: int
