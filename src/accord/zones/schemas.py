"""API shapes of zones, their members and chair terms."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class MemberOut(BaseModel):
    agency: str
    name_zh: str
    name_en: str
    joined_on: date
    left_on: date | None


class ChairTermOut(BaseModel):
    agency: str
    starts_on: date
    ends_on: date


class LeaderOut(BaseModel):
    member: str
    role: str
    username: str
    name: str


class ZoneOut(BaseModel):
    code: str
    name_zh: str
    name_en: str
    fields: list[str]
    founded_on: date
    secretariat: str
    secretariat_follows_chair: bool
    chair_term_months: int
    chair: str | None
    members: list[MemberOut]
    chair_history: list[ChairTermOut]
    leading_group: list[LeaderOut]


class MembershipChange(BaseModel):
    agency: str = Field(description="Agency code")
    on: date


class ChairTermIn(BaseModel):
    agency: str
    starts_on: date
    ends_on: date
