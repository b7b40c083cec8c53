"""API shapes of meetings, agenda items, decisions, action commands and the zone dashboard."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from accord.meetings.models import (
    ActionCommand,
    AgendaItem,
    CommandProgress,
    DeadlineExtension,
    Decision,
    Meeting,
    MeetingKind,
)


class MeetingIn(BaseModel):
    title_zh: str = Field(max_length=300)
    title_en: str = Field(default="", max_length=300)
    kind: MeetingKind = MeetingKind.REGULAR
    starts_at: datetime
    agenda_cutoff_at: datetime
    location: str = Field(default="", max_length=300)
    host: str | None = Field(default=None, description="Agency code; the current chair if empty")


class ParticipantOut(BaseModel):
    agency: str
    attended: bool | None


class DecisionOut(BaseModel):
    id: str
    text_zh: str
    text_en: str
    decided_at: datetime
    decided_by: str
    commands: list[str]


class AgendaItemOut(BaseModel):
    id: str
    position: int
    agency: str
    submitted_by: str
    submitted_at: datetime
    title: str
    description: str
    status: str
    decisions: list[DecisionOut]


class MeetingOut(BaseModel):
    id: str
    reference: str
    zone: str
    kind: str
    title_zh: str
    title_en: str
    starts_at: datetime
    agenda_cutoff_at: datetime
    location: str
    host: str
    status: str
    minutes: str
    participants: list[ParticipantOut]
    agenda: list[AgendaItemOut]


class MeetingSummary(BaseModel):
    reference: str
    kind: str
    title_zh: str
    title_en: str
    starts_at: datetime
    agenda_cutoff_at: datetime
    host: str
    status: str


class AgendaItemIn(BaseModel):
    title: str = Field(max_length=300)
    description: str = Field(default="", max_length=10_000)


class DecisionIn(BaseModel):
    text_zh: str = Field(max_length=20_000)
    text_en: str = Field(default="", max_length=20_000)
    owners: Literal["all"] | list[str] | None = Field(
        default=None, description='"all" (one command per active member) or agency codes'
    )
    deadline: datetime | None = None
    description: str = Field(default="", max_length=20_000)


class AttendanceIn(BaseModel):
    attended: list[str] = Field(description="Codes of the member agencies that attended")


class MinutesIn(BaseModel):
    text: str = Field(max_length=100_000)


class ReasonIn(BaseModel):
    reason: str | None = Field(default=None, max_length=2000)


class ProgressIn(BaseModel):
    text: str = Field(max_length=20_000)


class ExtensionIn(BaseModel):
    deadline: datetime
    reason: str = Field(max_length=2000)


class ProgressOut(BaseModel):
    id: str
    username: str
    text: str
    at: datetime


class ExtensionOut(BaseModel):
    old_deadline: datetime
    new_deadline: datetime
    reason: str
    by: str
    at: datetime


class CommandOut(BaseModel):
    id: str
    reference: str
    zone: str
    meeting: str
    owner: str
    description: str
    deadline: datetime
    status: str
    overdue: bool
    done_at: datetime | None
    done_late: bool
    progress: list[ProgressOut]
    extensions: list[ExtensionOut]


class MemberCountsOut(BaseModel):
    agency: str
    name_zh: str
    name_en: str
    open: int
    overdue: int
    done: int
    done_late: int
    withdrawn: int


def decision_out(d: Decision) -> DecisionOut:
    return DecisionOut(
        id=str(d.id),
        text_zh=d.text_zh,
        text_en=d.text_en,
        decided_at=d.decided_at,
        decided_by=d.decided_by,
        commands=[c.reference for c in d.commands],
    )


def item_out(i: AgendaItem) -> AgendaItemOut:
    return AgendaItemOut(
        id=str(i.id),
        position=i.position,
        agency=i.agency.code,
        submitted_by=i.submitted_by,
        submitted_at=i.submitted_at,
        title=i.title,
        description=i.description,
        status=i.status.value,
        decisions=[decision_out(d) for d in i.decisions],
    )


def meeting_summary(m: Meeting) -> MeetingSummary:
    return MeetingSummary(
        reference=m.reference,
        kind=m.kind.value,
        title_zh=m.title_zh,
        title_en=m.title_en,
        starts_at=m.starts_at,
        agenda_cutoff_at=m.agenda_cutoff_at,
        host=m.host.code,
        status=m.status.value,
    )


def meeting_out(m: Meeting) -> MeetingOut:
    return MeetingOut(
        id=str(m.id),
        reference=m.reference,
        zone=m.zone.code,
        kind=m.kind.value,
        title_zh=m.title_zh,
        title_en=m.title_en,
        starts_at=m.starts_at,
        agenda_cutoff_at=m.agenda_cutoff_at,
        location=m.location,
        host=m.host.code,
        status=m.status.value,
        minutes=m.minutes,
        participants=[
            ParticipantOut(agency=p.agency.code, attended=p.attended) for p in m.participants
        ],
        agenda=[item_out(i) for i in m.items],
    )


def progress_out(p: CommandProgress) -> ProgressOut:
    return ProgressOut(id=str(p.id), username=p.username, text=p.text, at=p.at)


def extension_out(e: DeadlineExtension) -> ExtensionOut:
    return ExtensionOut(
        old_deadline=e.old_deadline,
        new_deadline=e.new_deadline,
        reason=e.reason,
        by=e.by,
        at=e.at,
    )


def command_out(c: ActionCommand, now: datetime) -> CommandOut:
    meeting = c.decision.item.meeting
    return CommandOut(
        id=str(c.id),
        reference=c.reference,
        zone=meeting.zone.code,
        meeting=meeting.reference,
        owner=c.owner.code,
        description=c.description,
        deadline=c.deadline,
        status=c.status.value,
        overdue=c.overdue_at(now),
        done_at=c.done_at,
        done_late=c.done_late,
        progress=[progress_out(p) for p in c.progress],
        extensions=[extension_out(e) for e in c.extensions],
    )
